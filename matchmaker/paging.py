"""The ``page`` query parameter, parsed strictly and bounded, and database pages built from it.

Flask-SQLAlchemy reads ``page`` itself when not given one, with ``int()``: ``?page=²`` (a digit to
``str.isdigit``) raised, and ``?page=<20 digits>`` became an OFFSET that overflows SQLite (a 500).
"""

from __future__ import annotations

import re

from flask import abort, request

from matchmaker.extensions import db

MAX_PAGE = 100_000
_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def page_number(name: str = "page") -> int:
    """1 … ``MAX_PAGE`` from ``?page=`` (or another parameter; default 1); anything else, a repeated
    parameter included, is a 400."""
    raw = request.args.get(name, "1")
    if len(request.args.getlist(name)) > 1 or not _PAGE.fullmatch(raw) or int(raw) > MAX_PAGE:
        abort(400)
    return int(raw)


def paginate(stmt, per_page: int):
    """One page of ``stmt``'s rows for ``?page=`` (past the last page: an empty page, not an error)."""
    return db.paginate(stmt, page=page_number(), per_page=per_page, error_out=False)
