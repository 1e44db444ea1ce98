"""Generic words: those that say nothing about a posting's topic (材料, 技术, 工艺, 形成, 完成 …).

Two sources, one set: a curated file (``data/generic.txt``, reviewed like code) and the words the
matcher finds spread over most fields of its own pool (``Matcher.spread_words``: present in at
least ``share`` of the fields, in at least ``rate`` of each one's postings). Generic words are
never shown as shared terms, a suggestion that shares nothing else is not made, and a search hit
on a generic word alone ranks below hits on the query's distinctive words. Pure and small.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "generic.txt"


@lru_cache(maxsize=1)
def curated(path: str = str(DATA)) -> frozenset[str]:
    words: set[str] = set()
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        words.update(raw.split("#", 1)[0].split())
    return frozenset(w.casefold() for w in words)
