"""The demo data is consistent with the fixed vocabulary, passes the importer and is rich enough to
demonstrate the pool; its dates count from the day it is loaded."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from matchmaker import demo, domain
from matchmaker.transfer import columns

ORGANIZATIONS = demo.organizations()
USERS = demo.users()
ACHIEVEMENTS = demo.postings("achievement")
NEEDS = demo.postings("need")
ORGS = {o["key"]: o for o in ORGANIZATIONS}
BY_CODE = {o["credit_code"]: o for o in ORGANIZATIONS}
POSTINGS = [("achievement", a) for a in ACHIEVEMENTS] + [("need", n) for n in NEEDS]
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LONG_TEXTS = ("summary", "description", "advantages", "applications", "problem", "key_points", "goals", "profile")
DEMO_HEADERS = ["演示状态 demo_status", "演示创建日期 demo_created", "审核意见 demo_review_note"]
DAY = date(2026, 12, 1)  # any load day: the files only say how far from it


def _days(text: str) -> int:
    return (demo.day(text, DAY) - DAY).days


def _org(posting: dict) -> dict:
    return BY_CODE[posting["org_credit_code"]]


def _keywords(posting: dict) -> list[str]:
    return posting["keywords"].split("、")


def _codes(vocab: str, text: str) -> list:
    return [columns.lookup(vocab, part) for part in text.split("、")]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


# ---- the files and their dates ----


@pytest.mark.parametrize("kind", ["achievement", "need"])
def test_postings_are_in_the_importer_template(kind):
    header = (demo.DATA / demo.FILES[kind]).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert header == [c.header for c in columns.COLUMNS[kind]] + DEMO_HEADERS
    handed = demo.import_file(kind, DAY).decode("utf-8").split("\r\n", 1)[0].split(",")
    assert handed == [c.header for c in columns.COLUMNS[kind]]  # the importer never sees the demo's own columns


@pytest.mark.parametrize("kind", ["achievement", "need"])
def test_every_row_passes_the_importers_checks(app, kind):
    import csv
    import io

    today = demo.load_day()
    rows = list(csv.reader(io.StringIO(demo.import_file(kind, today).decode("utf-8"))))
    names = [demo.column_name(cell) for cell in rows[0]]
    records = demo.records(kind, today)  # what the benchmarks read: the importer's reading of the same rows
    with app.test_request_context():
        for row, record in zip(rows[1:], records, strict=True):
            data, errors = columns.check_row(kind, dict(zip(names, row)))
            assert errors == [], (row[2], errors)
            for name in ("field", "keywords", "trl", "min_trl", "ip_type", "price_min", "budget_max"):
                if name in data:
                    assert data[name] == record[name], (row[2], name)  # Decimal("80") == 80.0
            assert data["modes"] == record["transfer_modes" if kind == "achievement" else "modes"]


def test_relative_dates():
    assert demo.day("today", DAY) == DAY
    assert demo.day("today+61", DAY) == date(2027, 1, 31) and demo.day("today-31", DAY) == date(2026, 10, 31)
    assert demo.moment("today-84 14:00", DAY) == datetime(2026, 9, 8, 6, 0)  # Beijing 14:00 is 06:00 UTC
    assert demo.moment("today", DAY) == datetime(2026, 11, 30, 16, 0)
    for bad in ("2026-12-01", "today+", "today +3", "today-3 25:00", "today-3 9:15", "tomorrow", ""):
        with pytest.raises(ValueError):
            demo.day(bad, DAY)


def test_no_calendar_date_anywhere():
    """The demo must not age: every date in it is relative to the load day."""
    root = Path(demo.__file__).parent
    for path in [*root.glob("data/*.csv"), *root.glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b20\d\d[-/.年]\d{1,2}|\d{1,2}月\d{1,2}日", text), path.name


def test_seed_counts_from_the_load_day(app):
    """Loaded years from now, deadlines are still ahead and the history is in the recent past."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Achievement, AuditLog, Interest, JoinRequest, Need
    from matchmaker.services.seed import load_demo

    today = date(2031, 3, 1)
    with app.app_context():
        load_demo(today=today)
        needs = db.session.scalars(select(Need)).all()
        past = sorted(n.deadline for n in needs if n.deadline < today)
        assert past == [today - timedelta(days=31), today - timedelta(days=16)]
        assert all(
            today + timedelta(days=14) < n.deadline <= today + timedelta(days=400) for n in needs if n.deadline >= today
        )
        postings = [*db.session.scalars(select(Achievement)), *needs]
        assert Counter(p.status for p in postings) == Counter(row["demo_status"] for _kind, row in POSTINGS)
        midnight = datetime.combine(today, time())
        assert all(midnight - timedelta(days=400) < p.created_at < midnight for p in postings)
        assert all(p.published_at == p.created_at for p in postings if p.status == "published")
        assert all(p.created_by.organization_id == p.organization_id for p in postings)
        beijing_midnight = datetime.combine(today, time()) - timedelta(hours=8)
        assert all(
            i.created_at < i.updated_at < beijing_midnight
            for i in db.session.scalars(select(Interest))
            if i.status != "proposed"
        )
        assert db.session.scalar(select(JoinRequest)).created_at < beijing_midnight
        imports = db.session.scalars(select(AuditLog).where(AuditLog.action == "import")).all()
        assert sorted(a.reason for a in imports) == ["achievements.csv", "needs.csv"]  # as an upload records it


# ---- organizations and users ----


def test_organization_counts():
    supply = [
        o for o in ORGANIZATIONS if o["kind"] in ("university", "institute") and o["region"] in ("beijing", "tianjin")
    ]
    firms = [o for o in ORGANIZATIONS if o["kind"] == "firm" and o["region"] == "hebei"]
    assert len(supply) >= 12
    assert {o["region"] for o in supply} == {"beijing", "tianjin"}
    assert len(firms) >= 15
    assert len({o["city"] for o in firms}) >= 6
    agencies = [o for o in ORGANIZATIONS if o["kind"] == "agency"]
    assert [(o["name"], o["region"]) for o in agencies] == [("京津冀技术转移服务中心（示例）", "beijing")]
    verified = sum(o["verified"] for o in ORGANIZATIONS)
    assert 0.3 <= verified / len(ORGANIZATIONS) <= 0.7


def test_organizations_valid():
    keys = [o["key"] for o in ORGANIZATIONS]
    assert len(keys) == len(set(keys))
    names = [o["name"] for o in ORGANIZATIONS]
    assert len(names) == len(set(names))
    codes = [o["credit_code"] for o in ORGANIZATIONS]
    assert len(codes) == len(set(codes))
    for o in ORGANIZATIONS:
        assert set(o) == {"key", "name", "kind", "region", "city", "credit_code", "profile", "verified"}
        assert o["kind"] in domain.ORG_KINDS
        assert o["region"] in domain.REGIONS
        assert o["city"] in domain.CITIES[o["region"]], o["name"]
        assert domain.is_valid_credit_code(o["credit_code"]), o["credit_code"]
        assert 0 < len(o["name"]) <= 100
        assert 10 <= len(o["profile"]) <= 200
        assert isinstance(o["verified"], bool)
    # Institutions are not firms and vice versa, by region.
    assert all(o["region"] == "hebei" for o in ORGANIZATIONS if o["kind"] == "firm")


def test_users_valid():
    emails = [u["email"] for u in USERS]
    assert len(emails) == len(set(emails))
    for u in USERS:
        assert set(u) == {"email", "name", "phone", "org", "role"}
        assert u["org"] in ORGS
        assert u["role"] in domain.ROLES
        assert re.fullmatch(r"[a-z0-9.\-]+@([a-z0-9\-]+\.)*example\.com", u["email"]), u["email"]
        assert 2 <= len(u["name"]) <= 50
        assert re.fullmatch(r"0\d{2,3}-\d{4} \d{4}", u["phone"]), u["phone"]
    # Every organization has at least one account (it becomes the creator of its postings).
    assert {u["org"] for u in USERS} == set(ORGS)
    assert [u["email"] for u in USERS if u["role"] == "admin"] == ["admin@example.com"]


@pytest.mark.parametrize(
    "email, role, kinds, regions",
    [
        ("admin@example.com", "admin", {"agency"}, {"beijing"}),
        ("bj-inst@example.com", "member", {"university"}, {"beijing"}),
        ("tj-inst@example.com", "member", {"institute"}, {"tianjin"}),
        ("hb-firm@example.com", "member", {"firm"}, {"hebei"}),
    ],
)
def test_demo_accounts(email, role, kinds, regions):
    user = next(u for u in USERS if u["email"] == email)
    org = ORGS[user["org"]]
    assert user["role"] == role
    assert org["kind"] in kinds
    assert org["region"] in regions


def test_demo_accounts_have_postings():
    by_email = {u["email"]: u["org"] for u in USERS}
    for email, postings in [
        ("bj-inst@example.com", ACHIEVEMENTS),
        ("tj-inst@example.com", ACHIEVEMENTS),
        ("hb-firm@example.com", NEEDS),
    ]:
        assert any(_org(p)["key"] == by_email[email] and p["demo_status"] == "published" for p in postings), email


# ---- postings ----


def test_posting_counts_and_statuses():
    assert len(ACHIEVEMENTS) == 60
    assert len(NEEDS) == 41
    assert Counter(a["demo_status"] for a in ACHIEVEMENTS) == {
        "published": 52,
        "pending": 4,
        "draft": 2,
        "rejected": 1,
        "needs_revision": 1,
    }
    assert Counter(n["demo_status"] for n in NEEDS) == {
        "published": 35,
        "pending": 4,
        "draft": 1,
        "rejected": 1,
    }
    fields = {a["field"] for a in ACHIEVEMENTS} | {n["field"] for n in NEEDS}
    assert len(fields) >= 8
    assert len({a["field"] for a in ACHIEVEMENTS}) >= 10
    ids = [p["external_id"] for _, p in POSTINGS]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"DEMO-[AN]-\d{3}", i) for i in ids)


def test_posting_orgs():
    for a in ACHIEVEMENTS:
        assert _org(a)["kind"] in domain.SUPPLY_KINDS, a["title"]
        assert _org(a)["region"] in ("beijing", "tianjin")
    for n in NEEDS:
        assert _org(n)["kind"] in domain.DEMAND_KINDS, n["title"]


def test_titles_unique_and_short():
    titles = [p["title"] for _, p in POSTINGS]
    assert len(titles) == len(set(titles))
    for t in titles:
        assert 0 < len(t) <= 60, t


def _check_common(p):
    assert _codes("field", p["field"])[0] in domain.FIELDS, p["title"]
    keywords = _keywords(p)
    assert 1 <= len(keywords) <= 5, p["title"]
    assert len(set(keywords)) == len(keywords)
    for k in keywords:
        assert 0 < len(k) <= 20
    assert p["contact_name"] and p["contact_phone"] and "@" in p["contact_email"]
    assert len(p["contact_name"]) <= 50 and len(p["contact_phone"]) <= 30
    for key in LONG_TEXTS:
        if key in p and key != "applications":
            assert 0 < len(p[key]) <= 5000, (p["title"], key)
    assert (p["demo_status"] in ("rejected", "needs_revision")) == bool(p["demo_review_note"]), p["title"]
    assert -330 <= _days(p["demo_created"]) <= -11, p["title"]


def test_achievements_valid():
    for a in ACHIEVEMENTS:
        _check_common(a)
        assert a["demo_status"] in domain.ACHIEVEMENT_STATUSES
        assert int(a["trl"]) in domain.TRL
        assert _codes("ip", a["ip_type"])[0] in domain.IP_TYPES
        modes = _codes("mode", a["modes"])
        assert 1 <= len(modes) <= 3 and all(m in domain.TRANSFER_MODES for m in modes), a["title"]
        assert 120 <= len(a["description"]) <= 300, (a["title"], len(a["description"]))
        assert len(a["summary"]) <= 500 and len(a["patent_numbers"]) <= 500
        if a["ip_type"] == "无":
            assert a["patent_numbers"] == ""
        _check_price(a["price_min"], a["price_max"], a["title"])


def test_needs_valid():
    past = []
    for n in NEEDS:
        _check_common(n)
        assert n["demo_status"] in domain.NEED_STATUSES
        assert int(n["min_trl"]) in domain.TRL
        modes = _codes("mode", n["modes"])
        assert 1 <= len(modes) <= 6 and all(m in domain.TRANSFER_MODES for m in modes), n["title"]
        _check_price(n["budget_min"], n["budget_max"], n["title"])
        deadline = _days(n["deadline"])
        assert _days(n["demo_created"]) < deadline
        if deadline < 0:
            past.append(deadline)
        else:
            assert 14 <= deadline <= 395, n["title"]
    assert sorted(past) == [-31, -16]  # two needs ran out, as in any pool


def _check_price(low, high, title):
    assert (low == "") == (high == ""), title
    if low:
        assert 0 <= float(low) <= float(high), title


def test_no_control_characters():
    everything = [ORGANIZATIONS, USERS, ACHIEVEMENTS, NEEDS]
    for s in _strings(everything):
        assert not CONTROL.search(s), repr(s)
        assert s == s.strip(), repr(s)


def test_published_needs_have_candidates():
    """Most published needs have a published achievement in a plausible field with enough maturity."""
    published = [a for a in ACHIEVEMENTS if a["demo_status"] == "published"]
    covered = 0
    for n in NEEDS:
        if n["demo_status"] != "published":
            continue
        words = set(_keywords(n))
        if any(int(a["trl"]) >= int(n["min_trl"]) and words & set(_keywords(a)) for a in published):
            covered += 1
    assert covered >= 25


# ---- connections ----


def test_connections_join_published_postings_in_order():
    from matchmaker.demo.connections import CONNECTIONS, JOIN_REQUEST

    by_title = {p["title"]: (kind, p) for kind, p in POSTINGS}
    pairs = set()
    for row in CONNECTIONS:
        need_kind, need = by_title[row["need"]]
        ach_kind, ach = by_title[row["achievement"]]
        assert (need_kind, ach_kind) == ("need", "achievement"), row["need"]
        assert need["demo_status"] == ach["demo_status"] == "published", row["need"]
        assert _org(need)["region"] == "hebei" and _org(ach)["region"] in ("beijing", "tianjin")
        assert row["initiator"] in ("need", "achievement") and row["message"]
        assert (row["need"], row["achievement"]) not in pairs
        pairs.add((row["need"], row["achievement"]))
        times = [row["created"]] + [row[k] for k in ("accepted",) if k in row] + [m[1] for m in row.get("messages", ())]
        times += [m[2] for m in row.get("moves", ())] + ([row["declined"][0]] if "declined" in row else [])
        moments = [demo.moment(t, DAY) for t in times]
        assert moments == sorted(moments), row["need"]
        assert demo.day(times[0], DAY) > max(demo.day(need["demo_created"], DAY), demo.day(ach["demo_created"], DAY))
        assert all(_days(t) <= -5 for t in times)
        assert not row.get("messages") or "accepted" in row  # messages only once accepted
        if deal := row.get("deal"):
            assert deal["contract_type"] in domain.CONTRACT_TYPES and float(deal["amount_wan"]) > 0
            recorded = demo.moment(deal["recorded"][1], DAY)
            assert _days(deal["signed_on"]) <= _days(deal["recorded"][1]) and recorded > moments[-1]
    stages = Counter(_stage(r) for r in CONNECTIONS)
    assert stages["deal_signed"] >= 3 and stages["proposed"] >= 2 and stages["negotiating"] >= 1
    assert stages["declined"] == stages["on_hold"] == stages["closed_no_deal"] == 1
    assert (
        JOIN_REQUEST["org"] in ORGS
        and max(_days(r["created"]) for r in CONNECTIONS) < _days(JOIN_REQUEST["created"]) < 0
    )


def _stage(row: dict) -> str:
    if "deal" in row:
        return "deal_signed"
    if row.get("moves"):
        return row["moves"][-1][0]
    return "declined" if "declined" in row else "negotiating" if "accepted" in row else "proposed"


def test_demo_challenges(app):
    """Two challenges: one open from two Hebei steel makers' common need with Beijing and Tianjin bids,
    one awarded with its first milestone accepted and the second delivered; dates relative to the load day."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Challenge, Deal
    from matchmaker.services.seed import load_demo

    today = date(2031, 3, 1)
    with app.app_context():
        load_demo(today=today)
        open_one, won = db.session.scalars(select(Challenge).order_by(Challenge.id)).all()
        assert open_one.status == "open" and open_one.proposal_deadline > today
        assert {s.organization.city for s in open_one.sponsors} == {"唐山", "邯郸"} and open_one.centre_share_wan > 0
        assert {p.lead_org.region for p in open_one.proposals} == {"beijing", "tianjin"}
        assert won.status == "awarded" and won.awarded_proposal.lead_org.region == "beijing"
        assert [m.status for m in won.milestones] == ["accepted", "delivered", "planned"]
        assert all(m.due_on.year in (2031, 2030) for m in won.milestones) and won.milestones[0].accepted_on <= today
        assert db.session.scalar(select(Deal.signed_on).where(Deal.challenge_id == won.id)) < today
