"""Journey 7: the header's language switch turns every page of the journey into English and back."""

import re
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402
from sqlalchemy import select  # noqa: E402

from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Achievement  # noqa: E402
from tests.e2e.story import ADMIN, FIRM, NEED  # noqa: E402
from tests.e2e.support import shoot  # noqa: E402

# (path or a callable giving it, what to look for in English, the same in Chinese)
MEMBER_PAGES = [
    ("/", ("h1", "Jing-Jin-Ji Technology Supply and Demand Pool"), ("h1", "京津冀科技成果供需库")),
    ("/achievements/?q=玄武岩纤维", ("h1", "Technology achievements"), ("h1", "科技成果")),
    ("/needs/", ("h1", "Technology needs"), ("h1", "技术需求")),
    ("need", ("h2", "Main problem"), ("h2", "主要问题")),
    ("achievement", ("h2", "Technical advantages and innovation"), ("h2", "技术优势与创新点")),
    ("/me/postings", ("h1", "My postings"), ("h1", "我的发布")),
    ("/me/suggestions", ("h1", "My suggestions"), ("h1", "我的推荐")),
    ("/interests", ("h1", "Interests"), ("h1", "对接意向")),
    ("interest", ("h2", "Conversation"), ("h2", "洽谈记录")),
    ("/me/notifications", ("h1", "Notifications"), ("h1", "通知")),
]
ADMIN_PAGES = [
    ("/admin/review", ("h1", "Review queue"), ("h1", "审核队列")),
    ("/admin/dashboard", ("h1", "Regional dashboard"), ("h1", "区域数据看板")),
]
ANONYMOUS_PAGES = [
    ("/register", ("h1", "Register"), ("h1", "注册")),
    ("/login", ("h1", "Log in"), ("h1", "登录")),
    ("/about", ("h1", "About and privacy"), ("h1", "关于与隐私")),
]
NAV = {
    "en": ["Achievements", "Needs", "Challenges", "My postings", "My suggestions", "Interests"],
    "zh": ["科技成果", "技术需求", "揭榜挂帅", "我的发布", "我的推荐", "对接意向"],
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def published_achievement_id() -> int:
    """The journeys' own achievement is transferred by now (no longer public): take a demo one."""
    return db.session.scalar(select(Achievement.id).where(Achievement.status == "published").order_by(Achievement.id))


def walk(actor, pages, lang: str, urls: dict, journey: str) -> None:
    page = actor.page
    for path, english, chinese in pages:
        tag, text = english if lang == "en" else chinese
        actor.visit(urls.get(path, path))
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
        expect(page.locator(tag).filter(has_text=text).first).to_be_visible()
        if tag == "h1":
            expect(page.get_by_role("heading", level=1)).to_have_text(text)
        switch = page.locator(".lang-switch a")
        expect(switch).to_have_text("中文" if lang == "en" else "English")
        if lang == "en":  # the interface chrome is English (content stays in the poster's language)
            chrome = page.locator(".site-header nav, .site-footer, .admin-nav").all_inner_texts()
            assert not any(HAN.search(t) for t in chrome), f"{page.url}: Chinese left in {chrome}"
        if path == "need":
            shoot(actor, journey, f"need-{lang}")


def switch(actor, to: str) -> None:
    """Click the header switch; the same page comes back in the other language."""
    page = actor.page
    before = page.url
    page.locator(".lang-switch").get_by_role("link", name="English" if to == "en" else "中文").click()
    actor.check()
    assert page.url == before or page.url == before + "?", (before, page.url)
    expect(page.locator("html")).to_have_attribute("lang", "en" if to == "en" else "zh-CN")


def test_7_language_switch_turns_every_page_into_english_and_back(story):
    story.accept_and_sign()
    urls = {
        "need": f"/needs/{story.need().id}",
        "achievement": f"/achievements/{story.read(published_achievement_id)}",
    }
    firm = story.fresh("firm-en")
    firm.login(FIRM, "demo-2026-pool")
    firm.visit("/interests")
    firm.page.get_by_role("link", name=NEED["title"]).click()
    urls["interest"] = urlsplit(firm.page.url).path

    assert firm.page.locator("nav.main-nav a").all_inner_texts()[:6] == NAV["zh"]
    switch(firm, "en")
    assert firm.page.locator("nav.main-nav a").all_inner_texts()[:6] == NAV["en"]
    walk(firm, MEMBER_PAGES, "en", urls, "7-language")
    switch(firm, "zh")
    assert firm.page.locator("nav.main-nav a").all_inner_texts()[:6] == NAV["zh"]
    walk(firm, MEMBER_PAGES, "zh", urls, "7-language")

    admin = story.fresh("admin-en")
    admin.login(ADMIN, "demo-2026-pool")
    admin.visit("/admin/review")
    switch(admin, "en")
    walk(admin, ADMIN_PAGES, "en", urls, "7-language")
    shoot(admin, "7-language", "dashboard-en")
    switch(admin, "zh")
    walk(admin, ADMIN_PAGES, "zh", urls, "7-language")

    visitor = story.fresh("visitor-en")
    visitor.visit("/register")
    switch(visitor, "en")
    walk(visitor, ANONYMOUS_PAGES, "en", urls, "7-language")
    switch(visitor, "zh")
    walk(visitor, ANONYMOUS_PAGES, "zh", urls, "7-language")

    # An English browser gets English without touching the switch; the switch still wins.
    english = story.fresh("english-browser", locale="en-US")
    english.visit("/")
    expect(english.page.get_by_role("heading", level=1)).to_have_text("Jing-Jin-Ji Technology Supply and Demand Pool")
    switch(english, "zh")
    english.visit("/needs/")
    expect(english.page.get_by_role("heading", level=1)).to_have_text("技术需求")
