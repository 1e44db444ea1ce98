"""Journey 6: stored XSS payloads in titles show as text everywhere and never run.

The institution posts an achievement and the firm a need, both titled with a payload and about the
same (new) topic so that each turns up in the other's suggestion list; the admin publishes both
from the review queue. Every page that lists or shows them is checked: the payload is visible as
text, no element was injected, and no dialog opened (``Actor`` records ``page.on("dialog")``).
"""

import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.story import FIRM  # noqa: E402
from tests.e2e.support import shoot  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
XSS_ACHIEVEMENT = f"{SCRIPT}陶瓷膜高温烟气除尘过滤技术"
XSS_NEED = f"{IMG}陶瓷膜除尘器高温烟气过滤国产化"
INJECTED_JS = r"""
() => ({
  img: document.querySelectorAll('img[src="x"], img[onerror]').length,
  script: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
  handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
})
"""


def assert_inert(actor, *payloads: str) -> None:
    """Each payload is on the page as text; nothing was injected; no dialog opened."""
    page = actor.page
    text = page.locator("body").inner_text()
    for payload in payloads:
        assert payload in text, f"{page.url}: {payload!r} is not shown as text"
    assert page.evaluate(INJECTED_JS) == {"img": 0, "script": 0, "handlers": 0}, page.url
    actor.check()  # also asserts that no dialog fired


def fill_posting(page, title: str, kind: str) -> None:
    page.get_by_label("标题").fill(title)
    if kind == "achievement":
        page.get_by_label("摘要（一两句话）").fill("多孔陶瓷膜管过滤高温烟气中的粉尘，过滤后粉尘浓度低于5mg/m³。")
        page.get_by_label("成果简介").fill("碳化硅陶瓷膜在450℃高温烟气中连续除尘，脉冲反吹再生，陶瓷膜寿命超过3年。")
        page.get_by_label("技术优势与创新点").fill("耐高温、耐腐蚀，陶瓷膜除尘效率99.9%。")
        page.get_by_label("成熟度（技术就绪水平）").select_option("7")
        page.get_by_label("知识产权").select_option("invention")
    else:
        page.get_by_label("主要问题").fill("窑炉高温烟气除尘依赖进口陶瓷膜，布袋除尘器在高温烟气中寿命短。")
        page.get_by_label("关键技术难点").fill("陶瓷膜在高温烟气中的强度和再生。")
        page.get_by_label("预期目标").fill("陶瓷膜除尘后粉尘浓度低于10mg/m³，陶瓷膜寿命2年以上。")
        page.get_by_label("可接受的最低成熟度（技术就绪水平）").select_option("6")
    page.get_by_label("领域").select_option("environment")
    page.get_by_label(re.compile("^关键词")).fill("陶瓷膜、高温烟气、除尘")
    page.get_by_role("checkbox", name="许可", exact=True).check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".flashes")).to_contain_text("已提交审核。")


def test_6_stored_xss_in_titles_is_shown_as_text_everywhere(story):
    inst, firm = story.register_institution(), story.actor("firm", FIRM)
    admin = story.actor("admin", "admin@example.com")

    inst.visit("/achievements/new")
    fill_posting(inst.page, XSS_ACHIEVEMENT, "achievement")
    expect(inst.page.get_by_role("heading", level=1)).to_have_text(XSS_ACHIEVEMENT)
    assert_inert(inst, XSS_ACHIEVEMENT)
    achievement_url = inst.page.url
    firm.visit("/needs/new")
    fill_posting(firm.page, XSS_NEED, "need")
    expect(firm.page.get_by_role("heading", level=1)).to_have_text(XSS_NEED)
    assert_inert(firm, XSS_NEED)
    need_url = firm.page.url

    # The admin queue lists both as text; publishing flashes the title as text.
    admin.visit("/admin/review")
    assert_inert(admin, XSS_ACHIEVEMENT, XSS_NEED)
    shoot(admin, "6-xss", "admin-queue")
    for title in (XSS_ACHIEVEMENT, XSS_NEED):
        card = admin.page.locator("article.review-item").filter(has_text=title)
        card.get_by_role("button", name="发布", exact=True).click()
        expect(admin.page.locator(".flashes")).to_contain_text(f"已发布：{title}")
        assert_inert(admin, title)

    # Details and suggestion lists (titles there go through the <mark> highlighter).
    firm.visit(need_url)
    suggested = firm.page.locator("section.suggestions article.suggestion").filter(
        has_text="陶瓷膜高温烟气除尘过滤技术"
    )
    expect(suggested).to_have_count(1)
    expect(suggested.locator("h3 mark").first).to_be_visible()
    assert_inert(firm, XSS_NEED, XSS_ACHIEVEMENT)
    shoot(firm, "6-xss", "need-suggestions")
    inst.visit(achievement_url)
    expect(inst.page.locator("section.suggestions article.suggestion").filter(has_text="陶瓷膜除尘器")).to_have_count(1)
    assert_inert(inst, XSS_ACHIEVEMENT, XSS_NEED)
    firm.visit("/me/suggestions")
    assert_inert(firm, XSS_ACHIEVEMENT)
    firm.visit("/me/postings")
    assert_inert(firm, XSS_NEED)

    # Public lists, search and home, for an anonymous visitor.
    visitor = story.fresh("xss-visitor")
    for path, payloads in [
        ("/", (XSS_ACHIEVEMENT, XSS_NEED)),
        ("/achievements/", (XSS_ACHIEVEMENT,)),
        ("/needs/", (XSS_NEED,)),
        ("/achievements/?q=陶瓷膜&field=environment", (XSS_ACHIEVEMENT,)),
        ("/needs/?q=陶瓷膜", (XSS_NEED,)),
        (achievement_url, (XSS_ACHIEVEMENT,)),
        (need_url, (XSS_NEED,)),
    ]:
        visitor.visit(path)
        assert_inert(visitor, *payloads)
    shoot(visitor, "6-xss", "search")

    # Expressing interest: the interest pages show both titles as text.
    firm.visit(need_url)
    suggested = firm.page.locator("section.suggestions article.suggestion").filter(
        has_text="陶瓷膜高温烟气除尘过滤技术"
    )
    suggested.get_by_role("button", name="表达对接意向").click()
    expect(firm.page.locator(".flashes")).to_contain_text("对接意向已发送")
    assert_inert(firm, XSS_NEED, XSS_ACHIEVEMENT)
    firm.visit("/interests")
    assert_inert(firm, XSS_NEED, XSS_ACHIEVEMENT)
    inst.page.locator(".header-tools").get_by_role("link", name=re.compile("^通知")).click()
    expect(inst.page.get_by_role("heading", level=1)).to_have_text("通知")
    assert_inert(inst, XSS_NEED)
    for actor in (inst, firm, admin, visitor):
        assert actor.dialogs == []
