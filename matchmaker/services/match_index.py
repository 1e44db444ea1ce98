"""The match index's lifecycle: it follows the database, by construction.

Every read goes through ``current_matcher()``, which brings this process's index up to date
before answering: it reloads the persisted base index when another process saved a new one, then
applies every posting changed since the index's watermark (``updated_at`` is indexed, so this is
one cheap query). No write path has to remember to invalidate anything: a publish, edit,
withdraw or archive committed by any gunicorn worker or CLI process is picked up by the next read.

The base index lives under ``MATCHING_INDEX_DIR`` (default ``instance/matching``) as memory-mapped
arrays, so workers share its pages instead of each holding a copy, and a restart does not refit.
When many postings changed since the base was built, a full refit runs in a background thread
under a file lock and is swapped in atomically (the old index keeps serving until then).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, g, has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.matching import Matcher
from matchmaker.models import Achievement, Posting
from matchmaker.models.posting import POSTING_MODELS

log = logging.getLogger(__name__)

PREFIX = {"achievement": "a", "need": "n"}
MODELS = POSTING_MODELS
# A transaction may commit a little after it stamped ``updated_at``: look back this far each sync.
LOOKBACK = timedelta(seconds=5)


def doc_id(posting: Posting) -> str:
    return PREFIX[posting.kind] + str(posting.id)


def parse_doc_id(value: str) -> tuple[str, int]:
    kind = "achievement" if value[0] == "a" else "need"
    return kind, int(value[1:])


def _money(value) -> float | None:
    return None if value is None else float(value)


def to_doc(posting: Posting) -> dict:
    """A posting as the plain dict the matcher reads."""
    doc = {
        "id": doc_id(posting),
        "kind": posting.kind,
        "title": posting.title,
        "keywords": list(posting.keywords or []),
        "field": posting.field,
        "transfer_modes": posting.modes,
        "region": posting.organization.region,
    }
    if isinstance(posting, Achievement):
        doc.update(
            summary=posting.summary,
            description=posting.description,
            advantages=posting.advantages,
            applications=posting.applications,
            trl=posting.trl,
            price_min=_money(posting.price_min),
            price_max=_money(posting.price_max),
        )
    else:
        doc.update(
            problem=posting.problem,
            key_points=posting.key_points,
            goals=posting.goals,
            description="\n".join(t for t in (posting.problem, posting.key_points, posting.goals) if t),
            min_trl=posting.min_trl,
            price_min=_money(posting.budget_min),
            price_max=_money(posting.budget_max),
            deadline=posting.deadline.isoformat() if posting.deadline else None,
        )
    return doc


@dataclass
class IndexState:
    """One process's view of the index for one index directory."""

    matcher: Matcher | None = None
    version: str = ""
    watermark: datetime = datetime.min
    seen: dict[str, datetime] = field(default_factory=dict)
    changes_since_base: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    refitting: bool = False


_STATES: dict[str, IndexState] = {}
_STATES_LOCK = threading.Lock()


def _index_dir() -> Path:
    configured = current_app.config.get("MATCHING_INDEX_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "matching"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state(index_dir: Path) -> IndexState:
    with _STATES_LOCK:
        return _STATES.setdefault(str(index_dir), IndexState())


def release() -> None:
    """Forget this app's loaded index (its memory-mapped files close once nothing uses them).

    For an app that is done (a test's): a process serves one app, whose index stays loaded for its life.
    """
    with _STATES_LOCK:
        state = _STATES.pop(str(_index_dir()), None)
    if state is not None:
        with state.lock:
            state.matcher = None


def _pointer(index_dir: Path) -> str:
    try:
        return (index_dir / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return ""


class _FileLock:
    """An exclusive lock on ``index_dir/.lock`` shared by every process on this machine."""

    def __init__(self, index_dir: Path, blocking: bool = True):
        self.path, self.blocking, self.handle = index_dir / ".lock", blocking, None

    def __enter__(self) -> bool:
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | (0 if self.blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _published_docs() -> Iterable[dict]:
    for model in MODELS.values():
        stmt = select(model).where(model.status == "published").order_by(model.id).execution_options(yield_per=1000)
        for posting in db.session.scalars(stmt):
            yield to_doc(posting)


def _max_updated_at() -> datetime:
    stamps = [db.session.scalar(select(func.max(model.updated_at))) for model in MODELS.values()]
    return max((s for s in stamps if s is not None), default=datetime.min)


def build_index(
    progress: Callable[[int, int], None] | None = None,
    only_if_missing: bool = False,
    workers: int | None = 1,
    replace: str | None = None,
) -> str:
    """Fit a new base index from the published postings and make it current; returns its version.

    ``workers``: processes that segment the text (None: one per core). Only the CLI, a process of its
    own, forks; a web worker refits in a background thread with 1 (its other threads may hold locks).
    ``only_if_missing`` / ``replace``: unless another process built one (or replaced version
    ``replace``) while this one waited for the lock.
    """
    index_dir = _index_dir()
    with _FileLock(index_dir):
        existing = _pointer(index_dir)
        if (
            existing
            and (index_dir / existing / "app-meta.json").exists()
            and (only_if_missing or (replace is not None and existing != replace))
        ):
            return existing  # another process built it while we waited for the lock
        watermark = _max_updated_at()
        docs = list(_published_docs())
        matcher = Matcher()
        matcher.fit(docs, progress=progress, workers=workers)
        version = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        matcher.save(index_dir / version)
        (index_dir / version / "app-meta.json").write_text(
            json.dumps({"watermark": watermark.isoformat(), "documents": len(docs)})
        )
        tmp = index_dir / "CURRENT.tmp"
        tmp.write_text(version)
        os.replace(tmp, index_dir / "CURRENT")  # atomic: readers see the old or the new version
        _prune(index_dir, keep=version)
    return version


def _prune(index_dir: Path, keep: str) -> None:
    """Remove older index versions (open memory maps stay valid until their process lets go)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


def _load(state: IndexState, index_dir: Path, version: str) -> None:
    meta = json.loads((index_dir / version / "app-meta.json").read_text())
    try:
        state.matcher = Matcher.load(index_dir / version, mmap=True)
    except ValueError:  # saved by an older format (a deploy changed it): fit anew, once, under the lock
        log.warning("Match index %s has an older format; rebuilding it", version)
        version = build_index(replace=version)
        meta = json.loads((index_dir / version / "app-meta.json").read_text())
        state.matcher = Matcher.load(index_dir / version, mmap=True)
    state.version = version
    state.watermark = datetime.fromisoformat(meta["watermark"])
    state.seen = {}
    state.changes_since_base = 0


def _apply_changes(state: IndexState) -> int:
    since = state.watermark - LOOKBACK if state.watermark > datetime.min + LOOKBACK else datetime.min
    newest, applied = state.watermark, 0
    for model in MODELS.values():
        rows = db.session.scalars(select(model).where(model.updated_at > since).order_by(model.updated_at))
        for posting in rows:
            key = doc_id(posting)
            newest = max(newest, posting.updated_at)
            if state.seen.get(key) == posting.updated_at:
                continue
            state.seen[key] = posting.updated_at
            applied += 1
            if key in state.matcher:
                state.matcher.remove(key)
                state.changes_since_base += 1
            if posting.status == "published":
                state.matcher.add(to_doc(posting))
                state.changes_since_base += 1
    state.watermark = newest
    return applied


_COMMITS = [0]  # commits by this process: a request reads the index once per commit it made


def listen() -> None:
    """Count this process's commits (``current_matcher`` catches up once per commit a request made).

    Process-wide, on the ``Session`` class: attached once however many apps are built.
    """
    if not event.contains(Session, "after_commit", _count_commit):
        event.listen(Session, "after_commit", _count_commit)


def _count_commit(session) -> None:
    _COMMITS[0] += 1


def current_matcher(refit: bool = True) -> Matcher:
    """This process's matcher, up to date with every committed change.

    Within one request the catch-up runs once, and again only after the request committed something
    (a page with 100 suggestions asks the database once, not 100 times). ``refit=False``: never start
    the background refit (a process about to fork, the gunicorn master, must not have a thread).
    """
    index_dir = _index_dir()
    state = _state(index_dir)
    seen = (str(index_dir), _COMMITS[0], state.version)
    if has_request_context() and g.get("_match_index_seen") == seen and state.matcher is not None:
        return state.matcher
    with state.lock:
        version = _pointer(index_dir)
        if not version or not (index_dir / version / "app-meta.json").exists():
            version = build_index(only_if_missing=True)
        if version != state.version:
            _load(state, index_dir, version)
        if _apply_changes(state):
            from matchmaker.services import figures  # the dashboard's figures follow the index

            figures.poke()
        if refit and state.changes_since_base > _refit_threshold(state) and not state.refitting:
            _refit_in_background(state)
        if has_request_context():
            g._match_index_seen = (str(index_dir), _COMMITS[0], state.version)
        return state.matcher


def index_version() -> str:
    """The base index this process ranks with, once caught up (rows ranked by another base are stale)."""
    current_matcher()
    return _state(_index_dir()).version


def pool_version() -> str:
    """A string that changes whenever a committed change reaches this process's index.

    Caches of anything derived from the published pool (search results) key on it, so they are
    exactly as fresh as the suggestions.
    """
    current_matcher()
    state = _state(_index_dir())
    # changes_since_base counts every applied change (even one older than the watermark) and only
    # resets when a new base version is loaded, which changes state.version.
    return f"{state.version}|{state.changes_since_base}|{state.watermark.isoformat()}"


def _refit_threshold(state: IndexState) -> int:
    configured = current_app.config.get("MATCHING_REFIT_THRESHOLD")
    return int(configured) if configured else max(500, len(state.matcher) // 20)


def _refit_in_background(state: IndexState) -> None:
    app = current_app._get_current_object()
    state.refitting = True

    def run() -> None:
        try:
            with app.app_context():
                build_index()
        except Exception:  # the old index keeps serving; the next threshold crossing retries
            log.exception("Background refit of the match index failed")
        finally:
            state.refitting = False

    threading.Thread(target=run, name="match-refit", daemon=True).start()
