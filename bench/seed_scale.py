"""Seed a large, all-published pool for the load benchmark, deterministically, from the demo texts.

    .venv/bin/python bench/seed_scale.py --database-url sqlite:////tmp/x/load.db \
        --index-dir /tmp/x/matching --manifest /tmp/x/manifest.json [--achievements 10000 --needs 5000]

What it writes, in one migrated (``flask db upgrade``) and otherwise empty database:

* the demo organizations (9 Beijing and 6 Tianjin universities/institutes/agency, 17 Hebei firms)
  and their demo accounts, all with the demo password ``demo-2026-pool``;
* ``--achievements`` achievements and ``--needs`` needs, all ``published``: each one a
  recombination of a published demo posting (seeded RNG): its title with a qualifier, its
  description's sentences shuffled with sentences of two other postings of the same field (cut
  to about the original length), keywords drawn from the three, TRL and price/budget jittered,
  60% kept with the demo posting's organization and 40% moved to another organization of the same
  side; dates spread over 2025-01..2026-10. Inserted with bulk ORM inserts (one transaction);
* for the write tests: ``--accepted`` accepted interests (status ``negotiating``, contacts shared,
  with their two events) between the organizations of the first ``--firms`` Hebei firm users and
  the first ``--suppliers`` supply-side users, so both sides can post messages; and a list of
  ``--pairs`` other (need, achievement) pairs between the same organizations, with no interest yet,
  for "express interest";
* ``--pending`` postings waiting for review (half achievements, half needs: the review queue) and
  ``--audit`` rows of the audit log (an admin publishing postings), for the admin pages;
* ``--challenges`` open challenges (揭榜挂帅), each made from a published need of a Hebei firm (its sole
  sponsor, share confirmed) with two proposals from supply-side organizations, for the challenge pages;
* the match index (``match_index.build_index()``, what ``flask matching rebuild`` runs) under
  ``--index-dir``, then the dashboard's figures (``figures.refresh()``, what ``flask pool stats
  refresh`` runs).

The manifest (JSON) lists the accounts to log in with, the pairs, the accepted interests and a need
with suggestions for its owner, so the load driver never guesses ids. Prints timings; refuses to
seed a database that already has organizations.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUALIFIERS = ("", "", "", "改进型", "第二代", "低成本", "模块化", "智能化", "绿色", "高效", "紧凑型", "一体化")
SUFFIXES = ("", "", "", "及成套装备", "及工程应用", "工艺包", "（中试验证）", "及配套控制系统", "示范应用")
NEED_PREFIXES = ("", "", "", "急需：", "寻求合作：", "技术攻关：", "征集方案：")
EPOCH = datetime(2025, 1, 1)
SPAN_DAYS = 660  # to 2026-10


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；！？])", text or "") if s.strip()]


def _mix(rng: random.Random, own: str, others: list[str]) -> str:
    """``own``'s sentences shuffled with those of ``others``, cut to about ``own``'s length."""
    pool = _sentences(own) + [s for text in others for s in _sentences(text)]
    rng.shuffle(pool)
    out, size = [], 0
    for sentence in pool:
        if size >= len(own) and out:
            break
        out.append(sentence)
        size += len(sentence)
    return "".join(out) or own


def _money(value, factor: float) -> Decimal | None:
    return None if value is None else Decimal(str(round(value * factor, 1)))


def _dates(rng: random.Random) -> datetime:
    return EPOCH + timedelta(days=rng.randrange(SPAN_DAYS), seconds=rng.randrange(86400))


def _by_field(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["field"], []).append(row)
    return out


def _recombine(
    rng: random.Random, base: list[dict], fields: dict, i: int, org_ids: dict[str, int], side_keys: list[str]
):
    """The i-th recombined posting's parts: its demo posting, two others of the same field, the
    organization (60% the demo posting's, else another of the same side), dates, a price factor and keywords."""
    b = base[i % len(base)]
    same = [r for r in fields[b["field"]] if r is not b] or [b]
    others = [rng.choice(same), rng.choice(same)]
    org_key = b["org"] if rng.random() < 0.6 else rng.choice(side_keys)
    when = _dates(rng)
    factor = rng.uniform(0.6, 1.6)
    keywords = list(
        dict.fromkeys(b["keywords"][:2] + rng.sample([k for r in others for k in r["keywords"]] + b["keywords"], k=2))
    )
    return b, others, org_ids[org_key], when, factor, keywords


def achievement_rows(
    n: int, org_ids: dict[str, int], supply_keys: list[str], creators: dict[int, int], seed: int
) -> list[dict]:
    from matchmaker import demo

    rng = random.Random(seed)
    base = [r for r in demo.records("achievement") if r["status"] == "published"]
    fields = _by_field(base)
    rows = []
    for i in range(n):
        b, others, org_id, when, factor, keywords = _recombine(rng, base, fields, i, org_ids, supply_keys)
        title = rng.choice(QUALIFIERS) + b["title"] + rng.choice(SUFFIXES)
        modes = b["transfer_modes"]
        rows.append(
            dict(
                organization_id=org_id,
                created_by_id=creators.get(org_id),
                title=title[:200],
                field=b["field"],
                keywords=keywords,
                modes_text="|" + "|".join(modes) + "|",
                status="published",
                review_note="",
                contact_name=b["contact_name"],
                contact_phone=b["contact_phone"],
                contact_email=b["contact_email"],
                created_at=when,
                updated_at=when,
                submitted_at=when,
                published_at=when,
                summary=_mix(rng, b["summary"], [o["summary"] for o in others])[:500],
                description=_mix(rng, b["description"], [o["description"] for o in others]),
                advantages=rng.choice([b, *others])["advantages"],
                applications=rng.choice([b, *others]).get("applications", ""),
                trl=max(1, min(9, b["trl"] + rng.choice((-1, 0, 0, 1)))),
                ip_type=b.get("ip_type", "none"),
                patent_numbers=b.get("patent_numbers", ""),
                price_min=_money(b.get("price_min"), factor),
                price_max=_money(b.get("price_max"), factor),
            )
        )
    return rows


def need_rows(n: int, org_ids: dict[str, int], firm_keys: list[str], creators: dict[int, int], seed: int) -> list[dict]:
    from matchmaker import demo

    rng = random.Random(seed + 1)
    base = [r for r in demo.records("need") if r["status"] == "published"]
    fields = _by_field(base)
    rows = []
    for i in range(n):
        b, others, org_id, when, factor, keywords = _recombine(rng, base, fields, i, org_ids, firm_keys)
        modes = b["modes"]
        rows.append(
            dict(
                organization_id=org_id,
                created_by_id=creators.get(org_id),
                title=(rng.choice(NEED_PREFIXES) + b["title"])[:200],
                field=b["field"],
                keywords=keywords,
                modes_text="|" + "|".join(modes) + "|",
                status="published",
                review_note="",
                contact_name=b["contact_name"],
                contact_phone=b["contact_phone"],
                contact_email=b["contact_email"],
                created_at=when,
                updated_at=when,
                submitted_at=when,
                published_at=when,
                problem=_mix(rng, b["problem"], [o["problem"] for o in others]),
                key_points=rng.choice([b, *others])["key_points"],
                goals=rng.choice([b, *others])["goals"],
                min_trl=max(1, min(9, b["min_trl"] + rng.choice((-1, 0, 0, 1)))),
                budget_min=_money(b.get("budget_min"), factor),
                budget_max=_money(b.get("budget_max"), factor),
                deadline=date(2027, 1, 1) + timedelta(days=rng.randrange(720)),
            )
        )
    return rows


def seed_challenges(n: int, firm_users: list, supply_users: list, rng: random.Random) -> dict | None:
    """``n`` open challenges from published needs of the firm users' organizations, two proposals each;
    returns the first one's id and a sponsor account (who may read its proposals' ranking)."""
    from sqlalchemy import insert, select

    from matchmaker.extensions import db
    from matchmaker.models import Challenge, ChallengeSponsor, Need, Proposal

    if not n or not firm_users or len(supply_users) < 2:
        return None
    sponsors = {u.organization_id: u for u in firm_users}
    needs = list(
        db.session.execute(
            select(Need.id, Need.organization_id, Need.title, Need.field, Need.problem, Need.key_points, Need.goals)
            .where(Need.organization_id.in_(sponsors), Need.status == "published")
            .order_by(Need.id)
            .limit(n)
        )
    )
    deadline, now = date(2030, 6, 30), datetime(2026, 11, 1, 9, 0)
    rows = [
        dict(
            title=f"揭榜挂帅：{need.title}"[:200],
            field=need.field,
            problem=need.problem,
            key_points=need.key_points,
            goals=need.goals,
            keywords=[],
            indicators=[{"name": "关键指标", "target": "≥ 90%"}],
            criteria=[{"name": "技术方案", "weight": 60}, {"name": "报价", "weight": 40}],
            budget_wan=Decimal(rng.randint(50, 800)),
            proposal_deadline=deadline,
            delivery_months=12,
            eligible_regions_text="|beijing|tianjin|",
            eligible_kinds_text="|university|institute|",
            min_trl=4,
            status="open",
            source_need_ids=[need.id],
            lead_org_id=need.organization_id,
            created_by_id=sponsors[need.organization_id].id,
            created_at=now,
            updated_at=now,
            opened_at=now,
        )
        for need in needs
    ]
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Challenge), rows[start : start + 2000])
    ids = list(db.session.scalars(select(Challenge.id).order_by(Challenge.id)))
    db.session.execute(
        insert(ChallengeSponsor),
        [
            dict(
                challenge_id=cid,
                organization_id=row["lead_org_id"],
                need_id=row["source_need_ids"][0],
                share_wan=row["budget_wan"],
                confirmed_at=now,
                confirmed_by_id=row["created_by_id"],
            )
            for cid, row in zip(ids, rows, strict=True)
        ],
    )
    proposals = [
        dict(
            challenge_id=cid,
            lead_org_id=bidder.organization_id,
            submitted_by_id=bidder.id,
            lead_person=bidder.name,
            team="课题组 6 人",
            approach="中试验证后分阶段实施。",
            indicator_plans=["小试达到 92%"],
            milestones=[{"title": "中试", "due": "2030-12-31", "payment_wan": str(row["budget_wan"])}],
            price_wan=row["budget_wan"],
            trl=5,
            created_at=now,
            updated_at=now,
        )
        for cid, row in zip(ids, rows, strict=True)
        for bidder in rng.sample(supply_users, 2)
    ]
    for start in range(0, len(proposals), 2000):
        db.session.execute(insert(Proposal), proposals[start : start + 2000])
    db.session.commit()
    first = ids[0] if ids else None
    return {"id": first, "sponsor": sponsors[rows[0]["lead_org_id"]].email} if first else None


def seed(args) -> dict:
    import flask_migrate
    from sqlalchemy import func, insert, select

    from matchmaker import demo
    from matchmaker.app import create_app
    from matchmaker.extensions import db
    from matchmaker.models import Achievement, AuditLog, Interest, InterestEvent, Need, Organization, User
    from matchmaker.services import figures, match_index, passwords
    from matchmaker.services.seed import DEMO_PASSWORD

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "MATCHING_INDEX_DIR": args.index_dir,
            "MAIL_OUTBOX_DIR": args.index_dir + "-outbox",
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
        timings["migrate"] = time.perf_counter() - t0
        if db.session.scalar(select(func.count(Organization.id))):
            raise SystemExit("seed_scale: the database already has organizations; give an empty one")

        t = time.perf_counter()
        orgs = {}
        for row in demo.organizations():
            fields = {k: row[k] for k in ("name", "kind", "region", "city", "credit_code", "profile")}
            orgs[row["key"]] = Organization(**fields, verified=True)
        db.session.add_all(orgs.values())
        password_hash = passwords.hash_password(DEMO_PASSWORD)
        users = {}
        for row in demo.users():
            users[row["email"]] = User(
                organization=orgs[row["org"]],
                email=row["email"],
                name=row["name"],
                phone=row["phone"],
                role=row["role"],
                password_hash=password_hash,
                consent_version="demo",
            )
        db.session.add_all(users.values())
        db.session.flush()
        org_ids = {key: org.id for key, org in orgs.items()}
        creators: dict[int, int] = {}
        for user in users.values():
            creators.setdefault(user.organization_id, user.id)
        supply_keys = [r["key"] for r in demo.organizations() if r["kind"] in ("university", "institute")]
        firm_keys = [r["key"] for r in demo.organizations() if r["kind"] == "firm"]

        a_rows = achievement_rows(args.achievements + args.pending // 2, org_ids, supply_keys, creators, args.seed)
        n_rows = need_rows(args.needs + args.pending - args.pending // 2, org_ids, firm_keys, creators, args.seed)
        for row in a_rows[args.achievements :] + n_rows[args.needs :]:  # the last ones wait for review
            row.update(status="pending", published_at=None)
        for start in range(0, len(a_rows), 2000):
            db.session.execute(insert(Achievement), a_rows[start : start + 2000])
        for start in range(0, len(n_rows), 2000):
            db.session.execute(insert(Need), n_rows[start : start + 2000])
        admin = next(u for u in users.values() if u.role == "admin")
        audit_rows = [
            dict(
                actor_id=admin.id,
                actor_label=f"user#{admin.id}",
                action="publish",
                target_type="achievement",
                target_id=1 + k,
                before={"status": "pending"},
                after={"status": "published"},
                reason="",
                created_at=EPOCH + timedelta(minutes=k),
            )
            for k in range(args.audit)
        ]
        for start in range(0, len(audit_rows), 2000):
            db.session.execute(insert(AuditLog), audit_rows[start : start + 2000])
        db.session.flush()
        timings["insert_postings"] = time.perf_counter() - t

        # Accounts for the write tests: Hebei firm users and supply-side (university/institute) users.
        t = time.perf_counter()
        rng = random.Random(args.seed + 2)
        member = [u for u in users.values() if u.role == "member"]
        firm_users = [u for u in member if u.organization.kind == "firm"][: args.firms]
        supply_users = [u for u in member if u.organization.kind in ("university", "institute")][: args.suppliers]
        need_ids = {
            u.organization_id: list(
                db.session.scalars(select(Need.id).where(Need.organization_id == u.organization_id).order_by(Need.id))
            )
            for u in firm_users
        }
        ach_ids = {
            u.organization_id: list(
                db.session.scalars(
                    select(Achievement.id)
                    .where(Achievement.organization_id == u.organization_id)
                    .order_by(Achievement.id)
                )
            )
            for u in supply_users
        }
        combos = [(f, s) for f in firm_users for s in supply_users]
        used: set[tuple[int, int]] = set()

        def fresh_pair(f: User, s: User) -> tuple[int, int]:
            while True:
                pair = (rng.choice(need_ids[f.organization_id]), rng.choice(ach_ids[s.organization_id]))
                if pair not in used:
                    used.add(pair)
                    return pair

        accepted = []
        now = datetime(2026, 11, 1, 9, 0)
        for k in range(args.accepted):
            f, s = combos[k % len(combos)]
            need_id, ach_id = fresh_pair(f, s)
            initiator, recipient = (f, s) if k % 2 == 0 else (s, f)
            interest = Interest(
                need_id=need_id,
                achievement_id=ach_id,
                initiator_org_id=initiator.organization_id,
                recipient_org_id=recipient.organization_id,
                initiator_user_id=initiator.id,
                message="基准测试预置的对接意向：已接受，可互发消息。",
                status="negotiating",
                accepted_at=now,
                accepted_by_id=recipient.id,
                created_at=now,
                updated_at=now,
            )
            interest.events.append(
                InterestEvent(actor_id=initiator.id, from_status="", to_status="proposed", created_at=now)
            )
            interest.events.append(
                InterestEvent(actor_id=recipient.id, from_status="proposed", to_status="negotiating", created_at=now)
            )
            db.session.add(interest)
            accepted.append((interest, f, s))
        pairs = []
        for k in range(args.pairs):
            f, s = combos[k % len(combos)]
            need_id, ach_id = fresh_pair(f, s)
            pairs.append({"need_id": need_id, "achievement_id": ach_id, "firm": f.email, "supplier": s.email})
        db.session.commit()
        timings["interests"] = time.perf_counter() - t

        t = time.perf_counter()
        challenge = seed_challenges(args.challenges, firm_users, supply_users, rng)
        timings["challenges"] = time.perf_counter() - t

        # A need with suggestions for its owner (the first firm user): the newest of its organization's needs.
        owner = firm_users[0] if firm_users else None
        detail_need = owner and db.session.scalar(
            select(Need.id)
            .where(Need.organization_id == owner.organization_id)
            .order_by(Need.published_at.desc())
            .limit(1)
        )

        t = time.perf_counter()
        version = match_index.build_index(workers=args.workers)
        timings["build_index"] = time.perf_counter() - t
        t = time.perf_counter()
        figures.refresh(workers=args.workers)
        timings["figures"] = time.perf_counter() - t
        counts = {
            "organizations": len(orgs),
            "users": len(users),
            "achievements": db.session.scalar(select(func.count(Achievement.id))),
            "needs": db.session.scalar(select(func.count(Need.id))),
            "accepted_interests": len(accepted),
            "pairs": len(pairs),
            "pending": args.pending,
            "audit": args.audit,
            "challenges": args.challenges,
        }
        manifest = {
            "database_url": args.database_url,
            "index_dir": args.index_dir,
            "index_version": version,
            "password": DEMO_PASSWORD,
            "counts": counts,
            "firm_users": [u.email for u in firm_users],
            "supply_users": [u.email for u in supply_users],
            "detail_need": {"id": detail_need, "owner": owner.email if owner else None},
            "admin": admin.email,
            "accepted": [{"id": i.id, "firm": f.email, "supplier": s.email} for i, f, s in accepted],
            "pairs": pairs,
            "challenge": challenge,
        }
        db.session.remove()
        db.engine.dispose()
    timings["total"] = time.perf_counter() - t0
    manifest["timings"] = {k: round(v, 2) for k, v in timings.items()}
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--achievements", type=int, default=10000)
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--firms", type=int, default=4, help="Hebei firm accounts used by the write tests")
    parser.add_argument("--suppliers", type=int, default=4, help="supply-side accounts used by the write tests")
    parser.add_argument("--accepted", type=int, default=32, help="accepted interests to post messages on")
    parser.add_argument("--pairs", type=int, default=160, help="fresh (need, achievement) pairs for express interest")
    parser.add_argument("--pending", type=int, default=0, help="postings waiting for review (the admin's queue)")
    parser.add_argument("--audit", type=int, default=0, help="audit log rows (an admin publishing postings)")
    parser.add_argument("--challenges", type=int, default=0, help="open challenges, two proposals each")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that fit the index and rank the needs (default: one per core)",
    )
    parser.add_argument("--seed", type=int, default=20260)
    args = parser.parse_args(argv)
    manifest = seed(args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    forked = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    manifest["peak_rss_mb"] = {"seed": round(own), "forked_workers": round(forked)}
    Path(args.manifest).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    print(f"seeded {manifest['counts']} in {manifest['timings']}; peak RSS {manifest['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
