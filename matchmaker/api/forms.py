"""API bodies through the web forms, so that the site and the API can never disagree on a rule.

A checked body is written out as the form data a browser would send and validated by the same
form class the page uses; the form's errors come back under the API's field names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from werkzeug.datastructures import MultiDict
from wtforms.fields import SelectMultipleField

from matchmaker.api.errors import ApiError
from matchmaker.api.fields import CONTACT_FIELDS, FORMS, RENAMED
from matchmaker.forms import KeywordsField
from matchmaker.models import Posting


def _wire(value) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def validated(form_class, values: dict, api_names: dict[str, str] | None = None):
    """``form_class`` filled from ``values`` (form names) and validated; 422 with API names if not."""
    formdata = MultiDict()
    for name, value in values.items():
        if value is None or value is False:
            continue
        field_class = getattr(getattr(form_class, name, None), "field_class", None)
        if field_class is not None and issubclass(field_class, KeywordsField):
            formdata.add(name, "、".join(value))
        elif field_class is not None and issubclass(field_class, SelectMultipleField):
            for item in value:
                formdata.add(name, _wire(item))
        else:
            formdata.add(name, _wire(value))
    form = form_class(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        names = api_names or {}
        raise ApiError(
            "validation_failed",
            fields={
                names.get(name, name): " ".join(str(message) for message in messages)
                for name, messages in form.errors.items()
            },
        )
    return form


def posting_api_names(kind: str) -> dict[str, str]:
    """Form field name → API field name."""
    names = {form: api for api, form in RENAMED[kind].items()}
    names.update({form: f"contact.{api}" for api, form in CONTACT_FIELDS.items()})
    return names


def posting_values(kind: str, body: dict) -> dict:
    """A checked API body under the form's (and the service's) field names."""
    values = {}
    for name, value in body.items():
        if name == "contact":
            values.update({CONTACT_FIELDS[key]: item for key, item in value.items()})
        else:
            values[RENAMED[kind].get(name, name)] = value
    return values


def posting_data(kind: str, body: dict, current: Posting | None = None) -> dict:
    """The service's data for a new posting, or for ``current`` changed by ``body`` (a PATCH)."""
    form_class = FORMS[kind]
    values = {name: getattr(current, name) for name in form_class.DATA_FIELDS} if current is not None else {}
    values.update(posting_values(kind, body))
    return validated(form_class, values, posting_api_names(kind)).to_data()
