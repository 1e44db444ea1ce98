"""Load the project's own demo data (``matchmaker.demo.data``) into an empty database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Organization, User
from matchmaker.services import passwords

DEMO_PASSWORD = "demo-2026-pool"


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _when(day: str | None) -> datetime:
    return datetime.fromisoformat(day) if day else datetime(2026, 11, 1)


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(Organization.id)))


def load_demo() -> dict[str, int]:
    """Insert every demo organization, user and posting in one transaction; returns counts."""
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
            role=row["role"], password_hash=password_hash, consent_version="demo",
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

    for row in data.ACHIEVEMENTS:
        posting = Achievement(
            **common(row), summary=row["summary"], description=row["description"],
            advantages=row["advantages"], applications=row.get("applications", ""), trl=row["trl"],
            ip_type=row.get("ip_type", "none"), patent_numbers=row.get("patent_numbers", ""),
            price_min=_money(row.get("price_min")), price_max=_money(row.get("price_max")),
        )
        posting.modes = row["transfer_modes"]
        db.session.add(posting)
    for row in data.NEEDS:
        posting = Need(
            **common(row), problem=row["problem"], key_points=row["key_points"], goals=row["goals"],
            min_trl=row["min_trl"], budget_min=_money(row.get("budget_min")), budget_max=_money(row.get("budget_max")),
            deadline=date.fromisoformat(row["deadline"]) if row.get("deadline") else None,
        )
        posting.modes = row["modes"]
        db.session.add(posting)
    db.session.commit()
    return {
        "organizations": len(orgs), "users": len(users),
        "achievements": len(data.ACHIEVEMENTS), "needs": len(data.NEEDS),
    }
