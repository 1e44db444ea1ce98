"""Journey 9: searching the pool and comparing a possible duplicate (issue #15), at 1366 px and on a 390 px phone."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Need  # noqa: E402
from tests.e2e.story import ADMIN  # noqa: E402
from tests.e2e.support import shoot  # noqa: E402


def test_9a_search_finds_hydrogen_marks_the_words_and_says_when_partial(story):
    visitor = story.fresh("searcher")
    visitor.visit("/achievements/")
    page = visitor.page
    filters = page.get_by_role("search", name="筛选")
    filters.get_by_label("关键词", exact=True).fill("氢能")
    filters.get_by_role("button", name="筛选").click()
    visitor.check()
    cards = page.locator("article.posting-card")
    expect(cards.first).to_be_visible()
    titles = cards.locator("h3").all_inner_texts()
    assert len(titles) >= 2 and all("氢" in t for t in titles), titles
    expect(page.locator("article.posting-card mark").first).to_be_visible()
    shoot(visitor, "9-search", "search-hydrogen", docs="search")

    visitor.visit("/achievements/?q=氢能 钢渣")
    expect(page.locator(".partial-match")).to_have_text("没有同时包含全部关键词的结果，以下为部分匹配")
    shoot(visitor, "9-search", "search-partial")


def test_9b_sort_needs_by_deadline(story):
    visitor = story.fresh("sorter")
    visitor.visit("/needs/")
    page = visitor.page
    filters = page.get_by_role("search", name="筛选")
    filters.get_by_label("排序").select_option(label="截止日期")
    filters.get_by_role("button", name="筛选").click()
    visitor.check()
    assert "sort=deadline" in page.url
    expect(page.get_by_label("排序")).to_have_value("deadline")
    deadlines = [
        d
        for d in (
            re.search(r"截止日期 (\d{4}-\d\d-\d\d)", t)
            for t in page.locator("article.posting-card .facts").all_inner_texts()
        )
        if d
    ]
    assert [d.group(1) for d in deadlines] == sorted(d.group(1) for d in deadlines) and len(deadlines) >= 3


def test_9c_admin_compares_two_needs_side_by_side(story):
    def two_needs():
        org = db.session.scalar(
            select(Need.organization_id)
            .where(Need.status == "published")
            .group_by(Need.organization_id)
            .having(func.count() >= 2)
            .order_by(Need.organization_id)
        )
        return db.session.scalars(
            select(Need.id).where(Need.organization_id == org, Need.status == "published").order_by(Need.id).limit(2)
        ).all()

    first, second = story.read(two_needs)
    admin = story.actor("admin", ADMIN)
    admin.visit(f"/admin/duplicates/need/{first}/{second}")
    admin.check()
    table = admin.page.locator("table.compare-table")
    expect(table).to_be_visible()
    for label in ("标题", "主要问题", "预算", "可接受的最低成熟度"):
        expect(table).to_contain_text(label)
    shoot(admin, "9-search", "compare", docs="compare")
