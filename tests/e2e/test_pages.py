"""Every page of the admin area and of a member's desk passes the page checks (labels, alt, one h1,
no sideways scroll at 390 px, no script error), in Chinese and in English. The pages are found by
following the navigation links, so a new admin page is checked without editing this test."""

import pytest

pytest.importorskip("playwright.sync_api")

from urllib.parse import urlsplit  # noqa: E402

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.story import ADMIN, FIRM  # noqa: E402


def nav_paths(actor, selector: str) -> list[str]:
    hrefs = actor.page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(urlsplit(h).path for h in hrefs if h and h.startswith("/")))


@pytest.mark.parametrize("who", ["admin", "member"])
def test_every_navigation_page_passes_the_checks_in_both_languages(story, who):
    story.express_interest()  # so the desk pages have something to show
    actor = story.fresh(f"sweep-{who}")
    actor.login(ADMIN if who == "admin" else FIRM, "demo-2026-pool")
    actor.visit("/admin/dashboard" if who == "admin" else "/me/postings")
    paths = nav_paths(actor, ".admin-nav a" if who == "admin" else "nav.main-nav a, .header-tools a[href^='/me']")
    assert len(paths) >= (6 if who == "admin" else 5), paths
    for lang in ("en", "zh"):
        actor.visit(f"/lang/{lang}?next=/")
        for path in paths:
            actor.visit(path)  # asserts the checks
            expect(actor.page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
