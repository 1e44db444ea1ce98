"""No request produces a 500: every page route, every path part, query parameter and form field, fuzzed.

The API has schemathesis (tests/api/test_schemathesis.py); this does the same for the site. Routes
come from the app's URL map (a new route is fuzzed without anyone listing it), parameter names
from the forms of the app (every ``BaseForm`` subclass) and from the ``request.args`` reads in its
source. Each value below goes into every path part, every query parameter and every form field at
once, for an anonymous visitor, a firm member, an institution member, a pending member and an admin.
Found this way before: 20-digit ids (OverflowError), ``price_min=NaN`` (InvalidOperation), a huge
``page`` (an OFFSET that overflows), CR/LF in ``next`` and ``?page=²`` (a digit to ``isdigit``).
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from matchmaker.extensions import db
from matchmaker.forms import BaseForm
from matchmaker.models import Organization, SavedSearch, User
from matchmaker.services import interests, memberships
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
VALUES = [
    str(2**64),
    "9" * 20,
    "-1",
    "0",
    "NaN",
    "Infinity",
    "-inf",
    "1e999",
    "²",
    "２０",
    "\r\nSet-Cookie: x=1",
    "\x00",
    "a" * 10_000,
    "[]",
    "' OR 1=1 --",
    "%",
    "../../etc/passwd",
    "true",
]
SKIP = {"static"}


def _form_fields() -> set[str]:
    """The names of every field of every form of the app (imported with the views)."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = set()
    for form in subclasses(BaseForm):
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return names


def _query_names() -> set[str]:
    pattern = re.compile(r"(?:request\.args(?:\.get|\.getlist)?[\(\[]|page_number\()\s*[\"'](\w+)[\"']")
    names = set()
    for path in (ROOT / "matchmaker").rglob("*.py"):
        names.update(pattern.findall(path.read_text()))
    # the GET filter forms read the query as a whole (the challenges' list)
    from matchmaker.challenges.forms import ChallengeFilters

    names |= {name for name, value in vars(ChallengeFilters).items() if hasattr(value, "field_class")}
    # and url_for's own argument names, which a template passing the query on would collide with
    return names | {"page", "next", "q", "sort", "kind", "endpoint", "_method", "_anchor", "_external", "_scheme"}


@pytest.fixture
def scene(app, make, world):
    ids = dict(world)
    ids["ach"], ids["need"] = make.achievement(world["bj_org"]), make.need(world["hb_org"])
    ids["draft"] = make.need(world["hb_org"], status="draft")
    ids["pending"] = make.achievement(world["bj_org"], status="pending")
    ids["joiner"] = make.user(None, email="joiner@example.com")
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), ids["need"], ids["ach"], "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        ids["interest"] = interest.id
        request = memberships.ask(db.session.get(User, ids["joiner"]), db.session.get(Organization, world["hb_org"]))
        search = SavedSearch(user_id=world["hb"], kind="achievement", name="钢", params={"q": "钢"})
        db.session.add(search)
        db.session.commit()
        ids["request"], ids["search"] = request.id, search.id
    from tests.web.test_route_inventory import scene_challenges

    ids.update(scene_challenges(app, ids))
    return ids


def _valid(argument: str, ids: dict) -> str:
    """A value for a path part that names something that exists (so the handler itself runs)."""
    for key, value in (
        ("challenge", "challenge"),
        ("proposal", "proposal"),
        ("milestone", "milestone"),
        ("interest", "interest"),
        ("request", "request"),
        ("search", "search"),
        ("org", "hb_org"),
        ("user", "hb"),
        ("other", "need"),
        ("posting", "ach"),
        ("note", "interest"),
        ("token", "ach"),
    ):
        if key in argument:
            return str(ids[value])
    return "1"


def _paths(rule, ids: dict) -> list[str]:
    """The rule filled with existing ids, then with each bad value in every part (percent-encoded)."""

    def build(choose) -> str:
        path = rule.rule
        for argument, converter in rule._converters.items():
            options = getattr(converter, "regex", "")
            if "|" in options and options.startswith("(?:"):  # <any(a, b):x>: the first choice
                value = options[3:].split("|")[0].replace("\\", "")
            else:
                value = choose(argument)
            path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", urllib.parse.quote(value, safe=""), path)
        return path

    kind_fixed = lambda argument: "needs" if "kind" in argument else _valid(argument, ids)  # noqa: E731
    paths = [build(kind_fixed)]
    if rule.arguments - {"kind", "action", "decision"}:
        paths += [build(lambda argument, v=v: "needs" if "kind" in argument else v) for v in VALUES]
    return list(dict.fromkeys(paths))


ROLES = ("anonymous", "hb", "bj", "joiner", "admin")


def test_no_request_gives_a_500(app, scene):
    fields, queries = sorted(_form_fields()), sorted(_query_names())
    assert {"need_id", "price_min", "reason", "credit_code"} <= set(fields) and {"page", "next"} <= set(queries)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP and not r.endpoint.startswith("api.")]
    assert len(rules) > 60
    assert _fuzz(app, scene, rules, fields, queries) > 5000


def test_no_challenge_request_gives_a_500(app, scene):
    """The challenge pages alone (a quick run while working on them; the test above covers them too)."""
    fields, queries = sorted(_form_fields()), sorted(_query_names())
    assert {"indicators", "milestones", "points", "budget_wan", "deadline_before"} <= set(fields) | set(queries)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("challenges.")]
    assert _fuzz(app, scene, rules, fields, queries) > 1000


def _fuzz(app, scene, rules, fields, queries) -> int:
    """Every bad value into every path part, query parameter and form field of ``rules``, for every role;
    fails on any 500; returns how many requests were sent."""
    failures, sent = [], 0
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        if role != "anonymous":
            login(clients[role], app, scene[role])
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for path in _paths(rule, scene):
                for value in VALUES:
                    query = urllib.parse.urlencode({name: value for name in queries})
                    form = {name: value for name in fields} if method == "POST" else None
                    for role, client in clients.items():
                        response = client.open(f"{path}?{query}", method=method, data=form)
                        sent += 1
                        if response.status_code >= 500:
                            failures.append((role, method, path[:80], repr(value[:20]), response.status_code))
                        response.close()
                        if role != "anonymous" and rule.endpoint in (
                            "auth.logout",
                            "account.delete",
                            "account.change_password",
                            "members.remove",
                        ):
                            login(client, app, scene[role])  # stay signed in for the next request
    assert not failures, failures[:20]
    return sent
