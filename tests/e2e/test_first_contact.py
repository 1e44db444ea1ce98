"""Journey 8: what people trip on in their first ten minutes (issue #16), at 1366 px and on a 390 px phone."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.story import ACHIEVEMENT, ADMIN, FIRM, NEED  # noqa: E402
from tests.e2e.support import PHONE, shoot  # noqa: E402


def test_8a_after_a_deal_the_postings_stay_public_with_a_badge(story):
    story.accept_and_sign()
    firm = story.actor("firm", FIRM)  # the institution recorded the deal; the firm closes its own need
    firm.visit(f"/needs/{story.need().id}")
    firm.page.get_by_role("button", name="标记为已解决").click()
    expect(firm.page.locator(".flashes")).to_contain_text("已标记为已解决")
    firm.check()
    visitor = story.fresh("after-deal")
    visitor.visit(f"/needs/{story.need().id}")
    visitor.check()
    expect(visitor.page.get_by_role("heading", level=1)).to_have_text(NEED["title"])
    expect(visitor.page.locator(".detail-head .meta")).to_contain_text("已解决")
    expect(visitor.page.locator(".detail-head .meta")).to_contain_text("已成交")
    visitor.visit(f"/achievements/{story.achievement().id}")
    expect(visitor.page.locator(".detail-head .meta")).to_contain_text("已转化")
    expect(visitor.page.locator("body")).not_to_contain_text(ACHIEVEMENT["contact_phone"])
    visitor.visit("/")
    cases = visitor.page.locator("section.cases")
    expect(cases).to_contain_text(ACHIEVEMENT["title"])
    expect(cases).to_contain_text(NEED["title"])
    shoot(visitor, "8-first-contact", "home-cases")


def test_8b_a_draft_needs_only_a_title(story):
    firm = story.actor("firm", FIRM)
    firm.visit("/needs/new")
    firm.check()
    page = firm.page
    expect(page.get_by_label("领域")).to_have_value("")
    expect(page.get_by_label("可接受的最低成熟度（技术就绪水平）")).to_have_value("")
    page.get_by_text("各成熟度等级是什么意思？").click()
    expect(page.locator(".trl-help")).to_contain_text("在实际使用环境中运行验证")
    shoot(firm, "8-first-contact", "need-form")
    page.get_by_label("标题").fill("先存个草稿：转炉煤气回收提效")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flashes")).to_contain_text("草稿已保存")
    firm.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("先存个草稿：转炉煤气回收提效")


def test_8c_registration_filters_cities_by_region_and_shows_one_organization_section(story):
    visitor = story.fresh("register-form")
    visitor.visit("/register")
    page = visitor.page
    page.get_by_label("地区", exact=True).select_option(label="天津")
    visible = page.locator("#org_city optgroup:not([hidden]) option")
    expect(visible).to_have_count(16)
    expect(visible.first).to_have_text("和平区")
    page.get_by_label("地区", exact=True).select_option(label="河北")
    expect(page.locator("#org_city optgroup:not([hidden]) option")).to_have_count(14)
    expect(page.get_by_label("城市或区县")).to_have_value("石家庄")
    expect(page.locator("[data-org-mode=existing]")).to_be_hidden()
    page.get_by_role("radio", name="加入已注册的机构").check()
    expect(page.locator("[data-org-mode=existing]")).to_be_visible()
    expect(page.locator("[data-org-mode=new]")).to_be_hidden()
    expect(page.get_by_role("link", name="阅读隐私声明")).to_have_attribute("href", "/about#privacy")
    shoot(visitor, "8-first-contact", "register-join")


def test_8d_on_a_phone_the_menu_folds_and_results_come_first(story):
    phone = story.fresh("phone", viewport=PHONE)
    phone.visit("/achievements/?q=钢渣")
    phone.check()
    page = phone.page
    expect(page.locator("nav.main-nav")).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 90, header  # one row, not four
    expect(page.locator("details.filter-box")).not_to_have_attribute("open", "")
    first = page.locator(".results article.posting-card").first
    assert first.bounding_box()["y"] < PHONE["height"], "the first result is below the first screen"
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("nav.main-nav")).to_be_visible()
    shoot(phone, "8-first-contact", "phone-menu")


def test_8e_the_admin_lands_on_the_review_queue(story):
    admin = story.fresh("admin-landing")
    admin.login(ADMIN, "demo-2026-pool")
    expect(admin.page.get_by_role("heading", level=1)).to_have_text("审核队列")
