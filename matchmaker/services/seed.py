"""Load the project's own demo data (``matchmaker.demo``) into an empty database, in one transaction.

The postings go through the importer (``services.transfer.import_file``), the path an administrator's
upload takes, so the demo's CSV files are checked by the same forms; each posting then gets the
status, dates, author and review note the demo gives it. Relative dates count from ``today``
(by default the day in Beijing).
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime, time
from decimal import Decimal

from flask import current_app, has_request_context
from sqlalchemy import func, select

from matchmaker import demo
from matchmaker.extensions import db
from matchmaker.models import (
    Achievement,
    Deal,
    Interest,
    InterestEvent,
    JoinRequest,
    Message,
    Need,
    Notification,
    Organization,
    User,
)
from matchmaker.models.base import utcnow
from matchmaker.services import passwords, transfer
from matchmaker.services.links import interest_path
from matchmaker.services.postings import MODELS

DEMO_PASSWORD = "demo-2026-pool"
ACCEPTED_NOTE = "已接受：联系方式已向双方共享。"  # what accepting writes in the history (zh)


class DemoDataError(RuntimeError):
    """The demo's own files do not pass the importer: a bug in them, never the user's."""


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


def load_demo(today: date | None = None) -> dict[str, int]:
    """Insert every demo organization, user, posting and connection in one transaction; returns counts."""
    from matchmaker.demo.connections import CONNECTIONS, JOIN_REQUEST

    today = today or demo.load_day()
    orgs = {}
    for row in demo.organizations():
        fields = {k: row[k] for k in ("name", "kind", "region", "city", "credit_code", "profile", "verified")}
        orgs[row["key"]] = Organization(**fields)
    db.session.add_all(orgs.values())
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: demo accounts only
    users = [
        User(
            organization=orgs[row["org"]],
            email=row["email"],
            name=row["name"],
            phone=row["phone"],
            role=row["role"],
            password_hash=password_hash,
            consent_version="demo",
            email_confirmed_at=utcnow(),
        )
        for row in demo.users()
    ]
    db.session.add_all(users)
    db.session.flush()  # column defaults (an active admin, orgs not suspended) before the importer checks them
    creators = {}
    for user in users:
        creators.setdefault(user.organization, user)
    admin = next(user for user in users if user.role == "admin")
    by_title: dict[str, Achievement | Need] = {}
    counts = {}
    for kind in ("achievement", "need"):
        postings = _import(kind, admin, today)
        for posting in postings:
            posting.created_by = creators.get(posting.organization)
            by_title[posting.title] = posting
        counts[kind + "s"] = len(postings)
    interests = [
        _connect(row, by_title[row["need"]], by_title[row["achievement"]], creators, today) for row in CONNECTIONS
    ]
    _join_request(orgs[JOIN_REQUEST["org"]], JOIN_REQUEST, password_hash, today)
    db.session.commit()
    from matchmaker.services import seed_challenges  # the challenges go through their services: after the commit

    with _request_context():
        open_challenges = seed_challenges.load(today)
    return {
        "organizations": len(orgs),
        "users": len(users),
        **counts,
        "interests": len(interests),
        "deals": sum(1 for i in interests if i.deal is not None),
        **open_challenges,
    }


def _import(kind: str, admin: User, today: date) -> list[Achievement | Need]:
    """Import one kind's file as an admin would (left pending), then give each posting its demo state."""
    rows = demo.postings(kind)
    with _request_context():
        report = transfer.import_file(admin, demo.FILES[kind], demo.import_file(kind, today), kind=kind, commit=False)
    if report.errors or report.created != len(rows):
        problems = "; ".join(f"row {e.row} {e.column}: {e.message}" for e in report.errors[:5])
        raise DemoDataError(f"{demo.FILES[kind]}: {report.created} of {len(rows)} rows imported. {problems}")
    model = MODELS[kind]
    ids = [row["external_id"] for row in rows]
    stored = {p.external_id: p for p in db.session.scalars(select(model).where(model.external_id.in_(ids)))}
    postings = []
    for row in rows:
        posting = stored[row["external_id"]]
        created = datetime.combine(demo.day(row["demo_created"], today), time())
        status = posting.status = row["demo_status"]
        posting.review_note = row["demo_review_note"]
        posting.created_at = posting.updated_at = created
        posting.submitted_at = created if status != "draft" else None
        posting.published_at = created if status == "published" else None
        if kind == "need" and row["deadline"]:
            posting.deadline = demo.day(row["deadline"], today)  # a past one did not come through the importer
        postings.append(posting)
    return postings


def _request_context():
    """The importer's forms want a request (its language); ``flask seed demo`` runs outside one."""
    return nullcontext() if has_request_context() else current_app.test_request_context()


def _connect(
    row: dict, need: Need, achievement: Achievement, member: dict[Organization, User], today: date
) -> Interest:
    """One demo interest with its history, messages, deal and the unread notifications it leaves."""
    org = {"need": need.organization, "achievement": achievement.organization}
    initiator = row["initiator"]
    recipient = "achievement" if initiator == "need" else "need"

    def at(text: str) -> datetime:
        return demo.moment(text, today)

    created = at(row["created"])
    interest = Interest(
        need=need,
        achievement=achievement,
        initiator_org=org[initiator],
        recipient_org=org[recipient],
        initiator_user=member[org[initiator]],
        message=row["message"],
        status="proposed",
        created_at=created,
        updated_at=created,
    )
    interest.events.append(InterestEvent(actor=member[org[initiator]], to_status="proposed", created_at=created))

    def move(to_status: str, side: str, when: datetime, note: str = "") -> None:
        interest.events.append(
            InterestEvent(
                actor=member[org[side]], from_status=interest.status, to_status=to_status, note=note, created_at=when
            )
        )
        interest.status, interest.updated_at = to_status, when

    if "declined" in row:
        when, reason = row["declined"]
        move("declined", recipient, at(when), reason)
        interest.decline_reason = reason
    if "accepted" in row:
        when = at(row["accepted"])
        move("negotiating", recipient, when, ACCEPTED_NOTE)
        interest.accepted_at, interest.accepted_by_id = when, member[org[recipient]].id
    for side, when, body in row.get("messages", ()):
        interest.messages.append(
            Message(sender=member[org[side]], sender_org=org[side], body=body, created_at=at(when))
        )
        interest.updated_at = at(when)
    for to_status, side, when, note in row.get("moves", ()):
        move(to_status, side, at(when), note)
    if deal := row.get("deal"):
        side, when = deal["recorded"]
        interest.deal = Deal(
            contract_type=deal["contract_type"],
            amount_wan=Decimal(deal["amount_wan"]),
            signed_on=demo.day(deal["signed_on"], today),
            registration_no=deal["registration_no"],
            recorded_by_id=member[org[side]].id,
            created_at=at(when),
        )
        move("deal_signed", side, at(when))
    db.session.add(interest)
    db.session.flush()
    # What is waiting for the two demo desks: a new interest, or the other side's last message.
    if interest.status == "proposed":
        _notify(org[recipient], "interest_received", interest, org[initiator], created)
    elif interest.status == "negotiating" and interest.messages:
        last = interest.messages[-1]
        other = org["need"] if last.sender_org is org["achievement"] else org["achievement"]
        _notify(other, "new_message", interest, last.sender_org, last.created_at)
    return interest


def _join_request(org: Organization, row: dict, password_hash: str, today: date) -> None:
    when = demo.moment(row["created"], today)
    joiner = User(
        organization=None,
        email=row["email"],
        name=row["name"],
        phone=row["phone"],
        password_hash=password_hash,
        consent_version="demo",
        email_confirmed_at=when,
        created_at=when,
    )
    db.session.add(JoinRequest(user=joiner, organization=org, message=row["message"], created_at=when))
    for user in org.users:
        db.session.add(
            Notification(
                user_id=user.id,
                event="join_requested",
                created_at=when,
                link="/me/organization",
                params={"name": joiner.name, "email": joiner.email},
            )
        )


def _notify(to_org: Organization, event: str, interest: Interest, from_org: Organization, when: datetime) -> None:
    title = interest.need.title if interest.need.organization is to_org else interest.achievement.title
    for user in to_org.users:
        db.session.add(
            Notification(
                user_id=user.id,
                event=event,
                params={"org": from_org.name, "title": title},
                link=interest_path(interest),
                created_at=when,
            )
        )
