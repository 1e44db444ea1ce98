"""The compiled query kernel (numba), the only query path: the same top n as a brute-force sort, on random corpora."""

import random
from datetime import date

import numpy as np
import pytest
from conftest import BATTERY

from matchmaker.matching import REASONS, MatchConfig, Matcher
from matchmaker.matching.matcher import _load_kernel

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


def _price(v):
    return np.float32(np.nan if v is None else v)


def expected_reasons(q: dict, c: dict) -> list[str]:
    """The reasons of a candidate, read from the two raw docs: the matcher's rules as a spec."""
    need = q["kind"] == "need"
    held = set()
    if q.get("field") and q.get("field") == c.get("field"):
        held.add("same_field")
    q_trl = q.get("min_trl" if need else "trl") or 0
    c_trl = c.get("trl" if need else "min_trl") or 0
    if q_trl > 0 and c_trl > 0 and (c_trl >= q_trl if need else c_trl <= q_trl):
        held.add("trl_ok")
    if set(q.get("transfer_modes") or ()) & set(c.get("transfer_modes") or ()):
        held.add("mode_match")
    qmin, qmax = _price(q.get("price_min")), _price(q.get("price_max"))
    cmin, cmax = _price(c.get("price_min")), _price(c.get("price_max"))
    if np.isnan(qmin) and np.isnan(qmax) or np.isnan(cmin) and np.isnan(cmax):
        held.add("price_negotiable")
    else:
        lo, hi = (-np.inf if np.isnan(qmin) else qmin), (np.inf if np.isnan(qmax) else qmax)
        if (-np.inf if np.isnan(cmin) else cmin) <= hi and lo <= (np.inf if np.isnan(cmax) else cmax):
            held.add("price_overlap")
    if need and q.get("region") == "hebei" and c.get("region") in ("beijing", "tianjin"):
        held.add("to_hebei")
    if not need and q.get("region") in ("beijing", "tianjin") and c.get("region") == "hebei":
        held.add("to_hebei")
    deadline = q.get("deadline") if need else c.get("deadline")
    if deadline and date.fromisoformat(deadline) >= TODAY:
        held.add("deadline_ok")
    return [r for r in REASONS if r in held]


def brute_force(m, docs: dict, q: dict, kind: str, k: int, offset=0, exclude=(), structured=True):
    """Every live row sharing a term, scored by the same sums, boosted by ``expected_reasons``, fully sorted."""
    corpus = m._kinds[kind]
    cols, names = m._terms(q)
    field = m._field_id(q.get("field")) if structured else -1
    w = m._weights(cols, len(names), corpus, field)
    cols, w = cols[w > 0], w[w > 0]
    p = corpus.postings
    acc = np.zeros(p.n_rows)
    for c, wt in zip(cols.tolist(), w.tolist()):
        if c < p.n_cols_base:
            a, b = int(p.indptr[c]), int(p.indptr[c + 1])
            acc[p.indices[a:b]] += (p.data[a:b] * np.float32(wt)).astype(np.float64)
    d_rows, d_text = p.score_delta(cols, w)
    acc[d_rows] = d_text
    if len(p.dead_mask):
        acc[: p.n_base][p.dead_mask] = 0.0
    for x in exclude:
        r = corpus.row_of(x)
        if r is not None:
            acc[r] = 0.0
    ranked = []
    for r in np.flatnonzero(acc > 0).tolist():
        cand = docs[corpus.id_at(r)]
        b = 0.0
        for reason in expected_reasons(dict(q, kind=q.get("kind", "need")), cand) if structured else ():
            b += m.config.boost(reason)
        ranked.append((-(acc[r] * (1.0 + b)), r))
    ranked.sort()
    return [(corpus.id_at(r), -t) for t, r in ranked[offset : offset + k]]


def _same(got, expect):
    assert [g[0] for g in got] == [e[0] for e in expect]
    assert [g[1] for g in got] == pytest.approx([e[1] for e in expect], rel=1e-12, abs=1e-15)


def _check_all(m, docs, queries):
    for q in queries:
        other = "achievement" if q["kind"] == "need" else "need"
        for k in (1, 3, 10, 200):
            _same(m.query(q, k=k), brute_force(m, docs, q, other, k))
        drop = [q["id"], "a3", "n5"]
        ranked = m.rank(q, k=7, exclude=drop)
        _same([(i, score) for i, score, _text in ranked], brute_force(m, docs, q, other, 7, exclude=drop))
        suggestions = m.suggest(q, k=7, exclude=drop)  # the same, less those sharing no word worth showing
        assert [(s.id, s.score, s.text_score) for s in suggestions] == [
            x for x in ranked if x[0] in docs and any(s.id == x[0] for s in suggestions)
        ]
        for s in suggestions:  # a reason is shown iff its boost was applied
            assert s.reasons == expected_reasons(q, docs[s.id])
            assert s.score == s.text_score * (1.0 + sum(m.config.boost(r) for r in s.reasons))
        text = q["description"]
        for kind in ("achievement", "need"):
            for k, off in ((1000, 0), (5, 0), (5, 3), (7, 11)):
                got = m.search(text, kind, k=k, offset=off)
                _same(got, brute_force(m, docs, {"description": text}, kind, k, off, structured=False))


@pytest.mark.parametrize("seed", range(6))
def test_kernel_ranks_like_a_brute_force_sort(seed):
    """The heap, the field split, the upper bounds, tombstones, excludes, offsets and the rows added
    since the base: the compiled top n is the full sort's, and each reason shown is the one that was boosted."""
    rng, docs = _corpus(seed)
    cfg = MatchConfig(today=TODAY, max_df_min_docs=50, max_df=0.3) if seed % 2 else MatchConfig(today=TODAY)
    if seed == 3:  # no field boost (no split by field), and a negative boost
        cfg = MatchConfig(today=TODAY, same_field=0.0, price_overlap=-0.5)
    m = Matcher(cfg).fit(docs)
    live = {d["id"]: d for d in docs}
    queries = rng.sample(docs, 12)
    _check_all(m, live, queries)

    for d in rng.sample(docs, 15):  # tombstones in the base
        m.remove(d["id"])
        live.pop(d["id"])
    for i in range(20):  # a delta: new rows, some replacing base rows, some new words
        kind = rng.choice(["achievement", "need"])
        d = _doc(rng, 1000 + i, kind) if i % 3 else dict(rng.choice(docs), description=_text(rng, 2) + "新词甲乙")
        m.add(d)
        live[d["id"]] = d
        if i % 7 == 0:
            m.add(dict(d, id=f"dd{i}"))  # a delta duplicate
            live[f"dd{i}"] = dict(d, id=f"dd{i}")
    m.remove("a1000")
    live.pop("a1000", None)
    _check_all(m, live, queries + [_doc(rng, 5000, "need"), _doc(rng, 5001, "achievement")])

    m.compact()  # rows regrouped by field
    assert all(c.table.field_sorted for c in m._kinds.values())
    _check_all(m, live, queries)


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
    by_id = {d["id"]: d for d in docs}
    for lo, hi in [(0.05, 0.1), (0.1, 0.2), (0.3, 99.99), (None, 0.01), (0.7, None)]:
        need = {"id": "n", "kind": "need", "title": "锂离子电池", "price_min": lo, "price_max": hi}
        got = m.query(need, k=10)
        _same(got, brute_force(m, by_id, need, "achievement", 10))
        assert len(set(s for _, s in got)) > 1  # the overlaps differ, so do the scores


@pytest.mark.parametrize("seed", [3, 4])
def test_document_frequency_within_a_field_agrees(seed):
    """The field idf: compiled binary searches in the field's rows = counts over a boolean mask."""
    _rng, docs = _corpus(seed, n=300)
    m = Matcher().fit(docs)
    corpus = m._kinds["achievement"]
    p = corpus.postings
    kern = _load_kernel()
    assert corpus.table.field_sorted
    cols = np.arange(p.n_cols_base + 3, dtype=np.int64)  # every column, and some beyond the base
    fields = corpus.table.base["field"][: p.n_base]
    indptr, indices, _data = p.kernel_arrays()
    for f in sorted(set(fields.tolist())):
        lo, hi = corpus._field_rows(f)
        assert (fields[lo:hi] == f).all() and hi - lo == int((fields == f).sum())
        compiled = np.zeros(len(cols), np.int64)
        kern.df_in_rows(indptr, indices, cols, lo, hi, compiled)
        masked = p.df_in_mask(cols, fields == f)
        assert compiled.tolist() == masked.tolist() and compiled.sum() > 0
        if f < 0:  # postings without a field: a query without one weighs by the global idf
            continue
        grouped = corpus.field_idf_of(cols, f, 100.0)
        again = corpus.field_idf_of(cols, f, 100.0)  # from the memo
        corpus.table._field_sorted = False  # as if the rows were not grouped: counts from the mask
        assert np.allclose(grouped, corpus.field_idf_of(cols, f, 100.0)) and again.tolist() == grouped.tolist()
        corpus.table._field_sorted = True
        idf = corpus.idf_of(cols).astype(np.float64)
        n_f = hi - lo
        expect = np.where(idf > 0, -np.log((masked + 100.0 * np.exp(-idf)) / (n_f + 100.0)), 0.0)
        assert np.allclose(grouped, expect)


def test_touched_rows_have_a_spare_slot():
    """_accumulate writes touched[nt] before knowing the row is new: with every row touched, nt == n."""
    from matchmaker.matching import kernel

    kernel.drop_scratch()
    acc, touched = kernel.scratch(5)
    assert len(acc) == 5 and len(touched) == 6
    docs = [dict(BATTERY, id=f"a{i}") for i in range(5)]  # one query touches every row, twice over
    m = Matcher().fit(docs)
    assert len(m.query({"kind": "need", "description": BATTERY["description"]}, k=10)) == 5


WORKLOAD = """
import numba, tempfile
from matchmaker.matching import kernel, MatchConfig, Matcher
from matchmaker.matching.matcher import _load_kernel
_load_kernel()  # what `make kernel` runs before the tests
entry = {n: f for n, f in vars(kernel).items() if isinstance(f, numba.core.registry.CPUDispatcher)}
warmed = {n: set(f.signatures) for n, f in entry.items()}
missed = {n: f.stats.cache_misses for n, f in entry.items() if f.stats.cache_misses}
docs = [
    {"id": f"a{i}", "kind": "achievement", "title": "锂离子电池正极材料" * (i % 3 + 1), "field": "materials",
     "region": "beijing", "trl": 5, "transfer_modes": ["license"], "price_min": 10.0 * i}
    for i in range(30)
]
need = {"id": "n", "kind": "need", "description": "锂电池正极", "field": "materials", "region": "hebei",
        "min_trl": 3, "transfer_modes": ["license"], "price_max": 50.0, "deadline": "2099-01-01"}
m = Matcher(MatchConfig()).fit(docs + [need])
m.add(dict(docs[0], id="new"))
m.remove("a1")
for mm in (m, None):
    if mm is None:
        d = tempfile.mkdtemp()
        m.save(d)
        mm = Matcher.load(d, mmap=True)
        mm.add(dict(need, id="n2"))
    mm.query(need), mm.suggest(need), mm.rank(need), mm.similar(docs[2]), mm.suggest(docs[3])
    mm.search("电池", "achievement", k=1000), mm.search("电池", "need", k=5, offset=2)
new = {n: set(f.signatures) - warmed[n] for n, f in entry.items() if set(f.signatures) - warmed[n]}
assert not new, f"compiled during queries, not by warm(): {new}"
print("cache misses in warm():", missed)
"""


def test_no_query_compiles_what_warm_did_not():
    """`make kernel` runs warm() before the tests: every signature a query, a suggestion, a search, an
    added posting or a memory-mapped index uses is compiled (or loaded from the cache) there, never
    inside a test's or a request's own time."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", WORKLOAD], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "cache misses in warm(): {}" in out.stdout  # loaded from numba's cache, not compiled again
