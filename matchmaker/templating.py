"""Template helpers: vocabulary labels in the reader's language, money ranges, dates, safe URLs."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_datetime, gettext
from markupsafe import Markup, escape

from matchmaker import domain
from matchmaker.i18n import current_lang

TABLES = {
    "region": domain.REGIONS,
    "kind": domain.ORG_KINDS,
    "field": domain.FIELDS,
    "mode": domain.TRANSFER_MODES,
    "ip": domain.IP_TYPES,
    "trl_phase": domain.TRL_PHASE,
    "achievement_status": domain.ACHIEVEMENT_STATUSES,
    "need_status": domain.NEED_STATUSES,
    "role": domain.ROLES,
    "interest_status": domain.INTEREST_STATUSES,
    "contract": domain.CONTRACT_TYPES,
    "feedback_reason": domain.FEEDBACK_REASONS,
    "reason": domain.MATCH_REASONS,
    "event": domain.NOTIFICATION_EVENTS,
    "challenge_status": domain.CHALLENGE_STATUSES,
    "proposal_status": domain.PROPOSAL_STATUSES,
    "milestone_status": domain.MILESTONE_STATUSES,
}


def vocab(code, table: str) -> str:
    """``{{ posting.field|vocab('field') }}`` → 新材料 / New materials."""
    return domain.label(TABLES[table], code, current_lang())


def choices(table: str) -> list[tuple[str, str]]:
    return [(code, domain.label(TABLES[table], code, current_lang())) for code in TABLES[table]]


def money_range(low: Decimal | None, high: Decimal | None) -> str:
    """ "50–120 万元" (English: "¥0.5–1.2 million"), "≥ 50 万元", or 面议 when neither end is given."""
    if low is None and high is None:
        return gettext("Negotiable")
    if current_lang() == "en":
        millions = max(v for v in (low, high) if v is not None) >= 100  # 100 万元 = ¥1 million
        fmt = (
            (lambda v: f"{(Decimal(v) / 100).normalize():f}")
            if millions
            else (lambda v: f"{int(Decimal(v) * 10_000):,}")
        )
        prefix, unit = "¥", " million" if millions else ""
    else:
        fmt, prefix, unit = (lambda v: f"{Decimal(v).normalize():f}"), "", " 万元"
    if low is not None and high is not None:
        text = prefix + (fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}")
    elif low is not None:
        text = f"≥ {prefix}{fmt(low)}"
    else:
        text = f"≤ {prefix}{fmt(high)}"
    return text + unit


def join_vocab(codes, table: str) -> str:
    """Labels of several codes: 许可、合作实施 in Chinese, "Licence, Joint implementation" in English."""
    return (", " if current_lang() == "en" else "、").join(vocab(code, table) for code in codes or ())


def page_url(page: int, param: str = "page") -> str:
    """The current URL with ``page`` replaced: pagination that keeps the filters (and other lists' pages)."""
    args = request.args.to_dict(flat=False)
    args[param] = [str(page)]
    return request.path + "?" + urlencode(args, doseq=True)


_LATIN_TERM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+#_-]*$")


def _marks(terms) -> re.Pattern | None:
    """One pattern for every term, longest first, without case; Latin terms only as whole tokens."""
    terms = sorted({t for t in terms or [] if t and len(t) <= 40}, key=len, reverse=True)
    if not terms:
        return None
    parts = [rf"(?<![0-9A-Za-z]){re.escape(t)}(?![0-9A-Za-z])" if _LATIN_TERM.match(t) else re.escape(t) for t in terms]
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape ``text`` and wrap each occurrence of ``terms`` in <mark>: only escaped pieces are joined."""
    text = text or ""
    pattern = _marks(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


EXCERPT_FIELDS = {
    "achievement": ("summary", "description", "advantages", "applications"),
    "need": ("problem", "key_points", "goals"),
}


def excerpt(posting, terms=None, width: int = 110) -> Markup:
    """A card's excerpt: the summary's opening, or with search terms the first passage holding one
    (from whichever text field has it), terms marked."""
    pattern = _marks(terms)
    fields = EXCERPT_FIELDS.get(posting.kind, ("summary",))
    text = getattr(posting, fields[0], "") or ""
    start = 0
    if pattern is not None:
        for name in fields:
            value = getattr(posting, name, "") or ""
            found = pattern.search(value)
            if found:
                text, start = value, max(0, found.start() - 20)
                break
    piece = text[start : start + width]
    piece = ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
    return highlight(piece, terms or [])


def unread_notifications() -> int:
    from flask_login import current_user

    from matchmaker.services.notify import unread_count

    if not current_user.is_authenticated:
        return 0
    return unread_count(current_user.id)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        vocab=vocab,
        trl=lambda level: domain.trl_label(level, current_lang()),
        trl_help=lambda level: domain.label(domain.TRL_HELP, level, current_lang()),
        city=lambda city: domain.city_label(city, current_lang()),
        money=lambda pair: money_range(*pair),
        vocab_list=join_vocab,
        # ISO dates in both languages (not the US 12/2/26); times in Beijing time (BABEL_DEFAULT_TIMEZONE).
        date=lambda d: format_date(d, "yyyy-MM-dd") if d else "",
        datetime=lambda d: format_datetime(d, "yyyy-MM-dd HH:mm") if d else "",
        month=lambda d: format_date(d, "yyyy-MM") if d else "",
    )
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals.update(
        excerpt=excerpt,
        choices=choices,
        page_url=page_url,
        lang=current_lang,
        trl_levels=list(domain.TRL),
        unread_notifications=unread_notifications,
        url_map_endpoints=lambda: {rule.endpoint for rule in app.url_map.iter_rules()},
    )
