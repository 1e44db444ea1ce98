"""The base of every input schema, the error it raises, and the one way services load input."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from matchmaker.services.errors import DomainError

UNKNOWN = _l("Unknown field.")


class InvalidInput(DomainError):
    """Some fields are not valid: ``fields`` maps each one to its message (422 in the API)."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or str(_l("Some fields are not valid.")))
        self.fields = fields


def flat(messages: Any) -> dict[str, str]:
    """marshmallow's nested messages as ``{"field": "message …"}`` (list items as ``field.0``)."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(key, int) and prefix:  # an item of a list: the list is named
                    walk(prefix, inner)
                else:
                    walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, (list, tuple)):
            texts = [str(v) for v in value if not isinstance(v, (dict, list, tuple))]
            if texts:
                key = prefix or "_schema"
                out[key] = " ".join(dict.fromkeys(([out[key]] if key in out else []) + texts))
            for v in value:
                if isinstance(v, (dict, list, tuple)):
                    walk(prefix, v)
        else:
            out[prefix or "_schema"] = str(value)

    walk("", messages)
    return out


class Input(ma.Schema):
    """An input schema: unknown fields are refused, and so is null where a field does not allow it."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": UNKNOWN, "type": _l("Send an object with the fields of the form.")}

    @classmethod
    def required_names(cls) -> tuple[str, ...]:
        return tuple(name for name, field in cls().fields.items() if field.required)


def load(schema: ma.Schema, data: Any, partial: bool = False) -> dict:
    """``data`` checked and converted by ``schema``; InvalidInput with every field's message if not."""
    if isinstance(data, dict):  # a required field left blank (a form's empty select) is missing, not "null"
        data = {
            name: value
            for name, value in data.items()
            if not (value in ("", None, []) and name in schema.fields and schema.fields[name].required)
        }
    try:
        return schema.load(data, partial=partial)
    except ma.ValidationError as error:
        raise InvalidInput(flat(error.messages)) from None
