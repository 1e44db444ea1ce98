"""Browsing and searching the pool: filters, Chinese keywords, pagination, bad filters."""

import re
from decimal import Decimal

import pytest


@pytest.fixture
def pool(world, make):
    ids = {}
    ids["battery"] = make.achievement(
        world["bj_org"],
        title="锂电池高镍正极材料",
        field="materials",
        trl=6,
        keywords=["锂电池", "正极"],
        modes=["license"],
        price_min=Decimal("50"),
        price_max=Decimal("120"),
    )
    ids["steel"] = make.achievement(
        world["tj_org"],
        title="转炉钢渣综合利用技术",
        field="steel",
        trl=8,
        keywords=["钢渣"],
        modes=["assignment"],
        price_min=Decimal("200"),
        price_max=Decimal("300"),
        summary="钢渣处理",
        description="钢渣热闷与磁选",
        advantages="高",
        applications="钢厂",
    )
    ids["nego"] = make.achievement(
        world["tj_org"],
        title="智能巡检机器人",
        field="it",
        trl=4,
        keywords=["机器人"],
        modes=["development"],
        price_min=None,
        price_max=None,
        summary="巡检",
        description="变电站巡检机器人",
        advantages="准",
        applications="电网",
    )
    ids["hidden"] = make.achievement(world["bj_org"], title="未发布的锂电池成果", status="pending")
    ids["need"] = make.need(
        world["hb_org"],
        title="焦化废水深度处理",
        field="environment",
        keywords=["焦化废水"],
        problem="焦化废水COD超标",
        min_trl=6,
    )
    return ids


def _titles(client, url):
    """The page's text without tags (search results mark the keywords inside titles)."""
    page = client.get(url)
    assert page.status_code == 200, url
    return re.sub(r"<[^>]+>", "", page.get_data(as_text=True))


def test_only_published_are_listed(client, pool):
    page = _titles(client, "/achievements/")
    assert "锂电池高镍正极材料" in page and "转炉钢渣综合利用技术" in page
    assert "未发布的锂电池成果" not in page
    assert "共找到 3 条信息" in page


def test_chinese_keyword_search_matches_substrings(client, pool):
    page = _titles(client, "/achievements/?q=电池")
    assert "锂电池高镍正极材料" in page and "转炉钢渣" not in page and "未发布" not in page
    page = _titles(client, "/achievements/?q=钢渣 磁选")
    assert "转炉钢渣综合利用技术" in page and "锂电池" not in page
    page = _titles(client, "/needs/?q=焦化")
    assert "焦化废水深度处理" in page


def test_filters_combine(client, pool):
    assert "转炉钢渣" in _titles(client, "/achievements/?field=steel")
    assert "锂电池" not in _titles(client, "/achievements/?field=steel")
    page = _titles(client, "/achievements/?region=tianjin")
    assert "转炉钢渣" in page and "锂电池高镍" not in page
    page = _titles(client, "/achievements/?trl=7")
    assert "转炉钢渣" in page and "锂电池高镍" not in page and "巡检" not in page
    page = _titles(client, "/achievements/?mode=license")
    assert "锂电池高镍" in page and "转炉钢渣" not in page


def test_price_overlap_keeps_negotiable(client, pool):
    page = _titles(client, "/achievements/?price_min=0&price_max=100")
    assert "锂电池高镍" in page and "智能巡检机器人" in page and "转炉钢渣" not in page


def test_need_maturity_filter(client, pool):
    assert "焦化废水" in _titles(client, "/needs/?trl=7")
    assert "焦化废水" not in _titles(client, "/needs/?trl=5")


@pytest.mark.parametrize(
    "query",
    [
        "trl=abc",
        "field=nope",
        "region=shanghai",
        "price_min=abc",
        "price_min=50&price_max=10",
        "page=abc",
        "page=0",
        "q=" + "长" * 101,
        "q=%00",
        "field=steel&field=it",
    ],
)
def test_bad_filters_are_400_with_message(client, pool, query):
    response = client.get("/achievements/?" + query)
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "100001", "²"])
def test_a_bad_page_number_says_what_a_page_number_is(client, pool, page):
    response = client.get("/needs/?page=" + page)
    assert response.status_code == 400 and "页码应为 1 到 100,000 之间的整数" in response.get_data(as_text=True)
    english = client.get("/needs/?page=" + page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The page number must be a whole number from 1 to 100,000." in english


def test_pagination_keeps_filters(client, world, make):
    for n in range(23):
        make.achievement(world["bj_org"], title=f"分页测试成果{n:02d}", field="it")
    first = client.get("/achievements/?field=it").get_data(as_text=True)
    assert "field=it" in first and "page=2" in first
    second = _titles(client, "/achievements/?field=it&page=2")
    assert second.count("分页测试成果") == 3
    assert "暂无" in _titles(client, "/achievements/?field=it&page=9")


def test_empty_state_says_what_to_do(client, pool):
    page = _titles(client, "/achievements/?q=量子计算")
    assert "暂无符合筛选条件的信息" in page


def test_home_counts_and_latest(client, pool):
    page = _titles(client, "/")
    assert "锂电池高镍正极材料" in page and "焦化废水深度处理" in page and "未发布的锂电池成果" not in page
    assert "京津冀科技成果供需库" in page


def test_cached_search_follows_every_change(app, client, pool, make, world):
    """Keyword results are cached per pool version: a publish, an edit or a withdrawal shows at once."""
    from matchmaker.extensions import db
    from matchmaker.models import Achievement

    first = _titles(client, "/achievements/?q=钢渣")
    assert "转炉钢渣综合利用技术" in first and "钢渣微粉" not in first
    assert _titles(client, "/achievements/?q=钢渣") == first  # served again (from the cache)

    new_id = make.achievement(world["tj_org"], title="钢渣微粉掺合料", keywords=["钢渣微粉"], field="steel")
    page = _titles(client, "/achievements/?q=钢渣")
    assert "钢渣微粉掺合料" in page and "共找到 2 条信息" in page

    with app.app_context():
        posting = db.session.get(Achievement, new_id)
        posting.title = "矿渣微粉掺合料"
        posting.keywords = ["矿渣"]
        db.session.commit()
    page = _titles(client, "/achievements/?q=钢渣")
    assert "矿渣微粉掺合料" not in page and "共找到 1 条信息" in page

    with app.app_context():
        db.session.get(Achievement, pool["steel"]).status = "withdrawn"
        db.session.commit()
    assert "转炉钢渣综合利用技术" not in _titles(client, "/achievements/?q=钢渣")
