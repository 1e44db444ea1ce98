"""Two possible duplicates side by side, section by section, with what differs marked.

A reviewer decides "same posting or not" from the facts that tell them apart: the three-part text,
maturity, money, dates, the organization. Each row pairs one section; rows that differ are flagged,
and in texts the differing stretches are marked (a character diff: Chinese has no spaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from matchmaker import domain
from matchmaker.i18n import current_lang
from matchmaker.models import Posting
from matchmaker.templating import money_range

TEXTS = {
    "achievement": (
        ("summary", _l("Summary")),
        ("description", _l("Description")),
        ("advantages", _l("Technical advantages and innovation")),
        ("applications", _l("Application scenarios")),
    ),
    "need": (
        ("problem", _l("Main problem")),
        ("key_points", _l("Key technical points")),
        ("goals", _l("Expected goals")),
    ),
}


@dataclass
class Row:
    label: str
    left: Markup
    right: Markup
    differs: bool


def _marked(a: str, b: str) -> tuple[Markup, Markup]:
    """Both texts escaped, with the stretches that are not in the other one wrapped in <mark>."""
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        piece_a, piece_b = escape(a[i1:i2]), escape(b[j1:j2])
        if tag == "equal":
            left.append(piece_a)
            right.append(piece_b)
        else:
            if piece_a:
                left.append(Markup("<mark>%s</mark>") % piece_a)
            if piece_b:
                right.append(Markup("<mark>%s</mark>") % piece_b)
    return Markup("").join(left), Markup("").join(right)


def _facts(p: Posting, lang: str) -> list[tuple[str, str]]:
    common = [
        (_l("Organization"), p.organization.name),
        (
            _l("Status"),
            domain.label(
                domain.ACHIEVEMENT_STATUSES if p.kind == "achievement" else domain.NEED_STATUSES, p.status, lang
            ),
        ),
        (_l("Field"), domain.label(domain.FIELDS, p.field, lang) if p.field else "—"),
        (_l("Keywords"), "、".join(p.keywords or [])),
    ]
    modes = ("、" if lang == "zh" else ", ").join(domain.label(domain.TRANSFER_MODES, m, lang) for m in p.modes)
    if p.kind == "achievement":
        specific = [
            (_l("Maturity"), domain.trl_label(p.trl, lang)),
            (_l("Transfer modes"), modes),
            (_l("Price"), money_range(p.price_min, p.price_max)),
        ]
    else:
        specific = [
            (_l("Lowest acceptable maturity"), domain.trl_label(p.min_trl, lang)),
            (_l("Cooperation modes wanted"), modes),
            (_l("Budget"), money_range(p.budget_min, p.budget_max)),
            (_l("Deadline"), p.deadline.isoformat() if p.deadline else "—"),
        ]
    dates = [
        (_l("Published"), p.published_at.date().isoformat() if p.published_at else "—"),
        (_l("Last changed"), p.updated_at.date().isoformat()),
    ]
    return common + specific + dates


def rows(first: Posting, second: Posting) -> list[Row]:
    lang = current_lang()
    out = [Row(str(_l("Title")), *_marked(first.title, second.title), first.title != second.title)]
    for name, label in TEXTS[first.kind]:
        a, b = getattr(first, name) or "", getattr(second, name) or ""
        out.append(Row(str(label), *_marked(a, b), a != b))
    for (label, a), (_label, b) in zip(_facts(first, lang), _facts(second, lang)):
        out.append(Row(str(label), escape(a), escape(b), a != b))
    return out
