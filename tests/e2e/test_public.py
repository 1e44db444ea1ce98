"""Journey 5: an anonymous visitor searches in Chinese with filters and never sees a contact detail.
Also the keyboard basics: the skip link works and Tab reaches the main navigation."""

import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402
from sqlalchemy import select  # noqa: E402

from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Achievement, Need, User  # noqa: E402
from tests.e2e.support import PHONE, assert_absent, shoot  # noqa: E402

STEEL_SLAG = "转炉钢渣稳定化处理与钢渣微粉复合胶凝材料"  # demo: a Tianjin institute, 建材


def contact_details(story) -> list[str]:
    """Every contact phone and e-mail the database holds: postings' contacts and users' own."""

    def read():
        values = []
        for model in (Achievement, Need):
            for phone, email in db.session.execute(select(model.contact_phone, model.contact_email)):
                values += [phone, email]
        for phone, email in db.session.execute(select(User.phone, User.email)):
            values += [phone, email]
        return sorted({v for v in values if v})

    return story.read(read)


def test_5_anonymous_visitor_searches_with_filters_and_sees_no_contacts(story):
    secrets = contact_details(story)
    assert len(secrets) > 50
    visitor = story.fresh("visitor")
    page = visitor.page

    visitor.visit("/")
    assert_absent(page, secrets)
    page.get_by_label("检索供需库").fill("钢渣")
    page.get_by_role("button", name="检索科技成果").click()
    visitor.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("科技成果")
    expect(page.get_by_label("关键词", exact=True)).to_have_value("钢渣")

    filters = page.get_by_role("search", name="筛选")
    filters.get_by_label("领域").select_option(label="建材")
    filters.get_by_label("地区").select_option(label="北京")
    filters.get_by_role("button", name="筛选").click()
    visitor.check()
    assert "region=beijing" in page.url and "field=building_materials" in page.url
    expect(page.locator(".result-count")).to_have_text("共找到 0 条信息")
    expect(page.locator(".results .empty")).to_be_visible()

    filters.get_by_label("地区").select_option(label="天津")
    filters.get_by_role("button", name="筛选").click()
    visitor.check()
    cards = page.locator(".results article.posting-card")
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("heading", level=3)).to_have_text(STEEL_SLAG)
    expect(cards.locator(".tag")).to_have_text("建材")
    expect(cards.locator(".meta")).to_contain_text("天津")
    assert_absent(page, secrets)
    shoot(visitor, "5-visitor", "search-filtered")

    cards.get_by_role("link", name=STEEL_SLAG).click()
    visitor.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(STEEL_SLAG)
    expect(page.locator("section.contact")).to_contain_text("对接意向被接受后")
    expect(page.locator("section.suggestions, .express-box form")).to_have_count(0)  # no form, no suggestions
    expect(page.locator(".express-box.cta")).to_contain_text("登录或注册后即可表达对接意向")  # but the way in
    assert_absent(page, secrets)
    shoot(visitor, "5-visitor", "achievement-detail")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="技术需求").click()
    visitor.check()
    filters.get_by_label("关键词", exact=True).fill("钢渣")
    filters.get_by_label("地区").select_option(label="河北")
    filters.get_by_role("button", name="筛选").click()
    visitor.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("技术需求")
    needs = page.locator(".results article.posting-card")
    expect(needs).to_have_count(2)  # the slag needs of two Hebei steel makers (their common need, a challenge)
    assert_absent(page, secrets)
    needs.first.get_by_role("heading", level=3).get_by_role("link").click()
    visitor.check()
    expect(page.locator("section.contact .hint")).to_be_visible()
    assert_absent(page, secrets)

    # The newest postings on the home page (the journeys' own, when they ran first) hide theirs too.
    for section in ("latest-a", "latest-n"):
        visitor.visit("/")
        page.locator(f"section[aria-labelledby={section}] article.posting-card h3 a").first.click()
        visitor.check()
        assert_absent(page, secrets)


def test_keyboard_skip_link_and_main_navigation(story):
    for viewport in (None, PHONE):
        visitor = story.fresh("keyboard", **({"viewport": viewport} if viewport else {}))
        page = visitor.page
        visitor.visit("/achievements/")

        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"#main$"))  # waits: the hash changes after the key event
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab after the skip link left <main>"

        visitor.visit("/")
        if viewport:  # on a phone the menu is folded behind its button, which the keyboard opens
            expect(page.locator("nav.main-nav")).to_be_hidden()
            for _ in range(4):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains('menu-toggle')"):
                    break
            else:
                pytest.fail("four Tabs did not reach the menu button")
            page.keyboard.press("Enter")
            expect(page.locator(".menu-toggle")).to_have_attribute("aria-expanded", "true")
            expect(page.locator("nav.main-nav")).to_be_visible()
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('nav.main-nav') !== null"):
                break
        else:
            pytest.fail("six Tabs did not reach the main navigation")
        expect(page.locator("nav.main-nav a").first).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("科技成果")
        visitor.check()
