"""save / load: identical rankings, mmapped read-only arrays, changes after load, atomic replace."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import BATTERY, NEED, PACKAGING

from matchmaker.matching import Matcher

QUERIES = [NEED, BATTERY, {"kind": "need", "description": "食品包装 聚乳酸"}]


def test_round_trip_gives_identical_rankings(matcher, tmp_path):
    matcher.save(tmp_path / "idx")
    loaded = Matcher.load(tmp_path / "idx", mmap=True)
    for q in QUERIES:
        assert loaded.query(q) == matcher.query(q)
        assert loaded.suggest(q) == matcher.suggest(q)
    assert loaded.search("电池", "achievement") == matcher.search("电池", "achievement")
    assert loaded.config == matcher.config and len(loaded) == len(matcher)
    assert loaded.get("n1") == matcher.get("n1")
    data = loaded._kinds["achievement"].postings.data
    assert isinstance(data.base, np.memmap) and not data.flags.writeable


def test_add_and_remove_after_load(matcher, tmp_path):
    matcher.save(tmp_path / "idx")
    m = Matcher.load(tmp_path / "idx")
    m.remove("a1")
    assert "a1" not in [i for i, _ in m.query(NEED)]
    m.add(dict(BATTERY, id="a7"))
    assert [i for i, _ in m.query(NEED)][0] == "a7" and len(m) == 4
    m.save(tmp_path / "idx")  # folds the delta in and replaces the old directory
    again = Matcher.load(tmp_path / "idx")
    assert again.query(NEED) == m.query(NEED) and "a1" not in again and "a7" in again


def test_delta_changes_survive_save_of_unloaded_matcher(matcher, tmp_path):
    matcher.add(dict(PACKAGING, id="a8", title="锂电池正极材料包装"))
    matcher.remove("a3")
    before = [i for i, _ in matcher.query(NEED)]
    matcher.save(tmp_path / "idx")  # compacts: idf is recomputed, so scores move but not the order here
    loaded = Matcher.load(tmp_path / "idx", mmap=False)
    assert loaded.query(NEED) == matcher.query(NEED)
    assert [i for i, _ in loaded.query(NEED)] == before and "a3" not in loaded and "a8" in loaded


def test_crash_mid_save_keeps_old_index(matcher, tmp_path, monkeypatch):
    matcher.save(tmp_path / "idx")
    before = Matcher.load(tmp_path / "idx").query(NEED)
    matcher.remove("a1")
    import matchmaker.matching.store as store

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(store.np, "save", boom)
    with pytest.raises(OSError):
        matcher.save(tmp_path / "idx")
    monkeypatch.undo()
    assert Matcher.load(tmp_path / "idx").query(NEED) == before
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_library_imports_without_flask_or_sqlalchemy():
    code = (
        "import sys, matchmaker.matching; m = matchmaker.matching.Matcher(); "
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compaction_keeps_every_live_row_and_drops_the_dead(matcher):
    matcher.remove("a2")
    matcher.add(dict(PACKAGING, id="a9", description="全新的锂离子电池隔膜材料"))
    cols, _ = matcher._terms(NEED)

    def rows(m):
        c = m._kinds["achievement"]
        return {i: [c.postings.value(c.row_of(i), int(x)) for x in cols] for i in ("a1", "a3", "a9")}

    before = rows(matcher)
    matcher.compact()
    assert rows(matcher) == before
    assert "a2" not in matcher and len(matcher) == 4
    assert not matcher._kinds["achievement"].postings.rows and not matcher._kinds["achievement"].postings.dead


def test_fit_in_forked_workers_builds_the_same_index(monkeypatch):
    """Segmenting in two processes (chunks of 7 docs here) gives the serial index, column for column."""
    import random

    from conftest import STEEL

    import matchmaker.matching.build as build

    rng = random.Random(5)
    base = [BATTERY, PACKAGING, STEEL]
    docs = [dict(rng.choice(base), id=f"x{i}", title=f"{rng.choice(base)['title']}{i}号") for i in range(40)]
    docs.append(dict(NEED, id="n1"))
    monkeypatch.setattr(build, "CHUNK", 7)
    serial = Matcher().fit(docs, workers=1)
    forked = Matcher().fit(docs, workers=2)
    assert serial._words.tolist() == forked._words.tolist()
    for kind in ("achievement", "need"):
        a, b = serial._kinds[kind].postings, forked._kinds[kind].postings
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data)
        assert np.array_equal(serial._kinds[kind].idf, forked._kinds[kind].idf)
    assert serial.query(NEED, k=20) == forked.query(NEED, k=20)
