"""Load the project's own demo data (``matchmaker.demo.data``) into an empty database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models.base import utcnow
from matchmaker.models import (Achievement, Deal, Interest, InterestEvent, JoinRequest, Message, Need, Notification,
                               Organization, User)
from matchmaker.services import passwords
from matchmaker.services.links import interest_path

DEMO_PASSWORD = "demo-2026-pool"
ACCEPTED_NOTE = "已接受：联系方式已向双方共享。"  # what accepting writes in the history (zh)


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _when(day: str | None) -> datetime:
    return datetime.fromisoformat(day) if day else datetime(2026, 11, 1)


def _beijing(text: str) -> datetime:
    """A Beijing-time ``YYYY-MM-DDTHH:MM`` of the demo data as the naive UTC the database keeps."""
    return datetime.fromisoformat(text) - timedelta(hours=8)


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


def load_demo() -> dict[str, int]:
    """Insert every demo organization, user, posting and connection in one transaction; returns counts."""
    from matchmaker.demo import data

    orgs = {}
    for row in data.ORGANIZATIONS:
        fields = {k: row[k] for k in ("name", "kind", "region", "city", "credit_code", "profile")}
        orgs[row["key"]] = Organization(**fields, verified=row.get("verified", False))
    db.session.add_all(orgs.values())
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: demo accounts only
    users = [
        User(
            organization=orgs[row["org"]], email=row["email"], name=row["name"], phone=row["phone"],
            role=row["role"], password_hash=password_hash, consent_version="demo", email_confirmed_at=utcnow(),
        )
        for row in data.USERS
    ]
    db.session.add_all(users)
    creators = {}
    for user in users:
        creators.setdefault(user.organization, user)

    def common(row) -> dict:
        created = _when(row.get("created"))
        status = row.get("status", "published")
        org = orgs[row["org"]]
        return dict(
            organization=org, created_by=creators.get(org), title=row["title"], field=row["field"],
            keywords=list(row["keywords"]), status=status, review_note=row.get("reject_reason", ""),
            contact_name=row["contact_name"], contact_phone=row["contact_phone"], contact_email=row["contact_email"],
            created_at=created, updated_at=created,
            submitted_at=created if status != "draft" else None,
            published_at=created if status == "published" else None,
        )

    by_title: dict[str, Achievement | Need] = {}
    for row in data.ACHIEVEMENTS:
        posting = by_title[row["title"]] = Achievement(
            **common(row), summary=row["summary"], description=row["description"],
            advantages=row["advantages"], applications=row.get("applications", ""), trl=row["trl"],
            ip_type=row.get("ip_type", "none"), patent_numbers=row.get("patent_numbers", ""),
            price_min=_money(row.get("price_min")), price_max=_money(row.get("price_max")),
        )
        posting.modes = row["transfer_modes"]
        db.session.add(posting)
    for row in data.NEEDS:
        posting = by_title[row["title"]] = Need(
            **common(row), problem=row["problem"], key_points=row["key_points"], goals=row["goals"],
            min_trl=row["min_trl"], budget_min=_money(row.get("budget_min")), budget_max=_money(row.get("budget_max")),
            deadline=date.fromisoformat(row["deadline"]) if row.get("deadline") else None,
        )
        posting.modes = row["modes"]
        db.session.add(posting)
    db.session.flush()  # ids for the connections' users and links
    from matchmaker.demo.connections import CONNECTIONS

    interests = [_connect(row, by_title[row["need"]], by_title[row["achievement"]], creators) for row in CONNECTIONS]
    _join_request(orgs["jdgt"], password_hash)
    db.session.commit()
    return {
        "organizations": len(orgs), "users": len(users),
        "achievements": len(data.ACHIEVEMENTS), "needs": len(data.NEEDS),
        "interests": len(interests), "deals": sum(1 for i in interests if i.deal is not None),
    }


def _connect(row: dict, need: Need, achievement: Achievement, member: dict[Organization, User]) -> Interest:
    """One demo interest with its history, messages, deal and the unread notifications it leaves."""
    org = {"need": need.organization, "achievement": achievement.organization}
    initiator = row["initiator"]
    recipient = "achievement" if initiator == "need" else "need"
    created = _beijing(row["created"])
    interest = Interest(
        need=need, achievement=achievement, initiator_org=org[initiator], recipient_org=org[recipient],
        initiator_user=member[org[initiator]], message=row["message"], status="proposed",
        created_at=created, updated_at=created,
    )
    interest.events.append(InterestEvent(actor=member[org[initiator]], to_status="proposed", created_at=created))

    def move(to_status: str, side: str, when: datetime, note: str = "") -> None:
        interest.events.append(InterestEvent(actor=member[org[side]], from_status=interest.status,
                                             to_status=to_status, note=note, created_at=when))
        interest.status, interest.updated_at = to_status, when

    if "declined" in row:
        when, reason = row["declined"]
        move("declined", recipient, _beijing(when), reason)
        interest.decline_reason = reason
    if "accepted" in row:
        when = _beijing(row["accepted"])
        move("negotiating", recipient, when, ACCEPTED_NOTE)
        interest.accepted_at, interest.accepted_by_id = when, member[org[recipient]].id
    for side, when, body in row.get("messages", ()):
        interest.messages.append(Message(sender=member[org[side]], sender_org=org[side], body=body,
                                         created_at=_beijing(when)))
        interest.updated_at = _beijing(when)
    for to_status, side, when, note in row.get("moves", ()):
        move(to_status, side, _beijing(when), note)
    if deal := row.get("deal"):
        side, when = deal["recorded"]
        interest.deal = Deal(
            contract_type=deal["contract_type"], amount_wan=Decimal(deal["amount_wan"]),
            signed_on=date.fromisoformat(deal["signed_on"]), registration_no=deal["registration_no"],
            recorded_by_id=member[org[side]].id, created_at=_beijing(when),
        )
        move("deal_signed", side, _beijing(when))
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


# A colleague of hb-firm@ who asked to join its firm: the member approves or refuses on "我的机构".
JOINER = {"email": "li.xin@jdgt.example.com", "name": "李欣", "phone": "0315-5555 0457",
          "message": "我是设备部新入职的工程师，负责高炉除尘改造项目，请批准我加入公司账号。"}


def _join_request(org: Organization, password_hash: str) -> None:
    when = _beijing("2026-11-28T09:15")
    joiner = User(organization=None, email=JOINER["email"], name=JOINER["name"], phone=JOINER["phone"],
                  password_hash=password_hash, consent_version="demo", email_confirmed_at=when, created_at=when)
    db.session.add(JoinRequest(user=joiner, organization=org, message=JOINER["message"], created_at=when))
    for user in org.users:
        db.session.add(Notification(user_id=user.id, event="join_requested", created_at=when, link="/me/organization",
                                    params={"name": joiner.name, "email": joiner.email}))


def _notify(to_org: Organization, event: str, interest: Interest, from_org: Organization, when: datetime) -> None:
    title = interest.need.title if interest.need.organization is to_org else interest.achievement.title
    for user in to_org.users:
        db.session.add(Notification(user_id=user.id, event=event, params={"org": from_org.name, "title": title},
                                     link=interest_path(interest), created_at=when))
