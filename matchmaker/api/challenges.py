"""Open challenges (揭榜挂帅): list and read published ones, write and submit one, publish or close it,
bid, read a proposal, score it, award one.

Each view calls the service the pages call (``services.challenges``, ``proposals``,
``challenge_evaluation``); who may do what is decided there. A proposal is confidential: anyone but
its bidding organizations, the sponsors, the appointed experts and admins gets 404.
"""

from __future__ import annotations

from flask import url_for

from matchmaker.api import bp
from matchmaker.api import challenge_serialize as serialize
from matchmaker.api.access import access, challenge, no_body, proposal, sponsor_firm
from matchmaker.api.challenge_schemas import (
    ChallengeOut,
    ChallengePageOut,
    ChallengeQuery,
    ProposalOut,
    ProposalsOut,
    ScoreOut,
)
from matchmaker.extensions import db
from matchmaker.schemas.challenges import AwardInput, ChallengeInput, CloseInput, ProposalInput, ScoreInput
from matchmaker.services import challenge_browse, challenge_evaluation, challenges, proposals

TAGS = ["challenges"]
ITEM = "/challenges/<id:challenge_id>"
ChallengePatch = type("ChallengePatch", (ChallengeInput,), {})


def _location(item) -> dict:
    return {"Location": url_for("api.challenge_read", challenge_id=item.id, _external=True)}


@bp.route("/challenges", methods=["GET"], endpoint="challenge_list", tags=TAGS)
@access("optional")
@bp.arguments(ChallengeQuery, location="query")
@bp.response(200, ChallengePageOut)
def browse(user, query):
    """Browse published challenges (open ones first, nearest deadline first)."""
    filters = challenge_browse.Filters(
        field=query.get("field", ""),
        region=query.get("region", ""),
        budget_min=query.get("budget_min"),
        deadline_before=query.get("deadline_before"),
        status=query.get("status", ""),
    )
    page = db.paginate(
        challenge_browse.statement(filters), page=query["page"], per_page=query["per_page"], error_out=False
    )
    return {
        "items": [serialize.challenge(item, user) for item in page.items],
        "total": page.total,
        "page": query["page"],
        "per_page": query["per_page"],
    }


@bp.route("/challenges", methods=["POST"], endpoint="challenge_create", tags=TAGS)
@access("user")
@sponsor_firm
@bp.arguments(ChallengeInput)
@bp.response(201, ChallengeOut)
@bp.alt_response(403, description="Only member firms post challenges.")
def create(user, data):
    """Post a challenge of your firm's (a draft; submit it for review)."""
    item = challenges.create(user, data)
    return serialize.challenge(item, user), 201, _location(item)


@bp.route(ITEM, methods=["GET"], endpoint="challenge_read", tags=TAGS)
@access("optional")
@challenge()
@bp.response(200, ChallengeOut)
def read(user, item):
    """Read a challenge (a draft or one in review: only its sponsors and admins)."""
    return serialize.challenge(item, user)


@bp.route(ITEM, methods=["PATCH"], endpoint="challenge_update", tags=TAGS)
@access("user")
@challenge(manage=True)
@bp.arguments(ChallengePatch(partial=True))
@bp.response(200, ChallengeOut)
def update(user, item, data):
    """Change some fields of a draft (its sponsors' members and admins). An empty body changes nothing."""
    if data:
        item = challenges.update(user, item.id, data, partial=True)
    return serialize.challenge(item, user)


@bp.route(f"{ITEM}/submit", methods=["POST"], endpoint="challenge_submit", tags=TAGS)
@access("user")
@challenge(manage=True)
@no_body
@bp.response(200, ChallengeOut)
def submit(user, item):
    """Submit a draft for review (once every sponsor confirmed its share)."""
    return serialize.challenge(challenges.submit(user, item.id), user)


@bp.route(f"{ITEM}/publish", methods=["POST"], endpoint="challenge_publish", tags=TAGS)
@access("admin")
@challenge()
@no_body
@bp.response(200, ChallengeOut)
def publish(admin, item):
    """Publish a challenge in review: teams may bid until its deadline."""
    return serialize.challenge(challenges.publish(admin, item.id), admin)


@bp.route(f"{ITEM}/close", methods=["POST"], endpoint="challenge_close", tags=TAGS)
@access("admin")
@challenge()
@bp.arguments(CloseInput)
@bp.response(200, ChallengeOut)
def close(admin, item, data):
    """Close an open challenge or one in evaluation without an award, with the reason."""
    return serialize.challenge(challenges.close_without_award(admin, item.id, data["reason"]), admin)


@bp.route(f"{ITEM}/award", methods=["POST"], endpoint="challenge_award", tags=TAGS)
@access("admin")
@challenge()
@bp.arguments(AwardInput)
@bp.response(200, ChallengeOut)
def award(admin, item, data):
    """Award a challenge in evaluation to one proposal: its milestones and the deal are recorded."""
    awarded = challenge_evaluation.award(
        admin,
        item.id,
        data["proposal_id"],
        data["signed_on"],
        data.get("registration_no", ""),
        data.get("amount_wan"),
    )
    return serialize.challenge(awarded, admin)


@bp.route(f"{ITEM}/proposals", methods=["POST"], endpoint="proposal_create", tags=TAGS)
@access("user")
@challenge()
@bp.arguments(ProposalInput)
@bp.response(201, ProposalOut)
def bid(user, item, data):
    """Bid on an open challenge (an eligible organization, once, until the end of the deadline day)."""
    created = proposals.submit(user, item.id, data)
    return (
        serialize.proposal(created),
        201,
        {"Location": url_for("api.proposal_read", proposal_id=created.id, _external=True)},
    )


@bp.route(f"{ITEM}/proposals", methods=["GET"], endpoint="proposal_list", tags=TAGS)
@access("user")
@challenge()
@bp.response(200, ProposalsOut)
def list_proposals(user, item):
    """A challenge's proposals: all for its sponsors, experts and admins; a bidder's own for a bidder."""
    rows = proposals.for_challenge(user, item)
    return {"items": [serialize.proposal(row) for row in rows], "total": len(rows)}


@bp.route("/proposals/<id:proposal_id>", methods=["GET"], endpoint="proposal_read", tags=TAGS)
@access("user")
@proposal
@bp.response(200, ProposalOut)
def read_proposal(user, found):
    """Read a proposal (its bidders, the sponsors, the appointed experts and admins; anyone else: 404)."""
    return serialize.proposal(found)


@bp.route("/proposals/<id:proposal_id>/scores", methods=["POST"], endpoint="proposal_score", tags=TAGS)
@access("user")
@proposal
@bp.arguments(ScoreInput)
@bp.response(201, ScoreOut)
def score(user, found, data):
    """Score a proposal in evaluation, once (sponsors, appointed experts, admins; never a bidder's member)."""
    row = challenge_evaluation.score(user, found.id, data["points"], data.get("comment", ""))
    return serialize.score(row), 201
