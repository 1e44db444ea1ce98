"""Template helpers: vocabulary labels in the reader's language, money ranges, dates, safe URLs."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_date, format_datetime, gettext

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
}


def vocab(code, table: str) -> str:
    """``{{ posting.field|vocab('field') }}`` → 新材料 / New materials."""
    return domain.label(TABLES[table], code, current_lang())


def choices(table: str) -> list[tuple[str, str]]:
    return [(code, domain.label(TABLES[table], code, current_lang())) for code in TABLES[table]]


def money_range(low: Decimal | None, high: Decimal | None) -> str:
    """"50–120 万元", "≥ 50 万元", or 面议 when neither end is given."""
    if low is None and high is None:
        return gettext("Negotiable")
    fmt = lambda v: f"{Decimal(v).normalize():f}"  # noqa: E731
    if low is not None and high is not None:
        text = fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"
    elif low is not None:
        text = f"≥ {fmt(low)}"
    else:
        text = f"≤ {fmt(high)}"
    return gettext("%(amount)s ten-thousand yuan", amount=text)


def page_url(page: int) -> str:
    """The current URL with ``page`` replaced: pagination that keeps the filters."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return request.path + "?" + urlencode(args, doseq=True)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        vocab=vocab,
        trl=lambda level: domain.trl_label(level, current_lang()),
        city=lambda city: domain.city_label(city, current_lang()),
        money=lambda pair: money_range(*pair),
        date=lambda d: format_date(d, "medium") if d else "",
        datetime=lambda d: format_datetime(d, "short") if d else "",
    )
    app.jinja_env.globals.update(
        choices=choices, page_url=page_url, lang=current_lang, trl_levels=list(domain.TRL)
    )
