"""What every e2e journey shares: actors (one browser context each), page checks, screenshots.

Every page an actor visits is checked the same way (``Actor.visit`` / ``Actor.check``):
no JavaScript dialog, page error or console error; every visible input, select and textarea has
a label (``label[for]``, a wrapping label, ``aria-label`` or ``aria-labelledby``); every image has
an ``alt``; exactly one ``h1``; no duplicate ``id``; ``<html lang>`` set. Screenshots are taken full
page at 1280 px and again at 390 px, where the page must not scroll sideways.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

SHOTS = Path(__file__).resolve().parent / "screenshots"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}  # the common office laptop
PHONE = {"width": 390, "height": 844}

# Runs in the page: a list of accessibility problems (empty when the page is fine).
A11Y_JS = r"""
() => {
  const problems = [];
  const shown = el => {
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (skip.has((el.getAttribute('type') || '').toLowerCase()) || !shown(el)) continue;
    const byLabel = el.labels && [...el.labels].some(l => l.textContent.trim());
    const byAria = (el.getAttribute('aria-label') || '').trim() ||
      (el.getAttribute('aria-labelledby') || '').split(/\s+/).some(id => id && document.getElementById(id));
    if (!byLabel && !byAria) problems.push('no label: ' + el.outerHTML.slice(0, 160));
  }
  for (const img of document.querySelectorAll('img:not([alt])')) problems.push('img without alt: ' + img.outerHTML.slice(0, 160));
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {  // WTForms' hidden_tag() repeats id=csrf_token
    if (seen.has(el.id)) problems.push('duplicate id: ' + el.id);
    seen.add(el.id);
  }
  if (!document.documentElement.getAttribute('lang')) problems.push('<html> has no lang');
  if (!document.title.trim()) problems.push('empty <title>');
  return problems;
}
"""

# Runs in the page at phone width: the elements that stick out on the right (empty when none).
OVERFLOW_JS = r"""
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
      out.push(`${name} ends at ${Math.round(r.right)}px`);
    }
  }
  return out.slice(0, 12);
}
"""

CONSOLE_NOISE = re.compile(r"favicon\.ico")


@dataclass
class Actor:
    """One person with their own browser context (cookies, session, language)."""

    name: str
    context: BrowserContext
    page: Page
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, browser: Browser, name: str, base_url: str, **context_args) -> Actor:
        context = browser.new_context(**{"base_url": base_url, "locale": "zh-CN", "viewport": DESKTOP, **context_args})
        context.set_default_timeout(15_000)
        page = context.new_page()
        actor = cls(name, context, page)
        page.on("dialog", actor._on_dialog)
        page.on("pageerror", lambda error: actor.problems.append(f"page error: {error}"))
        page.on("console", actor._on_console)
        return actor

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def _on_console(self, message) -> None:
        if message.type == "error" and not CONSOLE_NOISE.search(message.location.get("url", "") + message.text):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    # -- navigation -------------------------------------------------------------------------
    def visit(self, path: str) -> Page:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        self.check()
        return self.page

    def check(self) -> None:
        """Accessibility basics of the page now shown, and nothing fired or failed so far."""
        self.page.wait_for_load_state("load")
        problems = self.page.evaluate(A11Y_JS)
        assert problems == [], f"{self.name} on {self.page.url}: {problems}"
        assert_fits_phone(self.page)
        assert self.dialogs == [], f"{self.name}: dialogs fired: {self.dialogs}"
        assert self.problems == [], f"{self.name}: {self.problems}"

    def login(self, email: str, password: str) -> None:
        self.visit("/login")
        self.page.locator("#email").fill(email)
        self.page.locator("#password").fill(password)
        self.page.get_by_role("button", name=re.compile(r"^(登录|Log in)$")).click()
        expect(self.page.locator(".account-menu summary")).to_be_visible()  # the account menu (logout inside)
        self.check()

    def flash(self) -> str:
        return self.page.locator(".flashes").inner_text()

    def close(self) -> None:
        self.context.close()


def shoot(
    actor: Actor,
    journey: str,
    name: str,
    docs: str | None = None,
    docs_focus: str | None = None,
    docs_phone: bool = False,
) -> None:
    """Full-page screenshots at 1280 px and at 390 px (which must not scroll sideways).

    ``docs``: with ``E2E_DOCS_SCREENSHOTS=1`` also write the small README copy ``docs/screenshots/<docs>.png``
    (and ``<docs>-phone.png`` with ``docs_phone``), see ``docs_shot``.
    """
    page = actor.page
    folder = SHOTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    try:
        assert_fits_phone(page)
        page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    finally:
        page.set_viewport_size(DESKTOP)
    if docs and os.environ.get("E2E_DOCS_SCREENSHOTS") == "1":
        docs_shot(actor, docs, focus=docs_focus)
        if docs_phone:
            docs_shot(actor, docs + "-phone", focus=docs_focus, phone=True)


def docs_shot(actor: Actor, stem: str, focus: str | None = None, phone: bool = False) -> Path:
    """A small screenshot for the README: what a screen shows (not the full page), desktop at
    3/4 scale (960 px wide) or a 390 px phone, in a throw-away context with the actor's cookies.
    ``focus``: a selector scrolled to the top of the screen first."""
    browser = actor.context.browser
    context = browser.new_context(
        storage_state=actor.context.storage_state(),
        locale="zh-CN",
        viewport={"width": 390, "height": 760} if phone else {"width": 1280, "height": 800},
        device_scale_factor=1 if phone else 0.75,
    )
    try:
        page = context.new_page()
        page.goto(actor.page.url)
        if focus:
            page.locator(focus).first.evaluate(
                "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 12)"
            )
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        path = DOCS_SHOTS / f"{stem}.png"
        page.screenshot(path=str(path))
    finally:
        context.close()
    assert path.stat().st_size < 250_000, f"{path} is {path.stat().st_size} bytes"
    return path


def assert_fits_phone(page: Page) -> None:
    """At 390 px the page must not scroll sideways (checked on every page an actor visits)."""
    before = page.viewport_size
    if before != PHONE:
        page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate(OVERFLOW_JS)
    finally:
        if before != PHONE:
            page.set_viewport_size(before)
    assert overflow == [], f"{page.url} scrolls sideways at 390 px: {overflow}"


def assert_absent(page: Page, secrets: list[str]) -> None:
    """None of ``secrets`` (contact phones and e-mails) is in the page's text or its HTML."""
    text, html = page.locator("body").inner_text(), page.content()
    leaked = [s for s in secrets if s and (s in text or s in html)]
    assert leaked == [], f"{page.url} shows contact details: {leaked[:5]}"
