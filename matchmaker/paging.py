"""The ``page`` query parameter, parsed strictly and bounded, and the pages built from it.

Flask-SQLAlchemy reads ``page`` itself when not given one, with ``int()``: ``?page=²`` (a digit to
``str.isdigit``) raised, and ``?page=<20 digits>`` became an OFFSET that overflows SQLite (a 500).
``Page`` is one page of a list someone else already read (ids in relevance order, the dashboard's
tables): it numbers and links pages as ``db.paginate``'s do, without a query of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from flask import abort, make_response, request
from flask_babel import gettext as _

from matchmaker.extensions import db

MAX_PAGE = 100_000
_PAGE = re.compile(r"[1-9][0-9]{0,5}")


def page_number(name: str = "page") -> int:
    """1 … ``MAX_PAGE`` from ``?page=`` (or another parameter; default 1); anything else, a repeated
    parameter included, is a 400."""
    raw = request.args.get(name, "1")
    if len(request.args.getlist(name)) > 1 or not _PAGE.fullmatch(raw) or int(raw) > MAX_PAGE:
        from matchmaker.errors import render_error  # the error page (errors imports the services)

        message = _("The page number must be a whole number from 1 to %(max)s.", max=f"{MAX_PAGE:,}")
        abort(make_response(render_error(400, message)))
    return int(raw)


def paginate(stmt, per_page: int):
    """One page of ``stmt``'s rows for ``?page=`` (past the last page: an empty page, not an error)."""
    return db.paginate(stmt, page=page_number(), per_page=per_page, error_out=False)


@dataclass
class Page:
    """One page of ``total`` items: what ``_macros.html``'s ``pagination`` and the API read.

    The same attributes and ``iter_pages`` as Flask-SQLAlchemy's ``Pagination``, whose subclasses
    must override private methods: the caller gives the page's items and the total instead.
    """

    page: int
    per_page: int
    total: int
    items: Sequence[Any] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total > 0 else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers for the links, ``None`` for a gap: with 20 pages on page 7 and the defaults,
        1, 2, None, 5, 6, 7, 8, 9, 10, 11, None, 19, 20."""
        end = self.pages + 1
        if end == 1:
            return
        left_end = min(1 + left_edge, end)
        yield from range(1, left_end)
        if left_end == end:
            return
        mid_start, mid_end = max(left_end, self.page - left_current), min(self.page + right_current + 1, end)
        if mid_start > left_end:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == end:
            return
        right_start = max(mid_end, end - right_edge)
        if right_start > mid_end:
            yield None
        yield from range(right_start, end)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)
