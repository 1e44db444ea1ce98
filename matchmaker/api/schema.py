"""JSON Schema as small Python objects: each renders its OpenAPI form and checks a value.

The same objects describe a request in ``/api/v1/openapi.json`` and check it when it arrives, so
the document and the behaviour cannot drift apart. Checks are strict: no coercion (``"5"`` is not
an integer, ``true`` is not a number), no unknown properties, and patterns match the whole string.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from matchmaker.api.messages import field_message, tr


class Invalid(Exception):
    """One or more values do not fit their schema: ``fields`` maps a path to a message."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


class Schema:
    """Base: ``render()`` gives the OpenAPI schema, ``check(value, path)`` the converted value."""

    name: str | None = None  # named schemas become components and are referenced
    nullable: bool = False
    description: str = ""

    def render(self, components: dict) -> dict:
        if self.name is None:
            return self._render_inline(components)
        if self.name not in components:
            components[self.name] = {}  # reserve first: a schema may refer to itself
            components[self.name] = self._render_inline(components)
        return {"$ref": f"#/components/schemas/{self.name}"}

    def _render_inline(self, components: dict) -> dict:
        out = self.openapi(components)
        if self.nullable:
            out["nullable"] = True
        if self.description:
            out["description"] = self.description
        return out

    def openapi(self, components: dict) -> dict:
        raise NotImplementedError

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise Invalid({path: field_message("not_null")})
        return self.validate(value, path)

    def validate(self, value: Any, path: str) -> Any:
        raise NotImplementedError


def _fail(path: str, key: str, **params):
    raise Invalid({path: field_message(key, **params)})


@dataclass
class String(Schema):
    max_length: int | None = None
    min_length: int = 0
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None
    nullable: bool = False
    description: str = ""
    message: tuple[str, str] | None = None  # (en, zh) shown when the pattern does not match
    example: str | None = None

    def openapi(self, components: dict) -> dict:
        out: dict[str, Any] = {"type": "string"}
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.min_length:
            out["minLength"] = self.min_length
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        if self.pattern:
            out["pattern"] = self.pattern
        if self.format:
            out["format"] = self.format
        if self.example is not None:
            out["example"] = self.example
        return out

    def validate(self, value, path):
        if not isinstance(value, str):
            _fail(path, "type_string")
        if self.enum is not None and value not in self.enum:
            _fail(path, "enum", values=", ".join(self.enum))
        if len(value) < self.min_length:
            _fail(path, "min_length", n=self.min_length)
        if self.max_length is not None and len(value) > self.max_length:
            _fail(path, "max_length", n=self.max_length)
        if self.pattern and not _compiled(self.pattern).search(value):
            if self.message:
                raise Invalid({path: tr(*self.message)})
            _fail(path, "pattern")
        return value


def _compiled(pattern: str) -> re.Pattern:
    # JSON Schema patterns are ECMA-262: "$" ends the string (Python's "$" also matches before "\n").
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
    return _PATTERNS[pattern]


_PATTERNS: dict[str, re.Pattern] = {}


@dataclass
class Integer(Schema):
    minimum: int | None = None
    maximum: int | None = None
    nullable: bool = False
    description: str = ""
    default: int | None = None

    def openapi(self, components: dict) -> dict:
        out: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.default is not None:
            out["default"] = self.default
        return out

    def validate(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(path, "type_integer")
        _check_range(value, self.minimum, self.maximum, path)
        return value


def _check_range(value, minimum, maximum, path):
    if minimum is not None and value < minimum:
        _fail(path, "minimum", n=str(minimum))
    if maximum is not None and value > maximum:
        _fail(path, "maximum", n=str(maximum))


CENT = Decimal("0.01")


@dataclass
class Money(Schema):
    """An amount in 万元 as a JSON number, kept to the cent (the columns are NUMERIC(12, 2))."""

    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(1_000_000)
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        return {"type": "number", "minimum": float(self.minimum), "maximum": float(self.maximum)}

    def validate(self, value, path):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            _fail(path, "type_number")
        amount = Decimal(str(value))
        _check_range(amount, self.minimum, self.maximum, path)
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Boolean(Schema):
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        return {"type": "boolean"}

    def validate(self, value, path):
        if not isinstance(value, bool):
            _fail(path, "type_boolean")
        return value


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@dataclass
class Date(Schema):
    pattern: str | None = None  # e.g. a range of years
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        out = {"type": "string", "format": "date"}
        if self.pattern:
            out["pattern"] = self.pattern
        return out

    def validate(self, value, path):
        if not isinstance(value, str):
            _fail(path, "type_string")
        if not _DATE.match(value) or (self.pattern and not _compiled(self.pattern).search(value)):
            _fail(path, "date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            _fail(path, "date")


@dataclass
class Array(Schema):
    items: Schema = field(default_factory=lambda: String())
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        out: dict[str, Any] = {"type": "array", "items": self.items.render(components)}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        if self.unique:
            out["uniqueItems"] = True
        return out

    def validate(self, value, path):
        if not isinstance(value, list):
            _fail(path, "type_array")
        if len(value) < self.min_items:
            _fail(path, "min_items", n=self.min_items)
        if self.max_items is not None and len(value) > self.max_items:
            _fail(path, "max_items", n=self.max_items)
        items = [self.items.check(item, path) for item in value]
        if self.unique and len({repr(i) for i in items}) != len(items):
            _fail(path, "unique")
        return items


@dataclass
class Object(Schema):
    properties: dict[str, Schema] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()  # refused with a clearer message than "unknown field"
    min_properties: int = 0
    additional: bool = False  # free-form objects (figures) only
    name: str | None = None
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        out: dict[str, Any] = {"type": "object"}
        if self.properties:
            out["properties"] = {key: schema.render(components) for key, schema in self.properties.items()}
        if self.required:
            out["required"] = list(self.required)
        if self.min_properties:
            out["minProperties"] = self.min_properties
        out["additionalProperties"] = self.additional
        return out

    def validate(self, value, path):
        if not isinstance(value, dict):
            _fail(path or "body", "type_object")
        errors: dict[str, str] = {}
        result: dict[str, Any] = {}
        prefix = f"{path}." if path else ""
        for key, item in value.items():
            schema = self.properties.get(key)
            if schema is None:
                if not self.additional:
                    errors[prefix + key] = field_message("read_only" if key in self.read_only else "unknown")
                continue
            try:
                result[key] = schema.check(item, prefix + key)
            except Invalid as error:
                errors.update(error.fields)
        for key in self.required:
            if key not in value:
                errors[prefix + key] = field_message("required")
        if not errors and len(value) < self.min_properties:
            errors[path or "body"] = field_message("min_properties")
        if errors:
            raise Invalid(errors)
        return result


@dataclass
class Free(Schema):
    """Output only: any JSON value described in words (the dashboard's figures)."""

    type: str = "object"
    required: tuple[str, ...] = ()
    nullable: bool = False
    description: str = ""

    def openapi(self, components: dict) -> dict:
        out: dict[str, Any] = {"type": self.type}
        if self.required:
            out["required"] = list(self.required)
        return out


@dataclass
class Ref(Schema):
    """A named component: ``Ref("Achievement", Object(...))``."""

    name: str = ""
    target: Schema = field(default_factory=Object)

    def _render_inline(self, components: dict) -> dict:
        return self.target._render_inline(components)

    def check(self, value, path):
        return self.target.check(value, path)


def named(name: str, schema: Schema) -> Ref:
    return Ref(name=name, target=schema)
