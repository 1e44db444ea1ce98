"""Language choice: Simplified Chinese by default, English on request (header switch or browser).

The catalogue directory is ``zh_Hans_CN``, not ``zh_CN``: Babel parses "zh_CN" as zh_Hans_CN and
would silently find no translations under the shorter name.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale

from matchmaker.extensions import babel

ZH = "zh_Hans_CN"
EN = "en"


def select_locale() -> str:
    if not has_request_context():  # CLI and services outside a request: the default language
        return ZH
    chosen = session.get("lang")
    if chosen in (ZH, EN):
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return EN if best == "en" else ZH


def current_lang() -> str:
    """ "en" or "zh": which half of a (zh, en) vocabulary label to show."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
