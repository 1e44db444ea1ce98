"""URL converters: an id in a path is 1 … 2³¹−1 (a 32-bit column), or the route does not match (404).

Werkzeug's ``<int:…>`` accepts 99999999999999999999, which overflows SQLite's integer and raises
(a 500) instead of answering "not found". ``create_app`` installs ``IdConverter`` as both ``int``
(every page's ``<int:…>``) and ``id`` (the API's ``<id:…>``).
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the id columns are 32-bit integers on PostgreSQL


class IdConverter(IntegerConverter):
    """1 … 2³¹−1 in ASCII digits, no leading zero; else 404.

    The range is in the pattern, not only in ``to_python``: Werkzeug answers 405 rather than 404
    when a path matches the pattern of a rule for another method but fails its conversion.
    """

    regex = (
        r"(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
        r"|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])"
    )

    def __init__(self, map, **_kwargs):
        super().__init__(map, min=1, max=MAX_ID)
