"""The kinds of field the pool's inputs are made of, each with its rule and its message in the reader's language.

Types are strict (a JSON string is no number, ``true`` no integer): the web forms hand over values they
have already parsed (``Decimal``, ``date``, lists), the API hands over JSON as it came. Every rule a field
checks is one that OpenAPI can state (length, pattern, range, enum), so the API's document promises
exactly what is accepted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from matchmaker import clock
from matchmaker.converters import MAX_ID

# Characters refused anywhere (NUL, C0/C1 controls, line/paragraph separators, and the bidi
# embeddings, overrides and isolates that make text display in another order than it reads) …
CTRL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# … the whitespace ``str.strip`` removes that is not already a control character …
SPACE = r"\t\n\r \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# … and the characters that show nothing (zero-width space and joiners, marks, word joiner, BOM):
# allowed inside a text, but a text of nothing else is blank.
INVISIBLE = r"\u180e\u200b-\u200f\u2060-\u2064\ufeff"
ANY_TEXT = rf"^[^{CTRL}]*$"
NON_BLANK = rf"^[^{CTRL}]*[^{CTRL}{SPACE}{INVISIBLE}][^{CTRL}]*$"
KEYWORD = rf"^[^{CTRL}{SPACE}{INVISIBLE},，、;；]+$"  # no separator the web form splits on
# 5 to 20 digits, each followed by at most three of space - ( ), after at most two of + (, and a closing
# bracket at the end: "(+86)138 1234 5678", "010 - 6278 1234", "0311-8888 1234-(801)".
PHONE = r"^[+(]{0,2}([0-9][ ()\-]{0,3}){4,19}[0-9]\)?$"
PHONE_MESSAGE = _l("Enter a phone number: 5 to 20 digits, with spaces, + - and brackets between them.")
_LABEL = r"[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}"
EMAIL = rf"^[A-Za-z0-9_+-]{{1,32}}(\.[A-Za-z0-9_+-]{{1,30}})?@({_LABEL}\.){{1,4}}[A-Za-z]{{2,20}}$"
REGISTRATION_NO = r"^[0-9A-Za-z-]*$"
MONEY_MAX = Decimal(1_000_000)  # 万元: 100 亿元, beyond any single technology contract
CENT = Decimal("0.01")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")

REQUIRED = _l("Required.")
MESSAGES = {
    "required": REQUIRED,
    "null": _l("Must not be null."),
}


def _errors(**more) -> dict:
    return {**MESSAGES, **more}


def Text(
    max_length: int, required: bool = False, pattern: str | None = None, message=None, min_length: int = 0, **metadata
) -> ma.fields.String:
    """A text of at most ``max_length`` characters without control characters; non-blank when required."""
    pattern = pattern or (NON_BLANK if required else ANY_TEXT)
    if message is None:
        message = (
            _l("Must not be blank or contain control characters.")
            if pattern == NON_BLANK
            else _l("Must not contain control characters.")
        )
    return ma.fields.String(
        required=required,
        validate=[
            validate.Length(
                min=min_length,
                max=max_length,
                error=_l("At most {max} characters.") if not min_length else _l("{min} to {max} characters."),
            ),
            validate.Regexp(pattern, error=message),
        ],
        error_messages=_errors(invalid=_l("Must be a string.")),
        metadata=metadata,
    )


def Phone(required: bool = True, **metadata) -> ma.fields.String:
    return Text(
        30,
        required,
        PHONE,
        PHONE_MESSAGE,
        example="0311-8888 1234",
        **metadata,
    )


class _Email(ma.fields.String):
    """An address matching ``EMAIL`` that the e-mail library also takes for a real one."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        from email_validator import EmailNotValidError, validate_email

        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            raise ma.ValidationError(str(_l("Enter an e-mail address such as name@example.com."))) from None
        return text


def Email(required: bool = True, **metadata) -> ma.fields.String:
    return _Email(
        required=required,
        validate=[
            validate.Length(max=254, error=_l("At most {max} characters.")),
            validate.Regexp(EMAIL, error=_l("Enter an e-mail address such as name@example.com.")),
        ],
        error_messages=_errors(invalid=_l("Must be a string.")),
        metadata={"example": "tech@example.com", **metadata},
    )


def Choice(values, required: bool = False, **metadata) -> ma.fields.String:
    """One code of a vocabulary of ``matchmaker.domain``."""
    codes = tuple(values)
    return ma.fields.String(
        required=required,
        validate=validate.OneOf(codes, error=_l("Must be one of: {choices}.")),
        error_messages=_errors(invalid=_l("Must be a string.")),
        metadata=metadata,
    )


def Choices(values, required: bool = False, **metadata) -> ma.fields.List:
    """One or more distinct codes of a vocabulary."""
    codes = tuple(values)
    return ma.fields.List(
        Choice(codes),
        required=required,
        validate=[
            validate.Length(min=1, max=len(codes), error=_l("Give 1 to {max} of them.")),
            Unique(),
        ],
        error_messages=_errors(invalid=_l("Must be an array.")),
        metadata={"uniqueItems": True, **metadata},
    )


class Unique(validate.Validator):
    def __call__(self, value):
        if len(set(value)) != len(value):
            raise ma.ValidationError(str(_l("Items must not repeat.")))
        return value


class KeywordCount(validate.Length):
    """1 to 5 keywords, and a message that says which way the count is off."""

    def __call__(self, value):
        if len(value) < self.min:
            raise ma.ValidationError(str(_l("Give 1 to 5 keywords.")))
        if len(value) > self.max:
            raise ma.ValidationError(str(_l("Give at most 5 keywords.")))
        return value


def Keywords(required: bool = False, **metadata) -> ma.fields.List:
    """1–5 distinct keywords of 1–20 characters, without spaces or separators."""
    word = ma.fields.String(
        validate=[
            validate.Length(min=1, max=20, error=_l("Each keyword has at most 20 characters.")),
            validate.Regexp(KEYWORD, error=_l("A keyword has no spaces or separators (, 、 ;).")),
        ],
        error_messages=_errors(invalid=_l("Must be a string.")),
    )
    return ma.fields.List(
        word,
        required=required,
        validate=[KeywordCount(min=1, max=5), Unique()],
        error_messages=_errors(invalid=_l("Must be an array.")),
        metadata={
            "uniqueItems": True,
            "description": "1–5 keywords, each 1–20 characters without spaces or separators.",
            **metadata,
        },
    )


class StrictInteger(ma.fields.Integer):
    """An integer, and only an integer (not ``true``, not ``1.5``, not ``"1"``)."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class Between(validate.Range):
    """A closed range whose message names the bound that was crossed."""

    def __call__(self, value):
        if value < self.min:
            raise ma.ValidationError(str(_l("Must be at least {min}.")).format(min=self.min))
        if value > self.max:
            raise ma.ValidationError(str(_l("Must be at most {max}.")).format(max=self.max))
        return value


def Integer(minimum: int, maximum: int, required: bool = False, **metadata) -> ma.fields.Integer:
    return StrictInteger(
        required=required,
        strict=True,
        validate=Between(min=minimum, max=maximum),
        error_messages=_errors(invalid=_l("Must be an integer.")),
        metadata=metadata,
    )


def Id(required: bool = True) -> ma.fields.Integer:
    return Integer(1, MAX_ID, required)


class _Money(ma.fields.Number):
    """An amount in 万元 as a number (never a string), kept to the cent (NUMERIC(12, 2) columns)."""

    num_type = Decimal

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise self.make_error("invalid")
        try:
            amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            raise self.make_error("invalid") from None
        if not amount.is_finite():
            raise self.make_error("invalid")
        if abs(amount) > MONEY_MAX:
            return amount  # out of range: the range check says so (quantizing it could overflow)
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else float(value)


def Money(required: bool = False, **metadata) -> ma.fields.Number:
    return _Money(
        required=required,
        allow_none=not required,
        validate=validate.Range(
            min=0, max=MONEY_MAX, error=_l("Enter an amount between 0 and 1,000,000 (ten-thousand yuan).")
        ),
        error_messages=_errors(invalid=_l("Must be a number.")),
        metadata=metadata,
    )


class _Day(ma.fields.Date):
    """A date written YYYY-MM-DD (or a date a form has parsed)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or not DATE.match(value):  # not 2026-W40-1, which Python also reads
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def Day(required: bool = False, pattern: str | None = None, message=None, **metadata) -> ma.fields.Date:
    checks = []
    if pattern:
        checks.append(_DatePattern(pattern, message or _l("Must be a date written YYYY-MM-DD.")))
        metadata["pattern"] = pattern
    return _Day(
        required=required,
        allow_none=not required,
        validate=checks,
        error_messages=_errors(invalid=_l("Must be a date written YYYY-MM-DD.")),
        metadata=metadata,
    )


def PastDay(label, future_message, message=None, **metadata) -> ma.fields.Date:
    """A required day that has happened: YYYY-MM-DD from 2000 on (the pattern states it) and not after
    today in Beijing (``future_message``)."""
    field = Day(
        required=True,
        pattern=r"^2[0-9]{3}-",
        message=message,
        label=label,
        description="YYYY-MM-DD, from 2000 on and not in the future.",
        **metadata,
    )
    field.validators.append(_NotAfterToday(future_message))
    return field


class _NotAfterToday(validate.Validator):
    def __init__(self, message):
        self.message = message

    def __call__(self, value):
        if value > clock.today():
            raise ma.ValidationError(str(self.message))
        return value


def RegistrationNo(**metadata) -> ma.fields.String:
    """A technology contract's registration number (技术合同登记号), optional."""
    return Text(
        40,
        pattern=REGISTRATION_NO,
        message=_l("Letters, digits and hyphens only."),
        label=_l("Technology contract registration number (optional)"),
        **metadata,
    )


class _DatePattern(validate.Validator):
    def __init__(self, pattern: str, message):
        self.regex, self.message = re.compile(pattern), message

    def __call__(self, value):
        if not self.regex.search(value.isoformat()):
            raise ma.ValidationError(str(self.message))
        return value


class _Flag(ma.fields.Boolean):
    """``true`` or ``false`` (not 0, 1 or "yes": in Python ``0 == False``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Flag(**metadata) -> ma.fields.Boolean:
    return _Flag(
        error_messages=_errors(invalid=_l("Must be true or false.")),
        metadata=metadata,
    )
