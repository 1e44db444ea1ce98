"""Search on the demo pool as people type it (issue #15): every word first, equivalents, fields,
organizations and cities, Latin words as whole tokens, the partial-match notice, highlights, sorting."""

import re
from datetime import date

import pytest

from matchmaker.models import Need


@pytest.fixture
def demo(app):
    from matchmaker.services.seed import load_demo

    with app.app_context():
        load_demo()


def titles(client, url) -> list[str]:
    """The result cards' titles, in order, without the <mark>s."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'<article class="card posting-card">\s*<h3><a [^>]*>(.*?)</a>', html)
    ]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_hydrogen_finds_what_makes_or_uses_hydrogen(client, demo):
    found = titles(client, "/achievements/?q=氢能")
    assert any("电解水制氢" in t for t in found) and any("氢气" in t for t in found), found
    assert all("氢" in t for t in found), found  # nothing without hydrogen
    assert any("提氢" in t for t in titles(client, "/needs/?q=氢能"))
    html = page(client, "/achievements/?q=氢能")
    assert "<mark>制氢</mark>" in html or "<mark>氢气</mark>" in html


def test_battery_cathode_ranks_batteries_not_slag(client, demo):
    found = titles(client, "/achievements/?q=锂电池 正极材料")
    assert found and "电池" in found[0], found
    assert not any(word in t for t in found for word in ("钢渣", "混凝土", "结晶")), found
    cathode = titles(client, "/achievements/?q=正极材料")
    assert cathode and all("电池" in t for t in cathode), cathode
    assert titles(client, "/needs/?q=正极材料") == []  # a generic word (材料) alone finds nothing


def test_field_name_finds_the_fields_postings(client, demo, app):
    found = titles(client, "/needs/?q=钢铁")
    with app.app_context():
        from sqlalchemy import select

        from matchmaker.extensions import db

        steel = set(db.session.scalars(select(Need.title).where(Need.field == "steel", Need.status == "published")))
    assert len(steel) >= 3 and steel <= set(found), (steel, found)


def test_city_and_organization_are_searchable(client, demo, app):
    with app.app_context():
        from sqlalchemy import select

        from matchmaker.extensions import db
        from matchmaker.models import Organization

        org = db.session.scalar(select(Organization).where(Organization.region == "hebei").order_by(Organization.id))
        own = set(
            db.session.scalars(select(Need.title).where(Need.organization_id == org.id, Need.status == "published"))
        )
        city = org.city.removesuffix("市")
    assert own and own <= set(titles(client, f"/needs/?q={org.name}"))
    assert own <= set(titles(client, f"/needs/?q={city}"))


@pytest.mark.parametrize(
    "word, kind, absent",
    [
        ("PLC", "achievements", "杏仁"),
        ("PLC", "needs", "杏"),
        ("TRT", "achievements", "RTO"),
    ],
)
def test_acronyms_match_only_themselves(client, demo, word, kind, absent):
    found = titles(client, f"/{kind}/?q={word}")
    assert not any(absent in t for t in found), found


def test_acronym_as_whole_token_any_case(client, demo):
    assert any("4500吨熟料线" in t for t in titles(client, "/needs/?q=scr"))
    assert any("2号高炉" in t for t in titles(client, "/needs/?q=trt"))
    assert any("边缘网关" in t for t in titles(client, "/achievements/?q=5G"))


def test_partial_results_say_so(client, demo):
    html = page(client, "/achievements/?q=氢能 钢渣")
    assert "没有同时包含全部关键词的结果，以下为部分匹配" in html
    found = titles(client, "/achievements/?q=氢能 钢渣")
    assert any("钢渣" in t for t in found) and any("氢" in t for t in found)
    assert "没有同时包含全部关键词的结果" not in page(client, "/achievements/?q=焦炉煤气 氢气")


def test_every_word_first_then_some(client, demo):
    found = titles(client, "/achievements/?q=焦炉煤气 氢气")
    assert found and "焦炉煤气" in found[0] and "氢气" in found[0], found


def test_generic_word_never_outranks_a_distinctive_one(client, demo):
    found = titles(client, "/achievements/?q=钢渣 材料")
    assert found and all("钢渣" in t or "渣" in t for t in found[:2]), found
    html = page(client, "/achievements/?q=钢渣 材料")
    cards = re.findall(r'<article class="card posting-card">.*?</article>', html, re.S)
    assert all("钢渣" in re.sub(r"<[^>]+>", "", c) for c in cards), "a card matched by 材料 alone"


def test_typed_without_spaces_is_segmented(client, demo):
    found = titles(client, "/needs/?q=高炉煤气除尘滤袋寿命短")
    assert found and "2号高炉" in found[0], found


def test_sort_by_deadline_and_budget(client, demo, app):
    with app.app_context():
        from sqlalchemy import select

        from matchmaker.extensions import db

        rows = db.session.execute(
            select(Need.title, Need.deadline, Need.budget_max).where(Need.status == "published")
        ).all()
    deadline_of = {t: d for t, d, _b in rows}
    found = titles(client, "/needs/?sort=deadline&per_page=100")
    dated = [deadline_of[t] for t in found if deadline_of[t] is not None]
    today = date.today()
    upcoming = sorted(d for d in deadline_of.values() if d is not None and d >= today)
    passed = sorted(d for d in deadline_of.values() if d is not None and d < today)  # until `pool expire` runs
    assert len(dated) >= 3 and dated == (upcoming + passed)[: len(dated)]  # the soonest first; passed, open-ended last
    budget_of = {t: b for t, _d, b in rows}
    assert budget_of[titles(client, "/needs/?sort=budget")[0]] == max(b for b in budget_of.values() if b is not None)
    assert 'name="sort"' in page(client, "/needs/?q=钢铁")
    assert client.get("/achievements/?sort=deadline").status_code == 400  # achievements have no deadline
    assert client.get("/needs/?sort=bogus").status_code == 400


def test_api_search_and_sort(client, demo):
    body = client.get("/api/v1/achievements?q=氢能").get_json()
    assert (
        body["total"] >= 2 and body["words"] == ["氢能"] and "制氢" in body["highlights"] and body["partial"] is False
    )
    assert all("氢" in item["title"] for item in body["items"])
    partial = client.get("/api/v1/achievements?q=氢能 钢渣").get_json()
    assert partial["partial"] is True and partial["total"] >= 2
    assert client.get("/api/v1/needs?sort=deadline").status_code == 200
    refused = client.get("/api/v1/achievements?sort=deadline")
    assert refused.status_code == 400 and "sort" in refused.get_data(as_text=True)
    assert "words" not in client.get("/api/v1/needs").get_json()


def test_english_page_says_partial_in_english(client, demo):
    html = page(client, "/achievements/?q=氢能 钢渣&lang=en")
    assert "No posting holds all the keywords" in html or "没有同时包含全部关键词" in html


def test_short_latin_words_do_not_match_inside_field_names(client, demo):
    assert titles(client, "/needs/?q=PP") == []  # "pp" lies inside "Textiles & apparel", not as a word
    assert client.get("/api/v1/achievements?q=PP").get_json()["total"] == 0
    assert titles(client, "/needs/?q=钢渣？") == titles(client, "/needs/?q=钢渣") != []


def test_the_all_words_first_note_only_under_relevance(client, demo):
    assert "同时包含全部关键词的排在前面" in page(client, "/needs/?q=高炉 煤气")
    assert "同时包含全部关键词的排在前面" not in page(client, "/needs/?q=高炉 煤气&sort=newest")
