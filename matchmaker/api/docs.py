"""A reference page for people, rendered from the OpenAPI document flask-smorest generates (no script, no CDN)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext

from matchmaker.api import openapi

METHOD_ORDER = {"get": 0, "post": 1, "patch": 2, "delete": 3}


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def describe(schema: dict) -> str:
    """A schema in a few words: "string ≤ 200", "integer 1–9", "one of: …", "array of Keyword (1–5)"."""
    name = _ref_name(schema)
    if name:
        return name
    kind = schema.get("type", "any")
    parts: list[str] = []
    if "enum" in schema:
        parts.append("one of: " + ", ".join(str(v) for v in schema["enum"]))
    elif kind == "array":
        parts.append("array of " + describe(schema.get("items", {})))
        low, high = schema.get("minItems"), schema.get("maxItems")
        if low or high:
            parts.append(
                f"({low or 0}–{high if high is not None else '∞'} items{', unique' if schema.get('uniqueItems') else ''})"
            )
    else:
        parts.append(kind + (f" ({schema['format']})" if "format" in schema else ""))
        if "minimum" in schema or "maximum" in schema:
            parts.append(f"{schema.get('minimum', '−∞')}–{schema.get('maximum', '∞')}")
        if schema.get("maxLength") is not None:
            parts.append(f"{schema.get('minLength', 0)}–{schema['maxLength']} characters")
        if "pattern" in schema:
            parts.append("pattern " + schema["pattern"])
    if schema.get("nullable"):
        parts.append("or null")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    return " ".join(parts)


def _fields(schema: dict, components: dict) -> list[dict]:
    name = _ref_name(schema)
    target = components.get(name, schema) if name else schema
    required = set(target.get("required", ()))
    return [
        {"name": key, "type": describe(value), "required": key in required, "description": value.get("description", "")}
        for key, value in target.get("properties", {}).items()
    ]


def _translated(summary: str) -> str:
    """An operation's summary in the reader's language (``babel_extract`` puts the summaries in the catalogue)."""
    return gettext(summary) if summary else ""


def reference(doc: dict) -> dict:
    """The document reshaped for the page: operations by tag, schemas with their fields."""
    components = doc["components"]["schemas"]
    groups: dict[str, list] = {}
    for path, item in doc["paths"].items():
        operations = [(method, op) for method, op in item.items() if method in METHOD_ORDER]
        for method, op in sorted(operations, key=lambda pair: METHOD_ORDER[pair[0]]):
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            security = op.get("security", [])
            groups.setdefault(op.get("tags", ["api"])[0], []).append(
                {
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": _translated(op.get("summary", "")),
                    "description": op.get("description", ""),
                    "auth": "none" if not security else "optional" if {} in security else "token",
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "type": describe(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": describe(body) if body else None,
                    "responses": [
                        {
                            "status": status,
                            "schema": describe(
                                response.get("content", {}).get("application/json", {}).get("schema", {})
                            )
                            if "content" in response
                            else "",
                        }
                        for status, response in op["responses"].items()
                        if "$ref" not in response
                    ],
                    "errors": [status for status, response in op["responses"].items() if "$ref" in response],
                }
            )
    schemas = [
        {"name": name, "description": schema.get("description", ""), "fields": _fields(schema, components)}
        for name, schema in components.items()
    ]
    return {"groups": groups, "schemas": schemas}


def reference_page():
    """The reference page (the OpenAPI document itself is at /api/v1/openapi.json, served by flask-smorest)."""
    doc = openapi.of(current_app).spec.to_dict()
    return render_template("api/docs.html", doc=doc, ref=reference(doc))
