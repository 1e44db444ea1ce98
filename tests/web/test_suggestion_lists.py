"""Suggestion lists as a firm reads them (issue #15): the strength label first, weak matches folded
behind 更多弱匹配（N）without the structured reasons that made them look better than strong ones."""

import re

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Need, User
from tests.conftest import login


@pytest.fixture
def demo(app):
    from matchmaker.services.seed import load_demo

    with app.app_context():
        load_demo()


def cards(html: str) -> list[tuple[str, bool, bool]]:
    """(strength, shows the structured reasons, inside the weak fold) per suggestion card, in order."""
    fold = html.find('<details class="weak-more"')
    return [
        (m.group(1), 'class="reasons"' in m.group(2), fold != -1 and m.start() > fold)
        for m in re.finditer(r'<article class="card suggestion strength-(\w+)[^"]*">(.*?)</article>', html, re.S)
    ]


def test_weak_matches_fold_below_the_others_without_their_reasons(client, app, demo):
    with app.app_context():
        firm = db.session.scalar(select(User).where(User.email == "hb-firm@example.com"))
        needs = db.session.scalars(
            select(Need.id).where(Need.organization_id == firm.organization_id, Need.status == "published")
        ).all()
        login(client, app, firm.id)
    mixed = 0
    for need_id in needs:
        html = client.get(f"/needs/{need_id}").get_data(as_text=True)
        found = cards(html)
        weak = [c for c in found if c[0] == "weak"]
        assert all(folded == (strength == "weak") for strength, _r, folded in found), (need_id, found)
        assert not any(reasons for _s, reasons, _f in weak), need_id  # a weak match never shows ✓ reasons
        assert any(reasons for s, reasons, _f in found if s == "strong") or not any(s == "strong" for s, *_ in found)
        if weak:
            assert f"更多弱匹配（{len(weak)}）" in html
            assert ("暂无强匹配或中等匹配" in html) == (len(weak) == len(found))
        mixed += 0 < len(weak) < len(found)
        label = html.find('class="strength"')
        assert label == -1 or label < html.find("<h3>", label)  # the card leads with its strength
    assert mixed >= 1, "the demo has a need with strong or medium matches and weak ones"
