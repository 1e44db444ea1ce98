"""The demo data is consistent with the fixed vocabulary and rich enough to demonstrate the pool."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from matchmaker import domain
from matchmaker.demo import data

ORGS = {o["key"]: o for o in data.ORGANIZATIONS}
POSTINGS = [("achievement", a) for a in data.ACHIEVEMENTS] + [("need", n) for n in data.NEEDS]
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LONG_TEXTS = ("summary", "description", "advantages", "applications", "problem", "key_points", "goals", "profile")


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


# ---- organizations and users ----

def test_organization_counts():
    supply = [o for o in data.ORGANIZATIONS if o["kind"] in ("university", "institute")
              and o["region"] in ("beijing", "tianjin")]
    firms = [o for o in data.ORGANIZATIONS if o["kind"] == "firm" and o["region"] == "hebei"]
    assert len(supply) >= 12
    assert {o["region"] for o in supply} == {"beijing", "tianjin"}
    assert len(firms) >= 15
    assert len({o["city"] for o in firms}) >= 6
    agencies = [o for o in data.ORGANIZATIONS if o["kind"] == "agency"]
    assert [(o["name"], o["region"]) for o in agencies] == [("京津冀技术转移服务中心（示例）", "beijing")]
    verified = sum(o["verified"] for o in data.ORGANIZATIONS)
    assert 0.3 <= verified / len(data.ORGANIZATIONS) <= 0.7


def test_organizations_valid():
    keys = [o["key"] for o in data.ORGANIZATIONS]
    assert len(keys) == len(set(keys))
    names = [o["name"] for o in data.ORGANIZATIONS]
    assert len(names) == len(set(names))
    codes = [o["credit_code"] for o in data.ORGANIZATIONS]
    assert len(codes) == len(set(codes))
    for o in data.ORGANIZATIONS:
        assert set(o) == {"key", "name", "kind", "region", "city", "credit_code", "profile", "verified"}
        assert o["kind"] in domain.ORG_KINDS
        assert o["region"] in domain.REGIONS
        assert o["city"] in domain.CITIES[o["region"]], o["name"]
        assert domain.is_valid_credit_code(o["credit_code"]), o["credit_code"]
        assert 0 < len(o["name"]) <= 100
        assert 10 <= len(o["profile"]) <= 200
        assert isinstance(o["verified"], bool)
    # Institutions are not firms and vice versa, by region.
    assert all(o["region"] == "hebei" for o in data.ORGANIZATIONS if o["kind"] == "firm")


def test_users_valid():
    emails = [u["email"] for u in data.USERS]
    assert len(emails) == len(set(emails))
    for u in data.USERS:
        assert set(u) == {"email", "name", "phone", "org", "role"}
        assert u["org"] in ORGS
        assert u["role"] in domain.ROLES
        assert re.fullmatch(r"[a-z0-9.\-]+@([a-z0-9\-]+\.)*example\.com", u["email"]), u["email"]
        assert 2 <= len(u["name"]) <= 50
        assert re.fullmatch(r"0\d{2,3}-\d{4} \d{4}", u["phone"]), u["phone"]
    # Every organization has at least one account (it becomes the creator of its postings).
    assert {u["org"] for u in data.USERS} == set(ORGS)
    assert [u["email"] for u in data.USERS if u["role"] == "admin"] == ["admin@example.com"]


@pytest.mark.parametrize("email, role, kinds, regions", [
    ("admin@example.com", "admin", {"agency"}, {"beijing"}),
    ("bj-inst@example.com", "member", {"university"}, {"beijing"}),
    ("tj-inst@example.com", "member", {"institute"}, {"tianjin"}),
    ("hb-firm@example.com", "member", {"firm"}, {"hebei"}),
])
def test_demo_accounts(email, role, kinds, regions):
    user = next(u for u in data.USERS if u["email"] == email)
    org = ORGS[user["org"]]
    assert user["role"] == role
    assert org["kind"] in kinds
    assert org["region"] in regions


def test_demo_accounts_have_postings():
    by_email = {u["email"]: u["org"] for u in data.USERS}
    assert any(a["org"] == by_email["bj-inst@example.com"] and a["status"] == "published" for a in data.ACHIEVEMENTS)
    assert any(a["org"] == by_email["tj-inst@example.com"] and a["status"] == "published" for a in data.ACHIEVEMENTS)
    assert any(n["org"] == by_email["hb-firm@example.com"] and n["status"] == "published" for n in data.NEEDS)


# ---- postings ----

def test_posting_counts_and_statuses():
    assert len(data.ACHIEVEMENTS) == 60
    assert len(data.NEEDS) == 40
    assert Counter(a["status"] for a in data.ACHIEVEMENTS) == {
        "published": 52, "pending": 4, "draft": 2, "rejected": 1, "needs_revision": 1,
    }
    assert Counter(n["status"] for n in data.NEEDS) == {
        "published": 34, "pending": 4, "draft": 1, "rejected": 1,
    }
    fields = {a["field"] for a in data.ACHIEVEMENTS} | {n["field"] for n in data.NEEDS}
    assert len(fields) >= 8
    assert len({a["field"] for a in data.ACHIEVEMENTS}) >= 10


def test_posting_orgs():
    for a in data.ACHIEVEMENTS:
        assert ORGS[a["org"]]["kind"] in domain.SUPPLY_KINDS, a["title"]
        assert ORGS[a["org"]]["region"] in ("beijing", "tianjin")
    for n in data.NEEDS:
        assert ORGS[n["org"]]["kind"] in domain.DEMAND_KINDS, n["title"]


def test_titles_unique_and_short():
    titles = [p["title"] for _, p in POSTINGS]
    assert len(titles) == len(set(titles))
    for t in titles:
        assert 0 < len(t) <= 60, t


def _check_common(p):
    assert p["field"] in domain.FIELDS, p["title"]
    assert 1 <= len(p["keywords"]) <= 5, p["title"]
    assert len(set(p["keywords"])) == len(p["keywords"])
    for k in p["keywords"]:
        assert isinstance(k, str) and 0 < len(k) <= 20
    assert p["contact_name"] and p["contact_phone"] and "@" in p["contact_email"]
    assert len(p["contact_name"]) <= 50 and len(p["contact_phone"]) <= 30
    for key in LONG_TEXTS:
        if key in p:
            assert 0 < len(p[key]) <= 5000, (p["title"], key)
    if p["status"] in ("rejected", "needs_revision"):
        assert p.get("reject_reason"), p["title"]
    else:
        assert "reject_reason" not in p


def test_achievements_valid():
    for a in data.ACHIEVEMENTS:
        _check_common(a)
        assert a["status"] in domain.ACHIEVEMENT_STATUSES
        assert a["trl"] in domain.TRL
        assert a["ip_type"] in domain.IP_TYPES
        assert 1 <= len(a["transfer_modes"]) <= 3
        assert all(m in domain.TRANSFER_MODES for m in a["transfer_modes"])
        assert 120 <= len(a["description"]) <= 300, (a["title"], len(a["description"]))
        assert len(a["summary"]) <= 500 and len(a["patent_numbers"]) <= 500
        if a["ip_type"] == "none":
            assert a["patent_numbers"] == ""
        _check_price(a["price_min"], a["price_max"], a["title"])
        assert date(2026, 1, 5) <= date.fromisoformat(a["created"]) <= date(2026, 11, 20)


def test_needs_valid():
    past = []
    for n in data.NEEDS:
        _check_common(n)
        assert n["status"] in domain.NEED_STATUSES
        assert n["min_trl"] in domain.TRL
        assert 1 <= len(n["modes"]) <= 6
        assert all(m in domain.TRANSFER_MODES for m in n["modes"])
        _check_price(n["budget_min"], n["budget_max"], n["title"])
        created = date.fromisoformat(n["created"])
        deadline = date.fromisoformat(n["deadline"])
        assert date(2026, 1, 5) <= created <= date(2026, 11, 20)
        assert created < deadline
        if deadline < date(2026, 12, 15):
            past.append(n["deadline"])
        else:
            assert deadline <= date(2027, 12, 31)
    assert sorted(past) == ["2026-10-31", "2026-11-15"]


def _check_price(low, high, title):
    assert (low is None) == (high is None), title
    if low is not None:
        assert isinstance(low, (int, float)) and isinstance(high, (int, float))
        assert 0 <= low <= high, title


def test_no_control_characters():
    everything = [data.ORGANIZATIONS, data.USERS, data.ACHIEVEMENTS, data.NEEDS]
    for s in _strings(everything):
        assert not CONTROL.search(s), repr(s)
        assert s == s.strip(), repr(s)


def test_published_needs_have_candidates():
    """Most published needs have a published achievement in a plausible field with enough maturity."""
    published = [a for a in data.ACHIEVEMENTS if a["status"] == "published"]
    covered = 0
    for n in data.NEEDS:
        if n["status"] != "published":
            continue
        words = set(n["keywords"])
        if any(a["trl"] >= n["min_trl"] and words & set(a["keywords"]) for a in published):
            covered += 1
    assert covered >= 25


# ---- connections ----

def test_connections_join_published_postings_in_order():
    from matchmaker.demo.connections import CONNECTIONS

    by_title = {p["title"]: (kind, p) for kind, p in POSTINGS}
    pairs = set()
    for row in CONNECTIONS:
        need_kind, need = by_title[row["need"]]
        ach_kind, ach = by_title[row["achievement"]]
        assert (need_kind, ach_kind) == ("need", "achievement"), row["need"]
        assert need["status"] == ach["status"] == "published", row["need"]
        assert ORGS[need["org"]]["region"] == "hebei" and ORGS[ach["org"]]["region"] in ("beijing", "tianjin")
        assert row["initiator"] in ("need", "achievement") and row["message"]
        assert (row["need"], row["achievement"]) not in pairs
        pairs.add((row["need"], row["achievement"]))
        times = [row["created"]] + [row[k] for k in ("accepted",) if k in row] + [m[1] for m in row.get("messages", ())]
        times += [m[2] for m in row.get("moves", ())] + ([row["declined"][0]] if "declined" in row else [])
        assert times == sorted(times) and times[0] > max(need["created"], ach["created"]), row["need"]
        assert all(t < "2026-11-26" for t in times)
        assert not row.get("messages") or "accepted" in row  # messages only once accepted
        if deal := row.get("deal"):
            assert deal["contract_type"] in domain.CONTRACT_TYPES and float(deal["amount_wan"]) > 0
            assert deal["signed_on"] <= deal["recorded"][1][:10] and deal["recorded"][1] > times[-1]
    stages = Counter(_stage(r) for r in CONNECTIONS)
    assert stages["deal_signed"] >= 3 and stages["proposed"] >= 2 and stages["negotiating"] >= 1
    assert stages["declined"] == stages["on_hold"] == stages["closed_no_deal"] == 1


def _stage(row: dict) -> str:
    if "deal" in row:
        return "deal_signed"
    if row.get("moves"):
        return row["moves"][-1][0]
    return "declined" if "declined" in row else "negotiating" if "accepted" in row else "proposed"
