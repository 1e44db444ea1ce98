"""What a poster writes for an achievement or a need: each field declared once, with its label, limits and choices.

``AchievementInput`` and ``NeedInput`` carry the models' field names (``Posting.DATA_FIELDS``; a test
holds the two lists equal). The web forms take their labels from here, the services load every
create and edit through ``load``, the API serves the same classes, and the importer checks its rows
with them. Adding a field to a posting: the model (and ``DATA_FIELDS``), a migration, the field here,
and its place in the form's template (README, "Extending").
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from matchmaker import clock, domain
from matchmaker.schemas import fields as f
from matchmaker.schemas.base import Input, InvalidInput
from matchmaker.schemas.base import load as load_with

LONG = 5000


def _range_check(data: dict, low: str, high: str) -> None:
    if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
        raise ma.ValidationError(str(_l("The maximum must not be below the minimum.")), high)


class PostingInput(Input):
    """What both kinds share."""

    title = f.Text(200, required=True, label=_l("Title"))
    field = f.Choice(domain.FIELDS, required=True, label=_l("Field"))
    keywords = f.Keywords(required=True, label=_l("Keywords (1–5, separated by 、 or commas)"))
    modes = f.Choices(domain.TRANSFER_MODES, required=True, label=_l("Transfer modes"))
    contact_name = f.Text(50, required=True, label=_l("Contact person"))
    contact_phone = f.Phone(label=_l("Contact phone"))
    contact_email = f.Email(label=_l("Contact e-mail"))

    LABELS: dict = {}  # a kind's own label for a shared field

    def validate_ranges(self, data: dict) -> None:
        for low, high in (("price_min", "price_max"), ("budget_min", "budget_max")):
            if low in self.fields:
                _range_check(data, low, high)


class AchievementInput(PostingInput):
    summary = f.Text(500, required=True, label=_l("Summary (one or two sentences)"))
    description = f.Text(LONG, required=True, label=_l("Description"))
    advantages = f.Text(LONG, required=True, label=_l("Technical advantages and innovation"))
    applications = f.Text(LONG, label=_l("Application scenarios"))
    trl = f.Integer(min(domain.TRL), max(domain.TRL), required=True, label=_l("Maturity (TRL)"))
    ip_type = f.Choice(domain.IP_TYPES, required=True, label=_l("Intellectual property"))
    patent_numbers = f.Text(500, label=_l("Patent or registration numbers"))
    price_min = f.Money(
        label=_l("Price from (ten-thousand yuan)"),
        description="Lowest price in 10,000 yuan; null with price_max null means negotiable. "
        "At most price_max (the stored one when a PATCH does not send it).",
    )
    price_max = f.Money(
        label=_l("Price up to (ten-thousand yuan)"),
        description="Highest price in 10,000 yuan; not below price_min (the stored one when a PATCH does not send it).",
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def price_range(self, data, **_kwargs):
        _range_check(data, "price_min", "price_max")


class NeedInput(PostingInput):
    problem = f.Text(LONG, required=True, label=_l("Main problem"))
    key_points = f.Text(LONG, required=True, label=_l("Key technical points"))
    goals = f.Text(LONG, required=True, label=_l("Expected goals"))
    min_trl = f.Integer(min(domain.TRL), max(domain.TRL), required=True, label=_l("Lowest acceptable maturity (TRL)"))
    budget_min = f.Money(
        label=_l("Budget from (ten-thousand yuan)"),
        description="Lowest budget in 10,000 yuan; null means open. At most budget_max (the stored one when a "
        "PATCH does not send it).",
    )
    budget_max = f.Money(
        label=_l("Budget up to (ten-thousand yuan)"),
        description="Highest budget in 10,000 yuan; not below budget_min (the stored one when a PATCH does not send it).",
    )
    deadline = f.Day(label=_l("Deadline"), description="YYYY-MM-DD, not in the past; null for no deadline.")

    LABELS = {"modes": _l("Cooperation modes wanted")}

    @ma.validates("deadline")
    def not_past(self, value, **_kwargs):
        if value is not None and value < clock.today():
            raise ma.ValidationError(str(_l("The deadline must not be in the past.")))

    @ma.validates_schema(skip_on_field_errors=False)
    def budget_range(self, data, **_kwargs):
        _range_check(data, "budget_min", "budget_max")


INPUTS: dict[str, type[PostingInput]] = {"achievement": AchievementInput, "need": NeedInput}
_SCHEMAS = {kind: schema() for kind, schema in INPUTS.items()}
BLANK = ("", None, [])
DRAFT_REQUIRED = ("title",)  # a draft needs its title, and nothing else


def label(kind: str, name: str):
    """A field's label (lazy: in the reader's language)."""
    schema = INPUTS[kind]
    return schema.LABELS.get(name) or _SCHEMAS[kind].fields[name].metadata["label"]


def required(kind: str) -> tuple[str, ...]:
    """What a posting needs before it goes to review, in the form's order (a draft needs only its title)."""
    return _SCHEMAS[kind].required_names()


def load(kind: str, data: dict[str, Any], *, complete: bool, current: dict[str, Any] | None = None) -> dict:
    """``data`` checked for a posting of ``kind``: every required field when ``complete`` (to review),
    else only what is given (a draft may leave fields blank; they are stored blank).

    ``current``: the stored values, for the rules that span two fields (a price range) when ``data``
    changes only one of them. Raises InvalidInput naming each field.
    """
    schema = _SCHEMAS[kind]
    if complete:
        loaded = load_with(schema, data)
    else:
        blank = [name for name in DRAFT_REQUIRED if name in data and data[name] in BLANK]
        if blank:
            raise InvalidInput({name: str(f.REQUIRED) for name in blank})
        given = {name: value for name, value in data.items() if value not in BLANK}
        loaded = load_with(schema, given, partial=True)
        loaded.update({name: _blank(schema, name) for name, value in data.items() if value in BLANK})
    if current:
        merged = {**{k: v for k, v in current.items() if k in schema.fields}, **loaded}
        try:
            schema.validate_ranges(merged)
        except ma.ValidationError as error:
            raise InvalidInput({str(error.field_name): " ".join(map(str, error.messages))}) from None
    return loaded


def _blank(schema: ma.Schema, name: str):
    field = schema.fields.get(name)
    if field is None:
        raise InvalidInput({name: str(_l("Unknown field."))})
    if isinstance(field, ma.fields.List):
        return []
    if isinstance(field, ma.fields.String):
        return ""
    return None
