"""Strict reading of a request: query parameters and JSON bodies, against the operation's schemas.

No silent fallbacks (F9): an unknown or repeated parameter, ``per_page=abc``, ``page=0`` or
``per_page=101`` is a 400 naming the parameter; a body must be JSON (415 otherwise), parse
(400), and fit its schema (422 naming each field), unknown and read-only fields included.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from matchmaker.api.errors import ApiError
from matchmaker.api.messages import field_message, tr
from matchmaker.api.schema import Integer, Invalid, Schema

_WIRE_INTEGER = re.compile(r"-?[0-9]{1,10}\Z")  # a sign is read, so that -1 is told its minimum, not "not an integer"
_SURROGATE = re.compile("[\ud800-\udfff]")


def query(spec: dict[str, Schema]) -> dict[str, Any]:
    """The declared parameters, converted; defaults for those not given."""
    args = request.args
    errors: dict[str, str] = {}
    for key in args.keys():
        if key not in spec:
            errors[key] = field_message("unknown_parameter")
        elif len(args.getlist(key)) > 1:
            errors[key] = field_message("duplicate")
    values: dict[str, Any] = {}
    for name, schema in spec.items():
        if name in errors:
            continue
        if name not in args:
            values[name] = getattr(schema, "default", None)
            continue
        raw = args[name]
        try:
            if isinstance(schema, Integer):
                if not _WIRE_INTEGER.match(raw):
                    raise Invalid({name: field_message("type_integer")})
                values[name] = schema.check(int(raw), name)
            else:
                values[name] = schema.check(raw, name)
        except Invalid as error:
            errors.update(error.fields)
    if errors:
        raise ApiError("invalid_query", fields=errors)
    return values


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ApiError("invalid_json", fields={key: field_message("duplicate")})
        result[key] = value
    return result


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


def _load_json() -> Any:
    if request.mimetype != "application/json" or request.mimetype_params.get("charset", "utf-8").lower() not in (
        "utf-8",
        "utf8",
    ):
        raise ApiError("unsupported_media_type")
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError("invalid_json") from None
    if _has_surrogate(data):
        raise ApiError(
            "invalid_json", tr("The body contains text that is not valid Unicode.", "请求体含有无效的 Unicode 文本。")
        )
    return data


def body(schema: Schema | None) -> Any:
    """The body checked against ``schema``; for operations without one, nothing or ``{}`` only."""
    if schema is None:
        if not request.get_data(cache=True).strip():
            return None
        if _load_json() != {}:
            raise ApiError("unexpected_body")
        return None
    data = _load_json()
    try:
        return schema.check(data, "")
    except Invalid as error:
        raise ApiError("validation_failed", fields=error.fields) from None
