"""Form building blocks shared by every feature: control-character checks, keywords, money."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.support import Translations
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker import domain
from matchmaker.converters import MAX_ID

# NUL and other C0/C1 controls are never legitimate in the pool's texts (tabs/newlines are).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")
MONEY_LIMIT = Decimal("1000000")  # 100 亿元: beyond any single technology contract


def strip(value):
    return value.strip() if isinstance(value, str) else value


@lru_cache(maxsize=4)
def _wtforms_messages(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class BaseForm(FlaskForm):
    """A form that also refuses control characters in every text field."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages ("This field is required.") in the reader's language, also outside
            a request: Flask-WTF translates them only inside one, and ``flask pool import`` checks its
            rows with these forms from the command line (in the default language, Chinese)."""
            if has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_messages(str(get_locale()))

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            if issubclass(unbound_field.field_class, StringField):
                filters.insert(0, strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(isinstance(v, str) and CONTROL_CHARS.search(v) for v in values):
                field.errors = list(field.errors) + [str(_l("Contains control characters that are not allowed."))]
                ok = False
        return ok


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class KeywordsField(StringField):
    """Keywords typed as one line, separated by 、 , ； or spaces, read as a list (``schemas.fields.Keywords``
    judges them: 1–5, each at most 20 characters, none repeated)."""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.raw_text = raw
        self.data = [k for k in KEYWORD_SPLIT.split(raw.strip()) if k]

    def _value(self):
        if isinstance(self.data, list):
            return "、".join(self.data)
        return self.data or ""


def int_or_none(value):
    """``coerce`` of a select whose first choice is an empty "please choose"."""
    return None if value in ("", None) else int(value)


def valid_credit_code(form, field: Field) -> None:
    code = (field.data or "").upper()
    field.data = code
    if len(code) != 18:
        raise ValidationError(_l("The unified social credit code has 18 characters."))
    if any(c not in domain.CREDIT_CODE_ALPHABET for c in code):
        raise ValidationError(_l("The code uses digits and capital letters except I, O, S, V and Z."))
    if not domain.is_valid_credit_code(code):
        raise ValidationError(_l("The check character does not match: please check the code."))


def money_in_range(form, field: Field) -> None:
    # NaN and Infinity parse as Decimals, and comparing a NaN raises: test finiteness first.
    if field.data is not None and not (field.data.is_finite() and 0 <= field.data <= MONEY_LIMIT):
        raise ValidationError(_l("Enter an amount between 0 and 1,000,000 (ten-thousand yuan)."))


def an_id(form, field: Field) -> None:
    """A record id from a form: 1 … 2³¹−1 (larger numbers would overflow the database's integer)."""
    if field.data is not None and not (1 <= field.data <= MAX_ID):
        raise ValidationError(_l("Not a valid number."))


def check_range(low: Field, high: Field) -> bool:
    """Lower bound ≤ upper bound; the error goes on the upper field."""
    finite = all(getattr(v, "is_finite", lambda: True)() for v in (low.data, high.data) if v is not None)
    if low.data is not None and high.data is not None and finite and low.data > high.data:
        high.errors = list(high.errors) + [str(_l("The maximum must not be below the minimum."))]
        return False
    return True


def show_errors(form, fields: dict[str, str]) -> None:
    """Put each message of an input schema (``matchmaker.schemas``) on its field of ``form``; a
    message for a field the form does not show goes above the form."""
    for name, message in fields.items():
        field = getattr(form, name.split(".")[0], None)
        if isinstance(field, Field):
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def attempt(form, save: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service step for a form that parsed: (True, what ``save`` returned), or (False, a page
    to answer with: a 403/404/409/429 refusal), or (False, None) with the input schema's messages at
    the form's fields, or a rule's refusal above the form (then the form is shown again)."""
    from matchmaker.errors import refusal
    from matchmaker.schemas import InvalidInput
    from matchmaker.services.errors import DomainError

    try:
        return True, save()
    except InvalidInput as error:
        if hasattr(form, "show"):  # a form that places some messages its own way (a table's rows)
            form.show(error)
        else:
            show_errors(form, error.fields)
    except DomainError as error:
        page = refusal(error)
        if page is not None:
            return False, page
        form.form_errors.append(str(error))
    return False, None


def error_text(form) -> str:
    """Every error of a form in one line, for a flash message when the form is not on the page."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
