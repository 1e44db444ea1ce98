"""The query path, compiled with numba: score the base postings, re-rank and keep the top n in one pass.

It is the matcher's only query path, and the only home of the structured re-ranking rules:
``reason_bits`` decides which reasons hold between a query and a row (one bit per code of
``config.REASONS``); the boost is the sum of their weights (``boost_of``), and the reasons a
suggestion shows are the same bits (``rerank`` for the rows shown and the rows added since the base).
For the base (CSC) postings of one kind, ``top_base``:

1. adds ``float32(weight) * value`` of the query's postings into a per-thread float64 scratch
   array the size of the base, noting each row the first time it is touched. Base rows are
   grouped by field (fit and compaction number them so), so when the query has a field it first
   takes only the postings of that field's rows (a binary search per posting list), and the others
   only if one of them could still enter the top n (their text is at most 1 and they lack the
   same_field boost);
2. walks the touched rows once (resetting the scratch as it goes), skipping dead and excluded rows,
   and pushes ``total = text * (1 + boost)`` into a heap of the best n; the boost is computed only
   for a row whose ``text * (1 + largest possible boost)`` can still enter the heap: most touched
   rows share one bigram with the query and are dropped after one multiply;
3. returns the heap best first (higher total, then lower row).

Rows added since the base was built (the delta) are scored in numpy (they are few until
``compact()``) and re-ranked by ``rerank``. The compiled code is cached next to this file
(``__pycache__``) or in ``NUMBA_CACHE_DIR``; ``warm()`` (run by ``make kernel`` before the tests,
and by ``fit``/``load``) compiles or loads every signature queries use, so no query and no test
pays the JIT (tests/matching/test_kernel.py checks it); where no cache location is writable every
process compiles once.
"""

from __future__ import annotations

import threading

import numba
import numpy as np

from .. import clock
from .config import REASONS
from .rerank import _EPOCH, HEBEI, NO_DATE, SUPPLY

# Layout of the small parameter arrays (ints, float64 weights, float32 price bounds).
(
    I_FIELD,
    I_TRL,
    I_TRL_NEED,
    I_MODES,
    I_PRICE,
    I_HEBEI,
    I_DEADLINE,
    I_TODAY,
    I_N,
    I_STRUCT,
    I_RELATIVE,
    I_FIELD_SORTED,
    I_CONST,
) = range(13)
N_INT = 13
F_B_ALL, F_B_OTHER, F_SELF = len(REASONS), len(REASONS) + 1, len(REASONS) + 2  # after one weight per reason
N_FLOAT = len(REASONS) + 3
# One bit per reason, in REASONS' order (bit i = REASONS[i]).
B_FIELD, B_TRL, B_MODE, B_OVERLAP, B_NEG, B_HEBEI, B_DEADLINE = (1 << REASONS.index(r) for r in REASONS)
_SUPPLY_A, _SUPPLY_B = SUPPLY  # compile-time constants of the kernel
REASON_FIELD = REASONS.index("same_field")


def _jit(fn):
    try:
        return numba.njit(cache=True, nogil=True, boundscheck=False)(fn)
    except RuntimeError:  # no writable cache location: compile per process
        return numba.njit(cache=False, nogil=True, boundscheck=False)(fn)


@_jit
def _worse(t1, r1, t2, r2):
    """Is (total t1, row r1) ranked after (t2, r2)? Higher total first, then lower row."""
    return t1 < t2 or (t1 == t2 and r1 > r2)


@_jit
def _swap(h_tot, h_row, h_txt, i, j):
    """Exchange heap entries i and j (total, row and text score move together)."""
    h_tot[i], h_tot[j] = h_tot[j], h_tot[i]
    h_row[i], h_row[j] = h_row[j], h_row[i]
    h_txt[i], h_txt[j] = h_txt[j], h_txt[i]


@_jit
def _sift_down(h_tot, h_row, h_txt, size, i):
    while True:
        c = 2 * i + 1
        if c >= size:
            return
        if c + 1 < size and _worse(h_tot[c + 1], h_row[c + 1], h_tot[c], h_row[c]):
            c += 1
        if not _worse(h_tot[c], h_row[c], h_tot[i], h_row[i]):
            return
        _swap(h_tot, h_row, h_txt, i, c)
        i = c


@_jit
def _sift_up(h_tot, h_row, h_txt, i):
    while i > 0:
        p = (i - 1) // 2
        if not _worse(h_tot[i], h_row[i], h_tot[p], h_row[p]):
            return
        _swap(h_tot, h_row, h_txt, i, p)
        i = p


@_jit
def _lower_bound(a, lo, hi, x):
    """First position in the sorted slice a[lo:hi] whose value is >= x (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def reason_bits(i, t_field, t_trl, t_modes, t_pmin, t_pmax, t_region, t_deadline, qi, qp):
    """The reasons that hold between the query and row ``i`` of the structured columns, one bit each.

    Every structured rule of the matcher is here and only here: the kernel's boost sums the weights
    of these bits, and the reasons a suggestion shows are these bits (``reasons``). Bits that are the
    same for every row (a negotiable query; a need's own deadline) come in ``qi[I_CONST]``.
    """
    bits = qi[I_CONST]
    q_field = qi[I_FIELD]
    if q_field >= 0 and t_field[i] == q_field:
        bits |= B_FIELD
    q_trl = qi[I_TRL]
    if q_trl > 0:
        ct = np.int64(t_trl[i])
        if ct > 0 and (ct >= q_trl if qi[I_TRL_NEED] != 0 else ct <= q_trl):
            bits |= B_TRL
    if (np.int64(t_modes[i]) & qi[I_MODES]) != 0:
        bits |= B_MODE
    if qi[I_PRICE] != 0:  # the query has a price or a budget: overlap, or the row is negotiable
        cmin, cmax = t_pmin[i], t_pmax[i]
        if np.isnan(cmin) and np.isnan(cmax):
            bits |= B_NEG
        else:
            c_lo = np.float32(-np.inf) if np.isnan(cmin) else cmin
            c_hi = np.float32(np.inf) if np.isnan(cmax) else cmax
            if c_lo <= qp[1] and qp[0] <= c_hi:
                bits |= B_OVERLAP
    hebei = qi[I_HEBEI]
    if hebei == 1:  # a need in Hebei: results from Beijing or Tianjin
        g = t_region[i]
        if g == _SUPPLY_A or g == _SUPPLY_B:
            bits |= B_HEBEI
    elif hebei == 2:  # an achievement from Beijing or Tianjin: needs in Hebei
        if t_region[i] == HEBEI:
            bits |= B_HEBEI
    if qi[I_DEADLINE] != 0:  # an achievement's query: the need's deadline has not passed
        d = t_deadline[i]
        if d != NO_DATE and d >= qi[I_TODAY]:
            bits |= B_DEADLINE
    return bits


@_jit
def boost_of(bits, qf):
    """The summed weight of the reasons in ``bits`` (in REASONS' order, always the same sum)."""
    b = 0.0
    for j in range(F_B_ALL):
        if bits >> j & 1:
            b += qf[j]
    return b


@_jit
def rerank(text, t_field, t_trl, t_modes, t_pmin, t_pmax, t_region, t_deadline, qi, qf, qp, total, bits):
    """For candidates given by their own columns (rows added since the base, or the shown ones):
    ``bits[i]`` = their reasons and ``total[i]`` = text * (1 + boost), as ``top_base`` computes them."""
    for i in range(text.shape[0]):
        b = reason_bits(i, t_field, t_trl, t_modes, t_pmin, t_pmax, t_region, t_deadline, qi, qp)
        bits[i] = b
        total[i] = text[i] * (1.0 + boost_of(b, qf))


@_jit
def _accumulate(indptr, indices, data, cols, weights, acc, touched, nt, starts, ends):
    """acc[row] += float32(weight) * value over postings starts[j]:ends[j] of each query column j.

    Rows seen for the first time are appended to ``touched`` (written unconditionally and counted
    only when new: no unpredictable branch). Returns the new count of touched rows.
    """
    for j in range(cols.shape[0]):
        w = np.float32(weights[j])
        for p in range(starts[j], ends[j]):
            r = indices[p]
            a = acc[r]
            touched[nt] = r
            nt += a == 0.0
            acc[r] = a + np.float64(data[p] * w)
    return nt


@_jit
def top_base(
    indptr,
    indices,
    data,
    cols,
    weights,
    acc,
    touched,
    dead,
    exclude,
    t_field,
    t_trl,
    t_modes,
    t_pmin,
    t_pmax,
    t_region,
    t_deadline,
    qi,
    qf,
    qp,
):
    """(rows, text, total) of the best ``qi[I_N]`` live base rows, best first (see the module doc)."""
    n_base = t_field.shape[0]
    n_cols = indptr.shape[0] - 1
    n = qi[I_N]
    structured = qi[I_STRUCT] != 0
    relative = qi[I_RELATIVE] != 0
    q_field = qi[I_FIELD]
    self_score = qf[F_SELF]
    # The largest boost a row can earn, with and without same_field (``params``).
    b_all, b_other = qf[F_B_ALL], qf[F_B_OTHER]

    # Posting ranges per query column; the text score of any row is at most the sum of the weights.
    m = cols.shape[0]
    lo = np.zeros(m, np.int64)
    hi = np.zeros(m, np.int64)
    ub_text = 0.0
    for j in range(m):
        c = cols[j]
        if c < n_cols:
            lo[j], hi[j] = indptr[c], indptr[c + 1]
            ub_text += np.float64(np.float32(weights[j]))
    # Base rows are grouped by field (fit and compaction order them so): first score the rows of
    # the query's field; the others only if one of them could still enter the top n, which
    # with a large same_field boost is rare.
    split = structured and q_field >= 0 and qf[REASON_FIELD] > 0 and qi[I_FIELD_SORTED] != 0
    f_lo, f_hi = 0, n_base
    if split:
        f_lo = _lower_bound(t_field, 0, n_base, q_field)
        f_hi = _lower_bound(t_field, f_lo, n_base, q_field + 1)
    s1, s2 = lo.copy(), hi.copy()
    if split:
        for j in range(m):
            s1[j] = _lower_bound(indices, lo[j], hi[j], f_lo)
            s2[j] = _lower_bound(indices, s1[j], hi[j], f_hi)

    h_tot = np.empty(max(n, 1), np.float64)
    h_row = np.empty(max(n, 1), np.int64)
    h_txt = np.empty(max(n, 1), np.float64)
    size = 0
    n_dead = dead.shape[0]
    for phase in range(2 if split else 1):
        if phase == 0:
            nt = _accumulate(indptr, indices, data, cols, weights, acc, touched, 0, s1, s2)
            ub_factor = 1.0 + b_all
        else:
            if size == n and ub_text * (1.0 + b_other) < h_tot[0]:
                break  # no row outside the field can reach the top n
            nt = _accumulate(indptr, indices, data, cols, weights, acc, touched, 0, lo, s1)
            nt = _accumulate(indptr, indices, data, cols, weights, acc, touched, nt, s2, hi)
            ub_factor = 1.0 + b_other
        for i in range(nt):
            r = touched[i]
            t = acc[r]
            acc[r] = 0.0
            if n == 0:
                continue
            if relative:
                t = min(t / self_score, 1.0)
            if size == n and (t * ub_factor if structured else t) < h_tot[0]:
                continue
            if n_dead and dead[r]:
                continue
            skip = False
            for e in range(exclude.shape[0]):
                if exclude[e] == r:
                    skip = True
            if skip:
                continue
            total = t
            if structured:
                bits = reason_bits(r, t_field, t_trl, t_modes, t_pmin, t_pmax, t_region, t_deadline, qi, qp)
                total = t * (1.0 + boost_of(bits, qf))
            if size < n:
                h_tot[size], h_row[size], h_txt[size] = total, r, t
                _sift_up(h_tot, h_row, h_txt, size)
                size += 1
            elif _worse(h_tot[0], h_row[0], total, r):
                h_tot[0], h_row[0], h_txt[0] = total, r, t
                _sift_down(h_tot, h_row, h_txt, size, 0)

    rows = np.empty(size, np.int64)
    text = np.empty(size, np.float64)
    tot = np.empty(size, np.float64)
    for i in range(size - 1, -1, -1):  # pop the worst into the last free slot
        rows[i], text[i], tot[i] = h_row[0], h_txt[0], h_tot[0]
        h_tot[0], h_row[0], h_txt[0] = h_tot[i], h_row[i], h_txt[i]
        _sift_down(h_tot, h_row, h_txt, i, 0)
    return rows, text, tot


_local = threading.local()


def scratch(n: int) -> tuple[np.ndarray, np.ndarray]:
    """This thread's (accumulator, touched rows) of at least n rows; the accumulator is all zeros.

    ``touched`` has one slot more than rows: ``_accumulate`` writes the next slot before it knows
    whether the row is new, so once every row was touched it writes at index n (out of bounds, with
    bounds checks off, it corrupted the heap: "free(): invalid pointer" at exit on small pools).
    """
    s = getattr(_local, "s", None)
    if s is None or len(s[0]) < n:
        s = _local.s = (np.zeros(max(n, 1), np.float64), np.empty(max(n, 1) + 1, np.int32))
    return s


def drop_scratch() -> None:
    """Forget this thread's scratch (after an interrupted call might have left it dirty)."""
    _local.s = None


@_jit
def df_in_rows(indptr, indices, cols, lo, hi, out):
    """Per column: how many of its base postings fall in rows [lo, hi) (indices sorted per column)."""
    n_cols = indptr.shape[0] - 1
    for j in range(cols.shape[0]):
        c = cols[j]
        if c >= n_cols:
            out[j] = 0
            continue
        seg = indices[indptr[c] : indptr[c + 1]]
        out[j] = np.searchsorted(seg, hi) - np.searchsorted(seg, lo)


@_jit
def _smoothed(df, n, idf, prior):
    """-log((df_field + prior e^-idf) / (n_field + prior)); 0 where the global idf is (a dropped bigram)."""
    if idf <= 0:
        return 0.0
    return -np.log((df + prior * np.exp(-idf)) / (n + prior))


@_jit
def field_idf(indptr, indices, cols, idf, lo, hi, prior, out):
    """``Corpus.field_idf_of`` in one call: the idf of each column among base rows [lo, hi), smoothed
    toward the global ``idf`` by ``prior`` postings (``_smoothed``)."""
    n_cols = indptr.shape[0] - 1
    for j in range(cols.shape[0]):
        c = cols[j]
        df = 0
        if c < n_cols and idf[j] > 0:
            seg = indices[indptr[c] : indptr[c + 1]]
            df = np.searchsorted(seg, hi) - np.searchsorted(seg, lo)
        out[j] = _smoothed(df, hi - lo, idf[j], prior)


@_jit
def smoothed_idf(df, n, idf, prior, out):
    """``_smoothed`` over arrays, for a base whose rows are not grouped by field (counts from a mask)."""
    for j in range(df.shape[0]):
        out[j] = _smoothed(df[j], n, idf[j], prior)


def readonly(a: np.ndarray) -> np.ndarray:
    """A plain read-only ndarray view (one compiled signature for fitted and memory-mapped indexes)."""
    v = np.asarray(a).view(np.ndarray)
    v.flags.writeable = False
    return v


def warm() -> None:
    """Compile (or load from the cache) the kernel with the argument types queries use."""
    if getattr(warm, "done", False):
        return
    from .rerank import COLUMNS

    indptr = readonly(np.array([0, 2, 3], np.int64))
    indices = readonly(np.array([0, 1, 1], np.int32))
    data = readonly(np.array([0.5, 0.25, 0.5], np.float32))
    table = [readonly(np.zeros(2, t)) for t, _ in COLUMNS.values()]
    acc, touched = scratch(2)
    qi = np.zeros(N_INT, np.int64)
    qi[I_N], qi[I_STRUCT], qi[I_FIELD] = 1, 1, 0
    qf = np.zeros(N_FLOAT, np.float64)
    qf[F_SELF] = 1.0
    top_base(
        indptr,
        indices,
        data,
        np.array([0, 1], np.int64),
        np.array([0.5, 0.5]),
        acc,
        touched,
        np.zeros(0, np.bool_),
        np.zeros(0, np.int64),
        *table,
        qi,
        qf,
        np.zeros(2, np.float32),
    )
    df_in_rows(indptr, indices, np.array([0, 5], np.int64), 0, 2, np.zeros(2, np.int64))
    field_idf(indptr, indices, np.array([0, 5], np.int64), np.ones(2), 0, 2, 100.0, np.zeros(2))
    smoothed_idf(np.zeros(2, np.int64), 2, np.ones(2), 100.0, np.zeros(2))
    taken = [np.zeros(2, t) for t, _ in COLUMNS.values()]  # Table.take: plain writable arrays
    rerank(np.ones(2), *taken, qi, qf, np.zeros(2, np.float32), np.zeros(2), np.zeros(2, np.int64))
    warm.done = True


def params(cfg, q: dict | None, q_kind: str, n: int, self_score: float = 0.0, field_sorted: bool = False):
    """The query's part of the kernel's arguments: (ints, float64 weights, float32 price bounds).

    ``q`` is the encoded query row (``rerank.encode``), or None for text-only ranking; a positive
    ``self_score`` divides the text score and caps it at 1 (``Matcher.similar``). What the query
    says to ``reason_bits``, the weights of the reasons in REASONS' order, and the largest boost a
    row can earn with and without same_field (summed in ``boost_of``'s order: an upper bound that
    holds in floating point too, since rounding is monotone).
    """
    relative = self_score > 0
    self_w = self_score if relative else 1.0
    if q is None:
        qi = [-1, 0, 0, 0, 0, 0, 0, 0, n, 0, int(relative), int(field_sorted), 0]
        qf = [0.0] * (N_FLOAT - 1) + [self_w]
        return np.array(qi, np.int64), np.array(qf, np.float64), np.array((-np.inf, np.inf), np.float32)
    w = _weights(cfg)
    need = q_kind == "need"
    today = (cfg.today or clock.today()).toordinal() - _EPOCH
    qmin, qmax = float(q["pmin"]), float(q["pmax"])
    const, has_price, qp = 0, 1, (-np.inf, np.inf)
    if qmin != qmin and qmax != qmax:  # both NaN: the query is negotiable, so is every candidate
        const |= B_NEG
        has_price = 0
    else:
        qp = (-np.inf if qmin != qmin else qmin, np.inf if qmax != qmax else qmax)
    region, deadline = q["region"], q["deadline"]
    hebei = 1 if need and region == HEBEI else 2 if not need and region in SUPPLY else 0
    if need and deadline != NO_DATE and deadline >= today:
        const |= B_DEADLINE
    qi = [int(q["field"]), int(q["trl"]), int(need), int(q["modes"]), has_price, hebei, int(not need), today]
    qi += [n, 1, int(relative), int(field_sorted), const]
    possible = const | (B_FIELD if qi[I_FIELD] >= 0 else 0) | (B_TRL if qi[I_TRL] > 0 else 0)
    possible |= (B_MODE if qi[I_MODES] else 0) | (B_OVERLAP | B_NEG if has_price else 0)
    possible |= (B_HEBEI if hebei else 0) | (B_DEADLINE if not need else 0)
    qf = [*w, *_bounds(cfg, possible), self_w]
    return np.array(qi, np.int64), np.array(qf, np.float64), np.array(qp, np.float32)


def reasons(bits: int) -> list[str]:
    """The reason codes of ``bits`` (``reason_bits``), in REASONS' order."""
    return [r for j, r in enumerate(REASONS) if bits >> j & 1]


_WEIGHTS: dict = {}
_BOUNDS: dict = {}


def _bounds(cfg, possible: int) -> tuple[float, float]:
    """The largest boost with and without same_field when the reasons in ``possible`` can hold."""
    key = (id(cfg), possible)
    hit = _BOUNDS.get(key)
    if hit is None or hit[0] is not cfg:
        b_all = b_other = 0.0
        for j, weight in enumerate(_weights(cfg)):
            if possible >> j & 1:
                b_all += max(weight, 0.0)
                if j != REASON_FIELD:
                    b_other += max(weight, 0.0)
        if len(_BOUNDS) > 1024:
            _BOUNDS.clear()
        hit = _BOUNDS[key] = (cfg, b_all, b_other)
    return hit[1], hit[2]


def _weights(cfg) -> list[float]:
    """The boost weights of ``cfg`` in REASONS' order (the config is frozen: computed once per config)."""
    key = id(cfg)
    hit = _WEIGHTS.get(key)
    if hit is None or hit[0] is not cfg:
        hit = _WEIGHTS[key] = (cfg, [cfg.boost(r) for r in REASONS])
        if len(_WEIGHTS) > 64:
            _WEIGHTS.clear()
            _WEIGHTS[key] = hit
    return hit[1]
