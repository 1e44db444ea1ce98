"""The compiled query kernel (numba) against the numpy path: same rows, same scores, on random corpora."""

import random
from datetime import date

import numpy as np
import pytest
from conftest import BATTERY

from matchmaker.matching import MatchConfig, Matcher
from matchmaker.matching.matcher import _load_kernel

pytest.importorskip("numba")

WORDS = (
    "锂离子电池 正极材料 能量密度 循环寿命 食品包装 聚乳酸 可降解 薄膜 高炉 余热回收 发电 钢铁 污水处理 膜分离 "
    "催化剂 氢能 燃料电池 传感器 物联网 图像识别 深度学习 土壤 改良 作物 育种 疫苗 抗体 检测 芯片 封装"
).split()
FIELDS = ("materials", "food", "steel", "energy", "agri", None)
MODES = ("assignment", "license", "equity", "joint", "development", "service")
REGIONS = ("beijing", "tianjin", "hebei", None)
TODAY = date(2030, 1, 1)


def _text(rng, n):
    return "，".join("".join(rng.sample(WORDS, rng.randint(1, 3))) for _ in range(n)) + "。"


def _doc(rng, i, kind):
    price = rng.random()
    lo = None if price < 0.3 else rng.choice([10.0, 20.0, 50.0, 0.1, 99.99])
    hi = None if price < 0.5 else (lo or 0) + rng.choice([0.0, 5.0, 50.0, 0.1])
    d = {
        "id": f"{kind[0]}{i}",
        "kind": kind,
        "title": _text(rng, 1) if rng.random() < 0.7 else None,
        "description": _text(rng, rng.randint(1, 4)),
        "keywords": rng.sample(WORDS, rng.randint(0, 3)),
        "field": rng.choice(FIELDS),
        "region": rng.choice(REGIONS),
        "transfer_modes": rng.sample(MODES, rng.randint(0, 2)),
        "price_min": lo,
        "price_max": hi,
        ("min_trl" if kind == "need" else "trl"): rng.choice([None, 3, 5, 7, 9]),
    }
    if kind == "need":
        d["deadline"] = rng.choice([None, "2029-06-30", "2031-01-01"])
        if rng.random() < 0.5:
            d["problem"] = d["description"][: rng.randint(3, 12)]
    return d


def _corpus(seed, n=120):
    rng = random.Random(seed)
    docs = [_doc(rng, i, "achievement" if rng.random() < 0.6 else "need") for i in range(n)]
    for j in range(8):  # exact duplicates under other ids: ties the ranking must break the same way
        docs.append(dict(rng.choice(docs), id=f"dup{j}"))
    return rng, docs


def _both(m, call):
    m.fast = True
    fast = call()
    m.fast = False
    slow = call()
    m.fast = True
    return fast, slow


def _same(fast, slow):
    assert [r[0] if isinstance(r, tuple) else r.id for r in fast] == [
        r[0] if isinstance(r, tuple) else r.id for r in slow
    ]
    for a, b in zip(fast, slow):
        if isinstance(a, tuple):
            assert a[1] == pytest.approx(b[1], rel=1e-9, abs=1e-12)
        else:
            assert (a.score, a.text_score) == pytest.approx((b.score, b.text_score), rel=1e-9, abs=1e-12)
            assert (a.reasons, a.shared_terms) == (b.reasons, b.shared_terms)


def _check_all(m, rng, queries):
    for q in queries:
        for k in (1, 3, 10, 200):
            _same(*_both(m, lambda: m.query(q, k=k)))
        _same(*_both(m, lambda: m.suggest(q, k=7, exclude=[q["id"], "a3", "n5"])))
        _same(*_both(m, lambda: m.similar(q, k=6)))
        text = q["description"]
        for kind in ("achievement", "need"):
            for k, off in ((1000, 0), (5, 0), (5, 3), (7, 11)):
                _same(*_both(m, lambda: m.search(text, kind, k=k, offset=off)))


@pytest.mark.parametrize("seed", range(6))
def test_kernel_ranks_exactly_like_numpy(seed):
    assert _load_kernel() is not None, "numba is installed but the kernel did not load"
    rng, docs = _corpus(seed)
    cfg = MatchConfig(today=TODAY, max_df_min_docs=50, max_df=0.3) if seed % 2 else MatchConfig(today=TODAY)
    if seed == 3:  # no field boost (no split by field), and a negative boost
        cfg = MatchConfig(today=TODAY, same_field=0.0, price_overlap=-0.5)
    m = Matcher(cfg).fit(docs)
    queries = rng.sample(docs, 12)
    _check_all(m, rng, queries)

    for d in rng.sample(docs, 15):  # tombstones in the base
        m.remove(d["id"])
    for i in range(20):  # a delta: new rows, some replacing base rows, some new words
        kind = rng.choice(["achievement", "need"])
        d = _doc(rng, 1000 + i, kind) if i % 3 else dict(rng.choice(docs), description=_text(rng, 2) + "新词甲乙")
        m.add(d)
        if i % 7 == 0:
            m.add(dict(d, id=f"dd{i}"))  # a delta duplicate
    m.remove("a1000")
    _check_all(m, rng, queries + [_doc(rng, 5000, "need"), _doc(rng, 5001, "achievement")])

    m.compact()  # rows regrouped by field
    assert all(c.table.field_sorted for c in m._kinds.values())
    _check_all(m, rng, queries)


def test_rows_outside_a_field_grouping_still_rank_the_same():
    rng, docs = _corpus(11)
    m = Matcher(MatchConfig(today=TODAY)).fit(docs)
    for c in m._kinds.values():
        assert c.table.field_sorted
    before = {q["id"]: m.query(q, k=20) for q in docs[:20]}
    for c in m._kinds.values():  # as if the base came from an older index: no split by field
        c.table._field_sorted = False
    assert {q["id"]: m.query(q, k=20) for q in docs[:20]} == before


def test_fit_groups_rows_by_field_and_the_scratch_is_left_clean():
    rng, docs = _corpus(5)
    m = Matcher(MatchConfig(today=TODAY)).fit(docs)
    for c in m._kinds.values():
        f = c.table.base["field"]
        assert (np.diff(f) >= 0).all()
    for q in docs[:30]:
        m.query(q)
        m.search(q["description"], "need", k=1000)
    kern = _load_kernel()
    acc, _ = kern.scratch(1)
    assert not acc.any()


def test_relative_scores_and_excluded_rows_with_the_kernel(matcher):
    matcher.add(dict(BATTERY, id="a1-copy"))
    matcher.compact()
    sim = dict(matcher.similar(BATTERY, k=5))
    assert "a1" not in sim and sim["a1-copy"] == pytest.approx(1.0)


def test_price_bounds_compare_in_float32_like_the_stored_prices():
    docs = [
        {"id": f"a{i}", "kind": "achievement", "title": "锂离子电池正极材料", "price_min": lo, "price_max": hi}
        for i, (lo, hi) in enumerate([(0.1, 0.3), (0.01, 0.1), (99.99, None), (None, 0.7)])
    ]
    m = Matcher(MatchConfig(today=TODAY)).fit(docs)
    for lo, hi in [(0.05, 0.1), (0.1, 0.2), (0.3, 99.99), (None, 0.01), (0.7, None)]:
        need = {"id": "n", "kind": "need", "title": "锂离子电池", "price_min": lo, "price_max": hi}
        fast, slow = _both(m, lambda: m.query(need, k=10))
        _same(fast, slow)
        assert len(set(s for _, s in fast)) > 1  # the overlaps differ, so do the scores


def test_without_numba_the_numpy_path_answers():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['numba'] = None\n"
        "from matchmaker.matching import Matcher\n"
        "from matchmaker.matching.matcher import _load_kernel\n"
        "m = Matcher().fit([{'id': 'a', 'kind': 'achievement', 'title': '锂离子电池正极材料'}])\n"
        "assert _load_kernel() is None\n"
        "assert [i for i, _ in m.query({'kind': 'need', 'description': '锂离子电池'})] == ['a']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("seed", [3, 4])
def test_document_frequency_within_a_field_agrees(seed):
    """The field idf's counts: compiled binary searches = numpy binary searches = a boolean mask."""
    _rng, docs = _corpus(seed, n=300)
    m = Matcher().fit(docs)
    corpus = m._kinds["achievement"]
    p = corpus.postings
    assert corpus.table.field_sorted
    cols = np.arange(p.n_cols_base + 3, dtype=np.int64)  # every column, and some beyond the base
    fields = corpus.table.base["field"][: p.n_base]
    for f in sorted(set(fields.tolist())):
        lo, hi = corpus._field_rows(f)
        assert (fields[lo:hi] == f).all() and hi - lo == int((fields == f).sum())
        compiled = p.df_in_rows(cols, lo, hi, _load_kernel())
        plain = p.df_in_rows(cols, lo, hi)
        masked = p.df_in_mask(cols, fields == f)
        assert compiled.tolist() == plain.tolist() == masked.tolist()
        assert compiled.sum() > 0
        compiled_idf = corpus.field_idf_of(cols, f, 100.0, _load_kernel())
        again = corpus.field_idf_of(cols, f, 100.0, _load_kernel())  # from the memo
        assert (
            np.allclose(compiled_idf, corpus.field_idf_of(cols, f, 100.0)) and again.tolist() == compiled_idf.tolist()
        )


def test_touched_rows_have_a_spare_slot():
    """_accumulate writes touched[nt] before knowing the row is new: with every row touched, nt == n."""
    from matchmaker.matching import kernel

    kernel.drop_scratch()
    acc, touched = kernel.scratch(5)
    assert len(acc) == 5 and len(touched) == 6
    docs = [dict(BATTERY, id=f"a{i}") for i in range(5)]  # one query touches every row, twice over
    m = Matcher().fit(docs)
    assert len(m.query({"kind": "need", "description": BATTERY["description"]}, k=10)) == 5
