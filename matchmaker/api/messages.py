"""Messages of the API and its pages, in the reader's language.

``tr(english, chinese)`` asks the catalogue first (``gettext``), so a translator's wording wins
once the message is in ``messages.po``; until then the Chinese given here is used, so that a
Chinese reader never sees English by accident. Extract with ``pybabel extract -k tr``.
"""

from __future__ import annotations

from flask_babel import gettext

from matchmaker.i18n import current_lang


def tr(msgid: str, zh: str | None = None, **params) -> str:
    text = gettext(msgid, **params)
    if zh is not None and current_lang() == "zh" and text == (msgid % params if params else msgid):
        return zh % params if params else zh
    return text


# Error codes of the API: (HTTP status, English message, Chinese message).
ERRORS: dict[str, tuple[int, str, str]] = {
    "bad_request": (400, "The request could not be understood.", "无法理解该请求。"),
    "invalid_query": (400, "A query parameter is not valid.", "查询参数无效。"),
    "invalid_json": (400, "The body is not valid JSON.", "请求体不是有效的 JSON。"),
    "unexpected_body": (400, "This endpoint takes no request body.", "该接口不接受请求体。"),
    "unauthorized": (
        401,
        "Send a valid API token in the header Authorization: Bearer <token>.",
        "请在请求头 Authorization: Bearer <令牌> 中提供有效的 API 令牌。",
    ),
    "invalid_credentials": (401, "The e-mail or password is not correct.", "电子邮箱或密码不正确。"),
    "forbidden": (403, "Your account does not have permission to do this.", "您的账号无权执行此操作。"),
    "not_found": (404, "Not found, or not visible to you.", "未找到，或您无权查看。"),
    "method_not_allowed": (405, "This address does not accept that method.", "该地址不接受此请求方式。"),
    "conflict": (409, "The request does not fit the current state of the resource.", "该请求与资源的当前状态不符。"),
    "payload_too_large": (
        413,
        "The body is larger than the platform accepts (1 MB).",
        "请求体超过平台允许的大小（1 MB）。",
    ),
    "unsupported_media_type": (
        415,
        "Send the body as JSON (Content-Type: application/json).",
        "请以 JSON 格式发送请求体（Content-Type: application/json）。",
    ),
    "validation_failed": (422, "Some fields are not valid.", "部分字段无效。"),
    "rate_limited": (429, "Too many requests. Please wait a moment before trying again.", "请求过于频繁，请稍候再试。"),
    "server_error": (
        500,
        "The platform hit an unexpected error. Nothing was saved.",
        "平台发生意外错误，未保存任何内容。",
    ),
}
CODE_FOR_STATUS = {status: code for code, (status, _en, _zh) in reversed(list(ERRORS.items()))}


def error_message(code: str) -> str:
    _status, en, zh = ERRORS[code]
    return tr(en, zh)


# Field-level messages of the schema checks (the forms add their own, already translated).
FIELD = {
    "required": ("Required.", "必填。"),
    "unknown": ("Unknown field.", "未知字段。"),
    "read_only": ("Read-only: set by the platform, not by clients.", "只读字段：由平台设置，客户端不能修改。"),
    "type_string": ("Must be a string.", "必须是字符串。"),
    "type_integer": ("Must be an integer.", "必须是整数。"),
    "type_number": ("Must be a number.", "必须是数字。"),
    "type_boolean": ("Must be true or false.", "必须是 true 或 false。"),
    "type_array": ("Must be an array.", "必须是数组。"),
    "type_object": ("Must be an object.", "必须是对象。"),
    "not_null": ("Must not be null.", "不能为 null。"),
    "enum": ("Must be one of: %(values)s.", "必须是以下之一：%(values)s。"),
    "max_length": ("At most %(n)d characters.", "最多 %(n)d 个字符。"),
    "min_length": ("At least %(n)d characters.", "至少 %(n)d 个字符。"),
    "pattern": (
        "Not in the expected format (no control characters; not blank).",
        "格式不符合要求（不能含控制字符，不能为空白）。",
    ),
    "minimum": ("Must be at least %(n)s.", "不能小于 %(n)s。"),
    "maximum": ("Must be at most %(n)s.", "不能大于 %(n)s。"),
    "min_items": ("Give at least %(n)d.", "至少提供 %(n)d 项。"),
    "max_items": ("Give at most %(n)d.", "最多提供 %(n)d 项。"),
    "unique": ("Items must not repeat.", "各项不能重复。"),
    "date": ("Must be a date written YYYY-MM-DD.", "必须是 YYYY-MM-DD 格式的日期。"),
    "min_properties": ("Send at least one field.", "请至少提供一个字段。"),
    "duplicate": ("Given more than once.", "重复提供。"),
    "unknown_parameter": ("Unknown parameter.", "未知参数。"),
}


def field_message(key: str, **params) -> str:
    en, zh = FIELD[key]
    return tr(en, zh, **params)
