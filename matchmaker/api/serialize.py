"""Objects as JSON: what each reader may see, decided by ``matchmaker.permissions``.

Contacts and review notes are written only where the permissions allow; lists of the public
pool never carry them, whoever asks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask import url_for

from matchmaker import permissions
from matchmaker.models import Interest, Organization, Posting, User
from matchmaker.services import contacts

CONTACT = ("contact_name", "contact_phone", "contact_email")


def timestamp(value: datetime | None) -> str | None:
    """Stored naive UTC → RFC 3339 with a Z."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def organization(org: Organization) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "region": org.region,
        "city": org.city,
        "verified": bool(org.verified),
    }


def posting_url(posting: Posting) -> str:
    return url_for("postings.detail", kind=posting.kind + "s", posting_id=posting.id, _external=True)


def posting(item: Posting, viewer: User | None, public: bool = False, with_contact: bool = True) -> dict:
    """A posting for ``viewer`` under the models' names; ``public`` (pool lists) leaves out everything
    personal, and ``with_contact=False`` (the review queue) the contact, read per posting (and audited
    for admins)."""
    out = {
        "id": item.id,
        "kind": item.kind,
        "url": posting_url(item),
        "status": item.status,
        "region": item.organization.region,
        "city": item.organization.city,
        "organization": organization(item.organization),
        "published_at": timestamp(item.published_at),
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
    }
    for name in item.DATA_FIELDS:
        if name not in CONTACT:
            out[name] = getattr(item, name)
    out["keywords"] = list(item.keywords or [])
    if item.kind == "need":
        out["deadline"] = day(item.deadline)
    if not public:
        if permissions.is_owner(viewer, item) or permissions.is_admin(viewer):
            out["review_note"] = item.review_note or ""
        shown = contacts.of_posting(viewer, item) if with_contact else None
        if shown is not None:
            out.update({f"contact_{key}": value for key, value in shown.items()})
    return out


def suggestion(row) -> dict:
    view = row.suggestion
    other = view.posting
    return {
        "id": other.id,
        "kind": other.kind,
        "title": other.title,
        "url": posting_url(other),
        "score": round(float(view.score), 4),
        "text_score": round(float(view.text_score), 4),
        "strength": view.strength,
        "shared_terms": list(view.shared_terms),
        "reasons": list(view.reasons),
        "organization": organization(other.organization),
    }


def _ref(item: Posting) -> dict:
    return {"id": item.id, "title": item.title, "url": posting_url(item)}


def interest(item: Interest, viewer: User) -> dict:
    out = {
        "id": item.id,
        "url": url_for("interests.detail", interest_id=item.id, _external=True),
        "status": item.status,
        "need": _ref(item.need),
        "achievement": _ref(item.achievement),
        "initiator": organization(item.initiator_org),
        "recipient": organization(item.recipient_org),
        "message": item.message,
        "decline_reason": item.decline_reason or "",
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
        "accepted_at": timestamp(item.accepted_at),
        "deal": None,
        "contact_withdrawn_at": {side: timestamp(item.contact_withdrawn_at(side)) for side in ("need", "achievement")},
    }
    # As on the conversation page: contacts once accepted, for the two sides and admins, except
    # a side that has withdrawn its consent.
    if item.contacts_shared and permissions.can_view_interest(viewer, item):
        out["contacts"] = contacts.of_interest(viewer, item)
    if item.deal is not None:
        deal = item.deal
        out["deal"] = {
            "contract_type": deal.contract_type,
            "amount_wan": money(deal.amount_wan),
            "signed_on": day(deal.signed_on),
            "registration_no": deal.registration_no or "",
        }
    return out


def me(user: User) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "organization": organization(user.organization) if user.organization is not None else None,
    }
