"""Interests: express one, list mine, read one, accept or decline, withdraw contact consent, record the deal.

``services.interests`` decides; contacts appear only once the interest is accepted, and only for
its two organizations and admins (as on the conversation page).
"""

from __future__ import annotations

from flask import url_for

from matchmaker.api import bp, serialize
from matchmaker.api.access import access, interest, no_body
from matchmaker.api.schemas import InterestOut, InterestsOut
from matchmaker.schemas.interests import ContactConsentInput, DealInput, DeclineInput, InterestInput
from matchmaker.services import interests

TAGS = ["interests"]
ITEM = "/interests/<id:interest_id>"


def _location(item) -> dict:
    return {"Location": url_for("api.interest_read", interest_id=item.id, _external=True)}


@bp.route("/interests", methods=["POST"], endpoint="interest_create", tags=TAGS)
@access("user")
@bp.arguments(InterestInput)
@bp.response(201, InterestOut)
def express(user, data):
    """Express interest in a pair of published postings."""
    item = interests.express(user, data["need_id"], data["achievement_id"], data.get("message", ""))
    return serialize.interest(item, user), 201, _location(item)


@bp.route("/interests", methods=["GET"], endpoint="interest_list", tags=TAGS)
@access("user")
@bp.response(200, InterestsOut)
def mine(user):
    """My organization's interests."""
    rows = interests.for_organization(user.organization_id)
    return {"items": [serialize.interest(row, user) for row in rows], "total": len(rows)}


@bp.route(ITEM, methods=["GET"], endpoint="interest_read", tags=TAGS)
@access("user")
@interest(party=False)
@bp.response(200, InterestOut)
def read(user, item):
    """Read an interest (its two organizations and admins)."""
    return serialize.interest(item, user)


@bp.route(f"{ITEM}/accept", methods=["POST"], endpoint="interest_accept", tags=TAGS)
@access("user")
@interest(party=False)
@no_body
@bp.response(200, InterestOut)
def accept(user, item):
    """Accept (the receiving side): contacts are shared."""
    return serialize.interest(interests.accept(user, item), user)


@bp.route(f"{ITEM}/decline", methods=["POST"], endpoint="interest_decline", tags=TAGS)
@access("user")
@interest(recipient_only=True)
@bp.arguments(DeclineInput)
@bp.response(200, InterestOut)
def decline(user, item, data):
    """Decline (the receiving side), with a reason."""
    return serialize.interest(interests.decline(user, item, data["reason"]), user)


@bp.route(f"{ITEM}/deal", methods=["POST"], endpoint="interest_deal", tags=TAGS)
@access("user")
@interest()
@bp.arguments(DealInput)
@bp.response(201, InterestOut)
def deal(user, item, data):
    """Record the signed deal."""
    interests.record_deal(user, item, interests.DealData(**{"registration_no": "", **data}))
    return serialize.interest(item, user), 201, _location(item)


@bp.route(f"{ITEM}/contact", methods=["POST"], endpoint="interest_contact", tags=TAGS)
@access("user")
@interest()
@bp.arguments(ContactConsentInput)
@bp.response(200, InterestOut)
def contact_consent(user, item, data):
    """Withdraw (or give again) your side's consent to share its contact."""
    return serialize.interest(interests.set_contact_consent(user, item, data["consent"] == "share"), user)
