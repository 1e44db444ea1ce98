"""Notifications: a row per user in the caller's transaction, plus an e-mail unless opted out.

Texts are stored as an event code and parameters and rendered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker import domain
from matchmaker.extensions import db
from matchmaker.models import Notification, User
from matchmaker.models.base import utcnow
from matchmaker.services import mailer
from matchmaker.services.links import absolute

# (zh, en) message templates per event; parameters are filled with str.format.
TEXTS: dict[str, tuple[str, str]] = {
    "strong_suggestion": ("“{title}”有新的强匹配推荐：“{other}”", "New strong suggestion for “{title}”: “{other}”"),
    "interest_received": ("{org} 对“{title}”发来对接意向", "{org} sent an expression of interest in “{title}”"),
    "interest_accepted": (
        "{org} 接受了关于“{title}”的对接意向，可查看联系方式",
        "{org} accepted your interest in “{title}”; contacts are now shared",
    ),
    "interest_declined": ("{org} 婉拒了关于“{title}”的对接意向", "{org} declined your interest in “{title}”"),
    "new_message": ("{org} 在“{title}”的洽谈中发来新消息", "New message from {org} about “{title}”"),
    "posting_published": ("“{title}”已通过审核并发布", "“{title}” was approved and published"),
    "posting_rejected": ("“{title}”未通过审核或需修改：{reason}", "“{title}” was rejected or sent back: {reason}"),
    "saved_search": ("订阅“{name}”有新结果：“{title}”", "New result for your saved search “{name}”: “{title}”"),
    "pair_recommended": (
        "平台向您推荐对接：“{title}” ⇄ “{other}”",
        "The platform recommends a pair: “{title}” ⇄ “{other}”",
    ),
    "posting_expiring": (
        "“{title}”将于 {date} 归档，如仍有效请续期",
        "“{title}” will be archived on {date}; renew it if it is still current",
    ),
    "posting_archived": ("“{title}”已归档：{reason}", "“{title}” was archived: {reason}"),
    "posting_merged": ("“{title}”与“{other}”重复，已合并归档", "“{title}” duplicated “{other}” and was merged into it"),
    "join_requested": (
        "{name}（{email}）申请加入本机构，请核实后批准或拒绝",
        "{name} ({email}) asks to join your organization: check and approve or refuse",
    ),
    "join_approved": ("您加入“{org}”的申请已获批准", "Your request to join “{org}” was approved"),
    "join_refused": ("您加入“{org}”的申请未获批准", "Your request to join “{org}” was refused"),
    "challenge_share": (
        "请确认贵单位在榜单“{title}”中的出资份额：{share} 万元",
        "Please confirm your share of the challenge “{title}”: {share} (ten-thousand yuan)",
    ),
    "challenge_opened": (
        "新榜单“{title}”与贵单位成果“{other}”匹配（{reasons_zh}），欢迎揭榜",
        "The new challenge “{title}” fits your achievement “{other}” ({reasons_en}): you may bid",
    ),
    "challenge_changed": ("榜单“{title}”状态更新：{status_zh}", "The challenge “{title}” is now: {status_en}"),
    "proposal_received": ("榜单“{title}”收到{org}的揭榜方案", "{org} submitted a proposal to the challenge “{title}”"),
    "proposal_decided": ("榜单“{title}”评审结果：{status_zh}", "Result of the challenge “{title}”: {status_en}"),
    "milestone_changed": (
        "榜单“{title}”的里程碑“{milestone}”：{status_zh}",
        "Milestone “{milestone}” of the challenge “{title}”: {status_en}",
    ),
}


def render(notification: Notification, lang: str) -> str:
    zh, en = TEXTS[notification.event]
    template = en if lang == "en" else zh
    try:
        return template.format(**notification.params)
    except (KeyError, IndexError):
        return domain.label(domain.NOTIFICATION_EVENTS, notification.event, lang)


def admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == "admin", User.active.is_(True))))


def org_members(org_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organization_id == org_id, User.active.is_(True))))


def notify(users: Iterable[User], event: str, params: dict, link: str = "", dedupe_key: str | None = None) -> int:
    """Add one notification per user (skipping duplicates of ``dedupe_key``); returns how many were new."""
    users = list(users)
    if not users:
        return 0
    rows = [
        {
            "user_id": u.id,
            "event": event,
            "params": params,
            "link": link,
            "dedupe_key": dedupe_key,
            "created_at": utcnow(),
        }
        for u in users
    ]
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Notification)
    if dedupe_key is not None:  # the unique constraint makes "once per pair" hold across workers
        stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "event", "dedupe_key"])
    stmt = stmt.returning(Notification.id)
    created = 0
    for user, row in zip(users, rows):
        if db.session.execute(stmt, row).first() is None:
            continue
        created += 1
        if event not in (user.email_opt_out or []):
            zh, _en = TEXTS[event]
            subject = "【京津冀科技成果供需库】" + domain.label(domain.NOTIFICATION_EVENTS, event, "zh")
            body = (
                zh.format(**params)
                + ("\n\n" + absolute(link) if link else "")
                + "\n\n（可在“通知设置”中关闭此类邮件。）"
            )
            mailer.queue(db.session, user.email, subject, body)
    return created


def unread_count(user_id: int) -> int:
    from sqlalchemy import func

    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(user_id: int, notification_id: int | None = None) -> None:
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=utcnow()))
    db.session.commit()
