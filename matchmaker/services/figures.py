"""The dashboard's figures, kept in tables and brought up to date from what changed, never per request.

Three groups, each with a row in ``figure_state`` saying when and from what it was computed:

* ``postings`` (by region and field) and ``activity`` (funnel by month, deal flows, feedback) are
  counted by ``stats`` from indexes (milliseconds at 10^5 postings) when a fingerprint of their
  tables changed, and at least every ``MAX_AGE`` for what a fingerprint cannot see (an organization
  moving region, a verdict changed in place);
* ``coverage`` (self-sufficiency, unmet demand, common needs) is derived from the ``need_coverage``
  rows, which ``coverage`` keeps in step with the pool and the index, when those rows or the
  accepted introductions changed.

A reader (the dashboard, its CSV, the API) first catches up what is cheap: a fingerprint check, and
when a few coverage rows wait (``FIGURES_INLINE_NEEDS``) it recomputes them itself; more wait for a
background thread of its process (also started when the match index caught up with a change), and
the page shows the figures as they were, with when they were computed. One process at a time works
on the coverage (a lease in ``figure_state``), whichever server it runs on. ``refresh`` recomputes
everything (``flask pool stats refresh``).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import delete, func, or_, select, update

from matchmaker.extensions import db
from matchmaker.models import (
    Achievement,
    Deal,
    FigureCounter,
    FigureState,
    Interest,
    Need,
    NeedCoverage,
    Notification,
    Organization,
    SuggestionFeedback,
)
from matchmaker.models.base import utcnow
from matchmaker.services import coverage, stats
from matchmaker.services.suggestions import feedback_counts

log = logging.getLogger(__name__)

GROUPS = {
    "postings": ("postings_by_region", "postings_by_field"),
    "activity": ("funnel", "funnel_by_month", "deal_flows", "feedback"),
    "coverage": ("self_sufficiency", "unmet_demand", "common_needs"),
}
JOB, DERIVED = "coverage_job", "coverage"  # the coverage rows' job state; the figures derived from them
MAX_AGE = timedelta(minutes=10)
LEASE = timedelta(minutes=2)


# -- what each section stores --------------------------------------------------------------------
def _rows(section: str):
    """(key, measure, value, detail) rows of one section, counted afresh."""
    if section in ("postings_by_region", "postings_by_field", "funnel_by_month", "funnel"):
        counted = {"funnel_by_month": stats.funnel_by_month, "funnel": stats.funnel}.get(
            section, lambda: stats.postings_by(section.split("_")[-1])
        )()
        return [(key, m, v, None) for key, measures in counted.items() for m, v in measures.items()]
    if section == "deal_flows":
        return [
            row
            for f in stats.deal_flows()
            for row in (
                (f"{f['from']}->{f['to']}", "deals", f["deals"], None),
                (f"{f['from']}->{f['to']}", "amount_wan", f["amount_wan"], None),
            )
        ]
    if section in ("feedback", "self_sufficiency"):
        counted = feedback_counts() if section == "feedback" else stats.self_sufficiency()
        return [("all" if section == "feedback" else "hebei", m, v, None) for m, v in counted.items()]
    if section == "unmet_demand":
        return [(f"{c['field']}@{c['city']}", "needs", c["needs"], c) for c in stats.unmet_demand()]
    return [(f"cluster {n}", "firms", len(c["firms"]), c) for n, c in enumerate(stats.common_needs(), 1)]


def _store(group: str, source: str) -> None:
    sections = GROUPS[group]
    rows = [dict(section=s, key=k, measure=m, value=float(v), detail=d) for s in sections for k, m, v, d in _rows(s)]
    db.session.execute(delete(FigureCounter).where(FigureCounter.section.in_(sections)))
    if rows:
        db.session.execute(FigureCounter.__table__.insert(), rows)
    state = _state(DERIVED if group == "coverage" else group)
    state.source, state.computed_at = source, utcnow()
    db.session.commit()


def overview(unmet: tuple[int, int] = (0, 50), groups: tuple[int, int] = (0, 20)) -> dict:
    """Every figure, caught up as far as is cheap now (``follow``), from the tables (``read``)."""
    follow()
    return read(unmet, groups)


FLOATS = ("amount_wan", "strong_suggestion_rate", "introduction_rate", "self_sufficiency_rate")
ORDER = [s for sections in GROUPS.values() for s in sections]


def _number(measure: str, value: float):
    return value if measure in FLOATS else int(value)


def counter_rows() -> list[tuple[str, str, str, int | float]]:
    """Every number as (section, key, measure, value), as the CSV lists them (no detail is read)."""
    rows = db.session.execute(
        select(FigureCounter.section, FigureCounter.key, FigureCounter.measure, FigureCounter.value)
    ).all()
    return sorted(
        ((s, k, m, _number(m, v)) for s, k, m, v in rows),
        key=lambda r: (ORDER.index(r[0]), _cluster_number(r[1]) if r[0] == "common_needs" else 0, r[1], r[2]),
    )


def _cluster_number(key: str) -> int:
    return int(key.split()[1])


def read(unmet: tuple[int, int] = (0, 50), groups: tuple[int, int] = (0, 20)) -> dict:
    """Every figure as ``stats`` counts it, read from the tables; of the unmet cells and the groups of
    common needs one page each, ``(offset, limit)``, with their totals; plus when each group was
    computed and how many coverage rows still wait. JSON-safe: the API returns exactly this."""
    data: dict = {
        "postings_by_region": {},
        "postings_by_field": {},
        "funnel": {},
        "funnel_by_month": {},
        "deal_flows": [],
        "feedback": {},
        "self_sufficiency": {},
        "unmet_matrix": [],
    }
    flows: dict[str, dict] = {}
    listed: dict[str, list] = {"unmet_demand": [], "common_needs": []}
    for section, key, measure, value in counter_rows():
        if section in ("postings_by_region", "postings_by_field", "funnel_by_month", "funnel"):
            data[section].setdefault(key, {})[measure] = value
        elif section == "deal_flows":
            src, dst = key.split("->")
            flows.setdefault(key, {"from": src, "to": dst})[measure] = value
        elif section in ("feedback", "self_sufficiency"):
            data[section][measure] = value
        else:
            listed[section].append((value, key))
    data["deal_flows"] = sorted(flows.values(), key=lambda f: (-f["deals"], f["from"], f["to"]))
    listed["unmet_demand"].sort(key=lambda item: (-item[0], item[1]))
    data["unmet_matrix"] = [
        {"field": key.split("@")[0], "city": key.split("@")[1], "needs": value} for value, key in listed["unmet_demand"]
    ]  # every cell, for the heat map
    for section, (offset, limit) in (("unmet_demand", unmet), ("common_needs", groups)):
        keys = [key for _v, key in listed[section][offset : offset + limit]]
        details = (
            dict(
                db.session.execute(
                    select(FigureCounter.key, FigureCounter.detail).where(
                        FigureCounter.section == section, FigureCounter.key.in_(keys)
                    )
                ).all()
            )
            if keys
            else {}
        )
        data[section] = [details[key] for key in keys]
        data[f"{section}_total"] = len(listed[section])
    states = {s.name: s for s in db.session.scalars(select(FigureState))}
    data["computed_at"] = {
        g: (states[n].computed_at.isoformat(timespec="seconds") if n in states and states[n].computed_at else None)
        for g, n in (("postings", "postings"), ("activity", "activity"), ("coverage", DERIVED))
    }
    data["pending"] = coverage.dirty_count()
    return data


# -- freshness ------------------------------------------------------------------------------------
def _state(name: str) -> FigureState:
    state = db.session.get(FigureState, name)
    if state is None:
        state = FigureState(name=name, source="", cursor=0, version="", lease_owner="")
        db.session.add(state)
        db.session.flush()
    return state


def _source(group: str) -> str:
    """A fingerprint of the tables a group is counted from: cheap aggregates, indexes only (or small tables)."""
    one = lambda *cols: "|".join(str(v) for v in db.session.execute(select(*cols)).one())  # noqa: E731
    accepted = one(func.count(Interest.accepted_at), func.max(Interest.accepted_at))
    if group == "postings":
        return "|".join(
            [
                one(func.max(Achievement.updated_at)),
                one(func.max(Need.updated_at)),
                one(func.count(Organization.id), func.max(Organization.id)),
            ]
        )
    if group == "activity":
        strong = select(func.max(Notification.created_at)).where(Notification.event == "strong_suggestion")
        return "|".join(
            [
                one(func.count(Interest.id), func.max(Interest.updated_at)),
                accepted,
                one(func.max(Need.updated_at)),  # the funnel counts the public needs
                one(func.count(Deal.id), func.max(Deal.id)),
                str(db.session.scalar(strong)),
                one(func.count(SuggestionFeedback.id), func.max(SuggestionFeedback.id)),
            ]
        )
    job = db.session.get(FigureState, JOB)
    return f"{job.computed_at if job else None}|{accepted}"


def _stale(name: str, source: str) -> bool:
    state = db.session.get(FigureState, name)
    return (
        state is None
        or state.source != source
        or state.computed_at is None
        or (name != DERIVED and utcnow() - state.computed_at > MAX_AGE)
    )


def follow() -> None:
    """Bring the figures up to date as far as is cheap here and now (see the module's docstring)."""
    for group in ("postings", "activity"):
        source = _source(group)
        if _stale(group, source):
            _store(group, source)
    job = db.session.get(FigureState, JOB)
    if job is None or coverage.has_changes(job) or coverage.dirty_count() or _stale(DERIVED, _source("coverage")):
        if not _run_job(inline=True) and current_app.config.get("FIGURES_BACKGROUND", True):
            start_background()


def _run_job(inline: bool) -> bool:
    """Mark, recompute and re-derive the coverage under the lease; False when left to the background
    (too much for a reader) or when another process holds the lease."""
    if not _take_lease():
        return True
    try:
        job = _state(JOB)
        limit = current_app.config.get("FIGURES_INLINE_NEEDS", 200) if inline else None
        background = current_app.config.get("FIGURES_BACKGROUND", True) and limit is not None
        if background and coverage.every_row_moves(job) and coverage.counted() > limit:
            return False  # a new index (or the first run): every need is re-ranked, not by a reader
        if coverage.mark_changes(job):
            job.computed_at = utcnow()
        db.session.commit()
        if background and (coverage.dirty_count() > limit or _rows_total() > 10 * limit):
            return False
        if coverage.recompute(progress=lambda _n: _take_lease()):
            _state(JOB).computed_at = utcnow()
            db.session.commit()
        source = _source("coverage")
        if _stale(DERIVED, source):
            _store("coverage", source)
        return True
    finally:
        _release_lease()


def _rows_total() -> int:
    return db.session.scalar(select(func.count()).select_from(NeedCoverage)) or 0


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _take_lease() -> bool:
    """One process at a time runs the coverage job: a conditional UPDATE of the job's row (renews it)."""
    _state(JOB)
    now = utcnow()
    taken = (
        db.session.execute(
            update(FigureState)
            .where(
                FigureState.name == JOB,
                or_(
                    FigureState.lease_until.is_(None),
                    FigureState.lease_until < now,
                    FigureState.lease_owner == _owner(),
                ),
            )
            .values(lease_owner=_owner(), lease_until=now + LEASE)
        ).rowcount
        == 1
    )
    db.session.commit()
    return taken


def _release_lease() -> None:
    db.session.rollback()
    db.session.execute(
        update(FigureState)
        .where(FigureState.name == JOB, FigureState.lease_owner == _owner())
        .values(lease_owner="", lease_until=None)
    )
    db.session.commit()


_BACKGROUND: dict = {"thread": None, "poked": 0.0, "again": False}
_BACKGROUND_LOCK = threading.Lock()


def start_background() -> None:
    """Run the coverage job in a thread of this process. If one is already running here, it runs the
    job once more when done: it may have found the lease held by this very process's reader (the
    reader's own catch-up pokes it), which then leaves the work to the background."""
    with _BACKGROUND_LOCK:
        if _BACKGROUND["thread"] is not None:
            _BACKGROUND["again"] = True
            return
        app = current_app._get_current_object()
        _BACKGROUND["thread"] = thread = threading.Thread(target=_background, args=(app,), name="figures", daemon=True)
    thread.start()


def _background(app) -> None:
    while True:
        with app.app_context():
            try:
                _run_job(inline=False)
            except Exception:  # the figures stay as they were; the next reader or change tries again
                log.exception("Updating the dashboard figures failed")
            finally:
                db.session.remove()
        with _BACKGROUND_LOCK:
            if not _BACKGROUND["again"]:
                _BACKGROUND["thread"] = None
                return
            _BACKGROUND["again"] = False


def wait_background(timeout: float = 30) -> None:
    """Wait until this process has no background job running (the tests use it)."""
    thread = _BACKGROUND["thread"]
    deadline = time.monotonic() + timeout
    while thread is not None and time.monotonic() < deadline:
        thread.join(max(0.0, deadline - time.monotonic()))
        thread = _BACKGROUND["thread"]


def poke() -> None:
    """A web worker's match index caught up with a change: follow it in the background (at most every
    2 s). Command-line processes never leave a thread behind: ``refresh`` does the work itself."""
    if (
        not has_request_context()
        or not current_app.config.get("FIGURES_BACKGROUND", True)
        or time.monotonic() - _BACKGROUND["poked"] < 2
    ):
        return
    _BACKGROUND["poked"] = time.monotonic()
    start_background()


def refresh(progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> dict:
    """Recompute every figure in full (idempotent): every coverage row, then every group.

    ``workers``: processes that rank the needs (None: one per core; the CLI, a process of its own).
    """
    deadline = time.monotonic() + LEASE.total_seconds()
    while not _take_lease():
        if time.monotonic() > deadline:
            raise RuntimeError("Another process has been computing the figures for too long; try again later.")
        time.sleep(1)
    try:
        job = _state(JOB)
        job.version = ""  # mark_changes then marks every row and starts the job's state afresh
        coverage.mark_changes(job)
        db.session.commit()
        total, done = coverage.dirty_count(), [0]

        def tick(n: int) -> None:
            done[0] += n
            _take_lease()
            if progress:
                progress(done[0], total)

        coverage.recompute(
            workers=workers,
            progress=tick,
            batch=500 if workers == 1 else 4000,  # a fork per batch
            neighbours=False,
        )
        _state(JOB).computed_at = utcnow()
        db.session.commit()
        for group in GROUPS:
            _store(group, _source(group))
    finally:
        _release_lease()
    return read()


def updated_at(data: dict) -> str | None:
    """When the oldest group of ``data`` was computed (what the page shows as 数据更新于)."""
    stamps = [v for v in data["computed_at"].values() if v]
    return min(stamps) if stamps else None
