"""Equivalent words for search: a curated list per field (``data/equivalents.txt``, reviewed like code).

Pure and small: ``Equivalents.load()`` reads the file once; ``expand(word, field)`` gives the word and
what it also stands for (氢能 → 制氢, 氢气, 储氢, 加氢, 燃料电池 …). A word matches a group only as a
whole (正极材料 expands; 材料 on its own does not, being in no group). Latin words compare without case.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "equivalents.txt"
ANY = "*"


def _key(word: str) -> str:
    return word.strip().casefold()


class Equivalents:
    def __init__(self, groups: dict[str, list[tuple[str, ...]]]):
        self.groups = groups  # field ("*" for every field) -> groups of words
        self._index: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        for field, rows in groups.items():
            for group in rows:
                for word in group:
                    self._index.setdefault(_key(word), {}).setdefault(field, []).append(group)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls, path: str = str(DATA)) -> Equivalents:
        groups: dict[str, list[tuple[str, ...]]] = {}
        field = ANY
        for raw in Path(path).read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                field = line[1:-1].strip() or ANY
                continue
            words = tuple(dict.fromkeys(w.strip() for w in line.split("|") if w.strip()))
            if len(words) > 1:
                groups.setdefault(field, []).append(words)
        return cls(groups)

    def expand(self, word: str, field: str | None = None) -> list[str]:
        """``word`` first, then its equivalents (those of ``field`` and of every field; all fields'
        when ``field`` is None), in the file's order, without repeats."""
        out = [word]
        by_field = self._index.get(_key(word), {})
        fields = [ANY, field] if field else list(by_field)
        for f in fields:
            for group in by_field.get(f, ()):
                out += [w for w in group if _key(w) != _key(word)]
        seen, result = set(), []
        for w in out:
            if _key(w) not in seen:
                seen.add(_key(w))
                result.append(w)
        return result
