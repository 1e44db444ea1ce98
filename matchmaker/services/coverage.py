"""Each published need as the matcher ranks it, kept in ``need_coverage`` as the pool and the index change.

A row holds the need's best suggestions exactly as ``matching.suggestions_for`` orders them (admin
curation included), how many are strong and from Beijing or Tianjin, and its most similar needs.
The dashboard's self-sufficiency, unmet demand and common needs, and the admin's best pairs, are
read from these rows; nobody asks the matcher about every need per request.

``mark_changes`` marks what a change may have moved, following the database like the index does:
a need that changed (and the needs that list it as similar); an achievement that changed: every
need of its field, every need that ranked it, and the needs it ranks best itself (a pair across
fields); a pair an admin curated (read from the audit log); every row when the base index changed
(a refit moves every score a little). ``recompute`` then ranks the marked needs in batches; a need
whose own text changed also marks its new similar needs, which may list it now. Two changes this
does not see until the next full refresh (``flask pool stats refresh``): an organization moving
city or region, and a pair across fields whose achievement ranks the need below its own top 50.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from matchmaker.extensions import db
from matchmaker.matching.batch import map_many
from matchmaker.models import Achievement, AuditLog, Need, NeedCoverage, Organization
from matchmaker.models.base import utcnow
from matchmaker.services import matching
from matchmaker.services.match_index import LOOKBACK, current_matcher, doc_id, index_version, to_doc

TOP = 5  # suggestions per need the figures read (as the dashboard always did)
SIMILAR_K, COMMON_NEED_MIN_SIMILARITY = 5, 0.4  # nearest needs kept; similarity (identical = 1.0) of a common need
SUPPLY_REGIONS = ("beijing", "tianjin")
COUNTED = ("published", "fulfilled")  # fulfilled Hebei needs still count in the self-sufficiency rate
REVERSE_K = 50  # needs an achievement ranks best itself: marked too (a pair across fields)
PAIRS_PER_NEED = 3  # best_score: the best of the first three (the admin's best pairs list three per need)


def _rank_one(matcher, job: tuple[dict, int, tuple]) -> tuple[list, list]:
    """The pure part, run in this process or a forked one: the ranking and the nearest needs."""
    doc, depth, skip = job
    return matcher.rank(doc, k=depth, exclude=skip), matcher.similar(doc, k=SIMILAR_K)


def compute(needs: list[Need], workers: int | None = 1) -> list[dict]:
    """Fresh ``need_coverage`` values for ``needs`` (``workers`` > 1: the matcher runs in forked processes)."""
    if not needs:
        return []
    matcher = current_matcher()
    picks = matching.curated_for([n.id for n in needs])
    jobs = [(to_doc(n), *matching.ranking_depth(TOP, picks[n.id])) for n in needs]
    ranked = map_many(lambda job: _rank_one(matcher, job), jobs, workers)
    regions = _published_regions({int(r[0][1:]) for results, _ in ranked for r in results})
    now, rows = utcnow(), []
    for need, (results, similar) in zip(needs, ranked):
        top = matching.curated_first(results, (f"a{i}" for i in regions), picks[need.id], TOP)
        top = [
            [int(key[1:]), round(score, 6), round(text, 6), regions[int(key[1:])] in SUPPLY_REGIONS]
            for key, score, text in top
        ]
        similar = [[int(key[1:]), round(score, 6)] for key, score in similar if score >= COMMON_NEED_MIN_SIMILARITY]
        rows.append(
            dict(
                need_id=need.id,
                organization_id=need.organization_id,
                region=need.organization.region,
                city=need.organization.city,
                field=need.field,
                status=need.status,
                strong=sum(1 for _a, _s, text, supply in top if supply and text >= matching.STRONG),
                best_score=max((t[1] for t in top[:PAIRS_PER_NEED]), default=0.0),
                top=top,
                top_ids=_ids(t[0] for t in top),
                similar=similar,
                similar_ids=_ids(s[0] for s in similar),
                need_updated_at=need.updated_at,
                dirty=False,
                computed_at=now,
            )
        )
    return rows


def _ids(ids) -> str:
    return "|" + "|".join(str(i) for i in ids) + "|"


def _published_regions(achievement_ids: set[int]) -> dict[int, str]:
    """Region of each still-published achievement among ``achievement_ids`` (the database has the last word)."""
    ids, out = sorted(achievement_ids), {}
    for start in range(0, len(ids), 500):
        out.update(
            db.session.execute(
                select(Achievement.id, Organization.region)
                .join(Achievement.organization)
                .where(Achievement.id.in_(ids[start : start + 500]), Achievement.status == "published")
            ).all()
        )
    return out


def recompute(
    limit: int | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
    neighbours: bool = True,
) -> int:
    """Recompute up to ``limit`` marked rows (None: all), a batch per transaction; returns how many.

    ``neighbours``: a need whose text changed marks its new similar needs (not in a full refresh, where
    every row is marked anyway)."""
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        before = dict(
            db.session.execute(
                select(NeedCoverage.need_id, NeedCoverage.need_updated_at)
                .where(NeedCoverage.dirty.is_(True))
                .order_by(NeedCoverage.need_id)
                .limit(size)
            ).all()
        )
        if not before:
            break
        needs = list(db.session.scalars(select(Need).where(Need.id.in_(list(before)), Need.status.in_(COUNTED))))
        rows = compute(needs, workers)
        if rows:
            db.session.execute(update(NeedCoverage), rows)
        gone = set(before) - {n.id for n in needs}  # left the pool meanwhile: mark_changes handles them
        if gone:
            db.session.execute(delete(NeedCoverage).where(NeedCoverage.need_id.in_(gone)))
        if neighbours:  # a need whose own text changed may now be among the nearest of its new neighbours
            _mark(
                [
                    i
                    for r in rows
                    if before.get(r["need_id"]) != r["need_updated_at"]
                    for i, _s in r["similar"]
                    if i not in before
                ]
            )
        db.session.commit()
        done += len(before)
        if progress:
            progress(len(before))
    return done


def dirty_count() -> int:
    return db.session.scalar(select(func.count()).select_from(NeedCoverage).where(NeedCoverage.dirty.is_(True))) or 0


def mark_all() -> int:
    """Every counted need gets a row, marked; rows of needs no longer counted go. Returns the rows."""
    db.session.execute(
        delete(NeedCoverage).where(NeedCoverage.need_id.not_in(select(Need.id).where(Need.status.in_(COUNTED))))
    )
    db.session.execute(update(NeedCoverage).values(dirty=True))
    have = set(db.session.scalars(select(NeedCoverage.need_id)))
    fresh = [n for n in db.session.scalars(select(Need).where(Need.status.in_(COUNTED))) if n.id not in have]
    _insert_marked(fresh)
    return len(have) + len(fresh)


def _insert_marked(needs: list[Need]) -> None:
    if needs:
        db.session.execute(
            NeedCoverage.__table__.insert(),
            [
                dict(
                    need_id=n.id,
                    organization_id=n.organization_id,
                    region=n.organization.region,
                    city=n.organization.city,
                    field=n.field,
                    status=n.status,
                    strong=0,
                    best_score=0.0,
                    top=[],
                    top_ids="",
                    similar=[],
                    similar_ids="",
                    need_updated_at=None,
                    dirty=True,
                    computed_at=None,
                )
                for n in needs
            ],
        )


def _mark(need_ids: list[int]) -> None:
    ids = sorted(set(need_ids))
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(NeedCoverage).where(NeedCoverage.need_id.in_(ids[start : start + 500])).values(dirty=True)
        )


def _since(state) -> tuple[list, list, list]:
    """What changed since ``state``: (postings in the look-back window, those not seen yet, curations)."""
    since = (
        state.watermark - LOOKBACK if state.watermark and state.watermark > datetime.min + LOOKBACK else datetime.min
    )
    seen = json.loads(state.source or "{}")
    changed = [
        p for model in (Need, Achievement) for p in db.session.scalars(select(model).where(model.updated_at > since))
    ]
    fresh = [p for p in changed if seen.get(doc_id(p)) != p.updated_at.isoformat()]
    curated = db.session.execute(
        select(AuditLog.id, AuditLog.target_id).where(AuditLog.id > state.cursor, AuditLog.action == "curate_pair")
    ).all()
    return changed, fresh, curated


def every_row_moves(state) -> bool:
    """Whether ``mark_changes`` would mark every row: a new base index, or no figures yet."""
    return state.version != index_version()


def counted() -> int:
    """How many needs the figures count (published or fulfilled): what a full re-ranking costs."""
    return db.session.scalar(select(func.count()).select_from(Need).where(Need.status.in_(COUNTED))) or 0


def has_changes(state) -> bool:
    """Whether ``mark_changes`` would find anything (a read-only probe: two or three indexed queries)."""
    if every_row_moves(state):
        return True
    _changed, fresh, curated = _since(state)
    return bool(fresh or curated)


def mark_changes(state) -> int:
    """Mark the rows that changes since ``state`` (a ``FigureState``: watermark, audit cursor, index
    version, and in ``source`` the postings already seen in the look-back window) may have moved,
    and advance it. Returns how many changes it saw. The caller commits."""
    version = index_version()
    if every_row_moves(state):  # a new base: every score moved
        mark_all()
        state.version, state.watermark, state.source = version, _newest_change(), "{}"
        state.cursor = db.session.scalar(select(func.max(AuditLog.id))) or 0
        _advance(state, _since(state)[0])  # every row is marked: what changed so far counts as seen
        return 1
    changed, fresh, curated = _since(state)
    for posting in fresh:
        (_need_changed if posting.kind == "need" else _achievement_changed)(posting)
    _mark([target for _id, target in curated if target])
    state.cursor = max([state.cursor] + [i for i, _t in curated])
    _advance(state, changed)
    return len(fresh) + len(curated)


def _advance(state, changed: list) -> None:
    """Move the watermark to the newest change; remember what the look-back window will read again."""
    newest = max([state.watermark or datetime.min] + [p.updated_at for p in changed])
    state.watermark = newest
    state.source = json.dumps(
        {doc_id(p): p.updated_at.isoformat() for p in changed if p.updated_at > newest - LOOKBACK}
    )


def _need_changed(need: Need) -> None:
    row = db.session.get(NeedCoverage, need.id)
    listing = select(NeedCoverage.need_id).where(NeedCoverage.similar_ids.like(f"%|{need.id}|%"))
    _mark(list(db.session.scalars(listing)) + [i for i, _s in (row.similar if row else [])])
    if need.status not in COUNTED:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        _insert_marked([need])
    else:
        row.dirty = True


def _achievement_changed(achievement: Achievement) -> None:
    clauses = [NeedCoverage.top_ids.like(f"%|{achievement.id}|%")]
    if achievement.status == "published":
        clauses.append(NeedCoverage.field == achievement.field)
        _mark([int(key[1:]) for key, _score in current_matcher().query(to_doc(achievement), k=REVERSE_K)])
    db.session.execute(update(NeedCoverage).where(or_(*clauses)).values(dirty=True))


def _newest_change() -> datetime:
    stamps = [db.session.scalar(select(func.max(m.updated_at))) for m in (Need, Achievement)]
    return max((s for s in stamps if s is not None), default=datetime.min)
