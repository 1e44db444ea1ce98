"""The app's one door to the matcher: suggestions, search and near-duplicates as pages need them.

Reads go through ``match_index.current_matcher()``, which keeps this process's index in step with
the database (see that module). The matcher's answer for a posting is kept per process until the
pool or the posting changes (``answers``: keyed by ``match_index.pool_version()``, like the search
cache), so a page opened again, or the same posting on another page, is not ranked twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import inspect, select

from matchmaker.extensions import db
from matchmaker.models import CuratedPair, Posting
from matchmaker.services.caching import VersionedCache
from matchmaker.services.match_index import MODELS, PREFIX, current_matcher, doc_id, parse_doc_id, pool_version, to_doc

# Strength shown to users, from the text score alone (0–1; structure only re-orders). Calibrated on
# dev by bench/strength.py (强: the highest threshold keeping ≥ 90% of suggestions in the right field
# and ≥ 99% of needs with one) and on the demo pool, whose full-form postings score lower: a designed
# counterpart 0.14–0.26, the runner-up 0.02–0.05, so 中 starts at 0.05 (dev's rule alone says 0.03).
STRONG, MEDIUM = 0.10, 0.05


@dataclass
class SuggestionView:
    """A suggested counterpart, ready for a page: the posting, its score and why."""

    posting: Posting
    score: float  # ranking score: the text score raised by the structured reasons
    text_score: float
    reasons: list[str]
    shared_terms: list[str]
    recommended: bool = False  # an admin recommended this pair to both sides

    @property
    def strength(self) -> str:
        return "strong" if self.text_score >= STRONG else "medium" if self.text_score >= MEDIUM else "weak"


def _load_postings(keys: Iterable[str]) -> dict[str, Posting]:
    """Published postings for matcher ids, one query per kind (the database has the last word)."""
    wanted: dict[str, list[int]] = {}
    for key in keys:
        kind, posting_id = parse_doc_id(key)
        wanted.setdefault(kind, []).append(posting_id)
    found: dict[str, Posting] = {}
    for kind, ids in wanted.items():
        model = MODELS[kind]
        for posting in db.session.scalars(select(model).where(model.id.in_(ids), model.status == "published")):
            found[doc_id(posting)] = posting
    return found


def curated(posting: Posting) -> dict[str, set[str]]:
    """Counterparts (matcher ids) an admin recommended for, or dismissed from, ``posting``."""
    mine, theirs, prefix = (
        (CuratedPair.need_id, CuratedPair.achievement_id, "a")
        if posting.kind == "need"
        else (CuratedPair.achievement_id, CuratedPair.need_id, "n")
    )
    result: dict[str, set[str]] = {"recommended": set(), "dismissed": set()}
    for other_id, decision in db.session.execute(select(theirs, CuratedPair.decision).where(mine == posting.id)):
        result[decision].add(f"{prefix}{other_id}")
    return result


answers = VersionedCache(size=4096)


def answer(posting: Posting, how: str, k: int, exclude: tuple[str, ...] = ()) -> list:
    """``current_matcher().suggest / rank / similar`` for ``posting``, kept until the pool or it changes.

    Only a saved posting as saved is kept: a text being typed (the duplicate check before submitting,
    a new posting or an edit not yet saved) has no id or ``updated_at`` of its own to key it by."""
    state = inspect(posting)
    keep = state.persistent and not state.modified
    key = (pool_version(), posting.kind, posting.id, posting.updated_at, how, k, tuple(sorted(exclude)))
    found = answers.get(key) if keep else None
    if found is None:
        matcher, doc = current_matcher(), to_doc(posting)
        found = matcher.similar(doc, k=k) if how == "similar" else getattr(matcher, how)(doc, k=k, exclude=exclude)
        if keep:
            answers.put(key, found)
    return found


def curated_for(need_ids: list[int], kind: str = "need") -> dict[int, dict[str, set[str]]]:
    """``curated`` for many postings of one kind at once: posting id -> its picks (matcher ids)."""
    mine, theirs, prefix = (
        (CuratedPair.need_id, CuratedPair.achievement_id, "a")
        if kind == "need"
        else (CuratedPair.achievement_id, CuratedPair.need_id, "n")
    )
    result = {i: {"recommended": set(), "dismissed": set()} for i in need_ids}
    for start in range(0, len(need_ids), 500):
        rows = db.session.execute(
            select(mine, theirs, CuratedPair.decision).where(mine.in_(need_ids[start : start + 500]))
        )
        for posting_id, other_id, decision in rows:
            result[posting_id][decision].add(f"{prefix}{other_id}")
    return result


def published_keys(keys: Iterable[str]) -> set[str]:
    """Which matcher ids are published postings (one query per kind, ids only)."""
    wanted: dict[str, list[int]] = {}
    for key in set(keys):
        kind, posting_id = parse_doc_id(key)
        wanted.setdefault(kind, []).append(posting_id)
    found = set()
    for kind, ids in wanted.items():
        model = MODELS[kind]
        for start in range(0, len(ids), 500):
            found.update(
                PREFIX[kind] + str(i)
                for i in db.session.scalars(
                    select(model.id).where(model.id.in_(ids[start : start + 500]), model.status == "published")
                )
            )
    return found


def ranked_for(
    postings: list[Posting], k: int, exclude: dict[tuple[str, int], set[str]] | None = None
) -> list[list[tuple]]:
    """For each posting, what ``suggestions_for`` would list, as (matcher id, score, text score) without
    explanations: the database asked a few times for all of them, not three times per posting.
    ``exclude``: (kind, posting id) -> matcher ids to leave out, as ``suggestions_for``'s ``exclude``."""
    exclude = exclude or {}
    picks: dict[tuple[str, int], dict[str, set[str]]] = {}
    for kind in ("need", "achievement"):
        ids = [p.id for p in postings if p.kind == kind]
        picks.update({(kind, i): v for i, v in curated_for(ids, kind).items()})
    results = []
    for posting in postings:
        depth, skip = ranking_depth(k, picks[(posting.kind, posting.id)], exclude.get((posting.kind, posting.id), ()))
        results.append(answer(posting, "rank", depth, skip))
    live = published_keys(r[0] for found in results for r in found)
    return [curated_first(found, live, picks[(p.kind, p.id)], k) for p, found in zip(postings, results)]


def ranking_depth(k: int, picks: dict[str, set[str]], exclude: Iterable[str] = ()) -> tuple[int, tuple[str, ...]]:
    """How deep to ask the matcher and what to leave out: dismissed pairs never appear, and recommended
    ones come first (``curated_first``), so a recommendation is looked for below the first k."""
    return (k + 50 if picks["recommended"] else k), tuple(set(exclude) | picks["dismissed"])


def curated_first(results: list, published: Iterable[str], picks: dict[str, set[str]], k: int) -> list:
    """The matcher's results still published, recommended ones first (stable), the best k."""
    live = set(published)
    kept = [r for r in results if _id(r) in live]
    kept.sort(key=lambda r: _id(r) not in picks["recommended"])
    return kept[:k]


def _id(result) -> str:
    return result.id if hasattr(result, "id") else result[0]


def suggestions_for(posting: Posting, k: int = 10, exclude: Iterable[str] = ()) -> list[SuggestionView]:
    """The best published counterparts of the opposite kind for ``posting``, best first.

    Pairs an admin dismissed never appear; pairs an admin recommended come first.
    """
    picks = curated(posting)
    depth, skip = ranking_depth(k, picks, exclude)
    results = answer(posting, "suggest", depth, skip)
    found = _load_postings(r.id for r in results)
    return [
        SuggestionView(
            found[r.id],
            float(r.score),
            float(r.text_score),
            list(r.reasons),
            list(r.shared_terms),
            r.id in picks["recommended"],
        )
        for r in curated_first(results, found, picks, k)
    ]


def similar_postings(posting: Posting, k: int = 5) -> list[tuple[Posting, float]]:
    """Published postings of the same kind whose text is very close (near-duplicate candidates)."""
    results = answer(posting, "similar", k)
    found = _load_postings(key for key, _score in results)
    return [(found[key], float(score)) for key, score in results if key in found]
