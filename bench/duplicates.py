"""Near-duplicate threshold for the admin's duplicate flag (issue #15), on a labelled set of posting pairs.

    .venv/bin/python bench/duplicates.py                 # ~20 s
    .venv/bin/python bench/duplicates.py --json out.json # also write the sweep and the choice

**The set** (`bench/data/duplicates.jsonl`, one pair a line) was written for this project, in
Simplified Chinese, from the demo postings in `matchmaker/demo/achievements_*.py` and `needs_*.py`;
everything in it is fictional. Each line is `{"id", "label", "kind", "level", "a", "b", "a_source",
"b_source", "note"}`; `a` and `b` carry the demo rows' posting fields (title, field, keywords, org,
the achievement's summary/description/advantages/applications/trl/price_min/price_max/transfer_modes
or the need's problem/key_points/goals/min_trl/budget_min/budget_max/modes/deadline).

* `duplicate`: `a` is a demo posting copied as is (`a_source` is its title); `b` is the same posting
  as another person of the same organization would re-post it months later: new title, sentences
  reordered and reworded, synonyms, figures rounded or written otherwise (毫克每立方米 → mg/m³,
  300千克 → 600斤, 0.3% → 千分之三), a keyword or two changed, a sentence added or dropped, but the
  same plant or technology, the same figures and the same targets. `level` says how far the rewrite
  goes: `light` (a few words), `medium` (most sentences reworded), `heavy` (rewritten from scratch,
  some of them cut to the core facts).
* `distinct`: two different postings on the same topic that an admin must not merge: same field and
  overlapping keywords, but another problem, process step, product, plant or target (the same firm's
  blast furnace cast-house dust vs its gas-cleaning bags; wet-to-dry conversion at another firm's
  furnace; steel slag as aggregate vs as binder; PEM vs alkaline electrolysers). One side is usually a
  demo posting (`a_source` / `b_source` give its title); the other was written for the set. `level`
  `hard` marks pairs with heavy word overlap (same firm and plant, or the same target reached by
  another technology).

The labels were written first and never tuned to the matcher's scores.

**The measure**: for each pair, one `Matcher` is fitted on a background pool (all 100 demo postings
of `matchmaker.demo.data`, as `match_index.to_doc` builds them, minus the demo postings that are `a`
or `b` of the pair) plus `a`, and `b` is scored with `Matcher.similar(b, k=5)`: `a`'s score (0 when
not in the top 5) and whether `a` is the top hit. A pair is flagged at threshold t when `a` is the top
hit and its score ≥ t. The sweep runs t = 0.20 … 0.95; the chosen threshold is the one with the highest
recall among those with precision ≥ 0.9 and recall ≥ 0.9 (then the highest precision, then the middle
of the run of equal thresholds). "Background" counts, at the chosen threshold, how many other pool
postings `b` would also be flagged against, and how many demo postings would be flagged against
another demo posting (the demo data holds no duplicates, so every such flag is a false alarm).

**Alternatives** (the second part of the output): simple signals computed from the two docs alone
(character bigram / trigram Jaccard, title+keywords bigram Jaccard, share of numbers) and their
combinations with the matcher's score, with weights and threshold chosen on one half of the pairs
(md5 of the id) and scored on the other, both ways.

Prints `SKIP: …` and exits 0 when the data file is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "duplicates.jsonl"
sys.path.insert(0, str(ROOT))

from matchmaker.demo.data import ACHIEVEMENTS, NEEDS  # noqa: E402
from matchmaker.demo.orgs import ORGANIZATIONS  # noqa: E402
from matchmaker.matching import Matcher  # noqa: E402

K = 5
THRESHOLDS = [round(0.20 + 0.01 * i, 2) for i in range(76)]  # 0.20 .. 0.95
TARGET_P, TARGET_R = 0.9, 0.9
REGION = {o["key"]: o["region"] for o in ORGANIZATIONS}
CURRENT = 0.8  # matchmaker.services.curation.DUPLICATE_SIMILARITY when this was written


def _money(v):
    return None if v is None else float(v)


def to_doc(p: dict, kind: str, doc_id: str) -> dict:
    """A posting row (demo or pair side) as the matcher's plain dict, as ``match_index.to_doc`` builds it."""
    doc = {
        "id": doc_id, "kind": kind, "title": p["title"], "keywords": list(p.get("keywords") or []),
        "field": p.get("field"), "transfer_modes": list(p.get("transfer_modes") or p.get("modes") or []),
        "region": p.get("region") or REGION.get(p.get("org")),
    }
    if kind == "achievement":
        doc.update(summary=p.get("summary"), description=p.get("description"), advantages=p.get("advantages"),
                   applications=p.get("applications") or "", trl=p.get("trl"),
                   price_min=_money(p.get("price_min")), price_max=_money(p.get("price_max")))
    else:
        doc.update(problem=p.get("problem"), key_points=p.get("key_points"), goals=p.get("goals"),
                   description="\n".join(t for t in (p.get("problem"), p.get("key_points"), p.get("goals")) if t),
                   min_trl=p.get("min_trl"), price_min=_money(p.get("budget_min")),
                   price_max=_money(p.get("budget_max")), deadline=p.get("deadline"))
    return doc


def demo_pool() -> list[tuple[str, dict]]:
    """(title, doc) for every demo posting, whatever its status (the pool the pairs are scored in)."""
    out = [(r["title"], to_doc(r, "achievement", f"demo-a{i:02d}")) for i, r in enumerate(ACHIEVEMENTS)]
    out += [(r["title"], to_doc(r, "need", f"demo-n{i:02d}")) for i, r in enumerate(NEEDS)]
    return out


def read_pairs(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_pairs(pairs: list[dict], pool: list[tuple[str, dict]]) -> list[dict]:
    """One fit per pair: pool minus the pair's demo sources, plus a; then similar(b)."""
    out = []
    for p in pairs:
        kind = p["kind"]
        skip = {p.get("a_source"), p.get("b_source")} - {None}
        a_doc, b_doc = to_doc(p["a"], kind, f"{p['id']}-a"), to_doc(p["b"], kind, f"{p['id']}-b")
        docs = [d for t, d in pool if t not in skip] + [a_doc]
        m = Matcher().fit(docs)
        hits = m.similar(b_doc, k=K)
        score = next((s for i, s in hits if i == a_doc["id"]), 0.0)
        rank = next((r for r, (i, _) in enumerate(hits, 1) if i == a_doc["id"]), None)
        others = [(i, s) for i, s in hits if i != a_doc["id"]]
        out.append({**{k: p[k] for k in ("id", "label", "kind", "level", "note")},
                    "score": float(score), "rank": rank, "top": rank == 1,
                    "best_other": others[0] if others else (None, 0.0),
                    "other_scores": [float(s) for _, s in others]})
    return out


def counts(rows, t, key="score", need_top=True):
    tp = fp = fn = tn = 0
    for r in rows:
        flagged = (r["top"] or not need_top) and r[key] >= t
        dup = r["label"] == "duplicate"
        tp += dup and flagged
        fp += (not dup) and flagged
        fn += dup and not flagged
        tn += (not dup) and not flagged
    return tp, fp, fn, tn


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else 0.0
    return p, r, f


def sweep(rows, key="score", need_top=True, thresholds=THRESHOLDS):
    out = []
    for t in thresholds:
        tp, fp, fn, tn = counts(rows, t, key, need_top)
        p, r, f = prf(tp, fp, fn)
        out.append({"threshold": t, "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "tn": tn})
    return out


def choose(table):
    """(row, met): highest recall with P and R on target (then highest P, then the middle of the run);
    else the best F1 (ties: the middle of the run)."""
    ok = [r for r in table if r["precision"] >= TARGET_P and r["recall"] >= TARGET_R]
    if ok:
        best = max((r["recall"], r["precision"]) for r in ok)
        run = [r for r in ok if (r["recall"], r["precision"]) == best]
        return run[len(run) // 2], True
    best = max(r["f1"] for r in table)
    run = [r for r in table if r["f1"] == best]
    return run[len(run) // 2], False


def fmt(x, d=3):
    return "  –  " if x != x else f"{x:.{d}f}"


def print_table(table, mark=None, around=None):
    print("| threshold | precision | recall | F1 | TP | FP | FN | TN |")
    print("|---|---|---|---|---|---|---|---|")
    for r in table:
        if around is not None and abs(r["threshold"] - around) > 0.105:
            continue
        star = " ◀" if mark is not None and r["threshold"] == mark else ""
        print(f"| {r['threshold']:.2f}{star} | {fmt(r['precision'])} | {fmt(r['recall'])} | {fmt(r['f1'])} "
              f"| {r['tp']} | {r['fp']} | {r['fn']} | {r['tn']} |")


def background(pool, t) -> tuple[int, int, list]:
    """Demo postings whose best other demo posting of the same kind scores ≥ t (all false alarms)."""
    m = Matcher().fit([d for _, d in pool])
    flagged, best = 0, []
    for title, d in pool:
        hits = m.similar(d, k=1)
        if hits:
            best.append((hits[0][1], title, m.get(hits[0][0])["title"]))
            flagged += hits[0][1] >= t
    best.sort(reverse=True)
    return flagged, len(pool), best[:5]


# -- simple signals from the two docs alone -----------------------------------------------------
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_NUM = re.compile(r"\d+(?:\.\d+)?")


def _text(p: dict, kind: str, fields=None) -> str:
    if fields is None:
        fields = ("title", "summary", "description", "advantages", "applications") if kind == "achievement" \
            else ("title", "problem", "key_points", "goals")
    parts = [p.get(f) or "" for f in fields]
    if "title" in fields:
        parts += list(p.get("keywords") or [])
    s = unicodedata.normalize("NFKC", "\n".join(parts)).lower()
    return s


def _grams(s: str, n: int) -> set:
    chars = "".join(c if _KEEP.match(c) else "\n" for c in s)
    out = set()
    for chunk in chars.split("\n"):
        out.update(chunk[i:i + n] for i in range(len(chunk) - n + 1))
    return out


def _jac(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def _numbers(s: str) -> set:
    return {float(x) for x in _NUM.findall(s)}


def signals(p: dict) -> dict:
    kind, a, b = p["kind"], p["a"], p["b"]
    ta, tb = _text(a, kind), _text(b, kind)
    ka, kb = _text(a, kind, ("title",)), _text(b, kind, ("title",))
    na, nb = _numbers(ta), _numbers(tb)
    return {
        "char2": _jac(_grams(ta, 2), _grams(tb, 2)),
        "char3": _jac(_grams(ta, 3), _grams(tb, 3)),
        "title_kw2": _jac(_grams(ka, 2), _grams(kb, 2)),
        "numbers": len(na & nb) / min(len(na), len(nb)) if na and nb else 0.0,
    }


def halves(rows):
    h = {r["id"]: int(hashlib.md5(r["id"].encode()).hexdigest(), 16) % 2 for r in rows}
    return [r for r in rows if h[r["id"]] == 0], [r for r in rows if h[r["id"]] == 1]


def fit_threshold(rows, key, need_top):
    """The threshold chosen on these rows (same rule as the main choice), on a 0.005 grid."""
    grid = [round(0.005 * i, 3) for i in range(0, 201)]
    row, met = choose(sweep(rows, key, need_top, grid))
    return row["threshold"], met


def evaluate(rows, key, t, need_top):
    tp, fp, fn, tn = counts(rows, t, key, need_top)
    return prf(tp, fp, fn) + (tp, fp, fn, tn)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="write the sweep and the choice as JSON to this path")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"SKIP: labelled pairs not found at {args.data}")
        return 0
    t0 = time.perf_counter()
    pairs = read_pairs(args.data)
    pool = demo_pool()
    rows = score_pairs(pairs, pool)
    elapsed = time.perf_counter() - t0
    n = {(lab, kind): sum(1 for r in rows if r["label"] == lab and r["kind"] == kind)
         for lab in ("duplicate", "distinct") for kind in ("need", "achievement")}
    print(f"# Duplicate threshold on {len(rows)} labelled pairs ({args.data.name})\n")
    print(f"duplicate: {n['duplicate', 'need']} needs + {n['duplicate', 'achievement']} achievements; "
          f"distinct: {n['distinct', 'need']} needs + {n['distinct', 'achievement']} achievements. "
          f"Pool: {len(pool)} demo postings (+ a, minus the pair's demo sources), one fit per pair; "
          f"Matcher.similar(b, k={K}); {elapsed:.1f} s.\n")
    top_rate = {lab: sum(r["top"] for r in rows if r["label"] == lab) / max(1, sum(r["label"] == lab for r in rows))
                for lab in ("duplicate", "distinct")}
    print(f"a is b's top hit: {top_rate['duplicate']:.0%} of duplicate pairs, {top_rate['distinct']:.0%} of "
          f"distinct pairs (the others are never flagged).\n")

    table = sweep(rows)
    chosen, met = choose(table)
    t = chosen["threshold"]
    print("## Sweep (flagged = a is the top hit and its score ≥ threshold)\n")
    print_table(table, mark=t)
    run = [r["threshold"] for r in table if (r["precision"], r["recall"]) == (chosen["precision"], chosen["recall"])]
    print()
    if met:
        print(f"**Chosen threshold {t:.2f}**: precision {chosen['precision']:.3f}, recall {chosen['recall']:.3f}, "
              f"F1 {chosen['f1']:.3f} (TP {chosen['tp']}, FP {chosen['fp']}, FN {chosen['fn']}, TN {chosen['tn']}); "
              f"the same figures hold from {min(run):.2f} to {max(run):.2f}.")
    else:
        print(f"**Targets not met** (precision ≥ {TARGET_P} and recall ≥ {TARGET_R} at no threshold). Best F1 at "
              f"{t:.2f}: precision {fmt(chosen['precision'])}, recall {fmt(chosen['recall'])}, F1 {chosen['f1']:.3f} "
              f"(TP {chosen['tp']}, FP {chosen['fp']}, FN {chosen['fn']}, TN {chosen['tn']}).")
    cur = next(r for r in table if r["threshold"] == CURRENT)
    print(f"At the current {CURRENT:.2f}: precision {fmt(cur['precision'])}, recall {fmt(cur['recall'])} "
          f"(TP {cur['tp']}, FP {cur['fp']}).\n")

    print(f"### At {t:.2f}, per kind and level\n")
    print("| subset | pairs | precision | recall | F1 | TP | FP | FN | TN |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, sub in [("need", [r for r in rows if r["kind"] == "need"]),
                      ("achievement", [r for r in rows if r["kind"] == "achievement"])]:
        tp, fp, fn, tn = counts(sub, t)
        p, r_, f = prf(tp, fp, fn)
        print(f"| {name} | {len(sub)} | {fmt(p)} | {fmt(r_)} | {fmt(f)} | {tp} | {fp} | {fn} | {tn} |")
    for level in ("light", "medium", "heavy"):
        sub = [r for r in rows if r["label"] == "duplicate" and r["level"] == level]
        tp, fp, fn, tn = counts(sub, t)
        print(f"| duplicate, {level} | {len(sub)} | – | {fmt(tp / len(sub) if sub else float('nan'))} | – "
              f"| {tp} | – | {fn} | – |")
    for level in ("medium", "hard"):
        sub = [r for r in rows if r["label"] == "distinct" and r["level"] == level]
        tp, fp, fn, tn = counts(sub, t)
        print(f"| distinct, {level} | {len(sub)} | – | – | – | – | {fp} | – | {tn} |")
    print()

    misses = sorted([r for r in rows if r["label"] == "duplicate"], key=lambda r: (r["top"] and r["score"], r["score"]))
    alarms = sorted([r for r in rows if r["label"] == "distinct"], key=lambda r: -(r["score"] if r["top"] else 0))
    print("### Hardest duplicates (lowest scores)\n")
    for r in misses[:5]:
        state = "flagged" if r["top"] and r["score"] >= t else "missed"
        bo = r["best_other"]
        print(f"- {r['id']} ({r['kind']}, {r['level']}): a {r['score']:.3f}, rank {r['rank']}, best other "
              f"{bo[1]:.3f}, {state}. {r['note']}")
    print("\n### Hardest distinct pairs (highest scores)\n")
    for r in alarms[:5]:
        state = "false alarm" if r["top"] and r["score"] >= t else "not flagged"
        print(f"- {r['id']} ({r['kind']}, {r['level']}): a {r['score']:.3f}, rank {r['rank']}, {state}. {r['note']}")
    print()

    other = sum(1 for r in rows for s in r["other_scores"] if s >= t)
    bg_flagged, bg_n, bg_best = background(pool, t)
    print(f"Background at {t:.2f}: {other} other pool postings score ≥ {t:.2f} against some b "
          f"(max {max((s for r in rows for s in r['other_scores']), default=0):.3f}); "
          f"{bg_flagged} of {bg_n} demo postings have another demo posting ≥ {t:.2f} "
          f"(highest: {', '.join(f'{s:.3f} {x[:12]}… / {y[:12]}…' for s, x, y in bg_best[:3])}).\n")

    alt = alternatives(pairs, rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "pairs": len(rows), "counts": {f"{a}/{b}": v for (a, b), v in n.items()},
            "sweep": table, "chosen": {**chosen, "targets_met": met, "plateau": [min(run), max(run)]},
            "scores": [{k: r[k] for k in ("id", "label", "kind", "level", "score", "rank", "top")} for r in rows],
            "alternatives": alt,
        }, ensure_ascii=False, indent=1))
        print(f"wrote {args.json}")
    return 0


def alternatives(pairs, rows) -> dict:
    """Signals from the two docs alone, and simple combinations with the matcher's score (split halves)."""
    sig = {p["id"]: signals(p) for p in pairs}
    for r in rows:
        r.update(sig[r["id"]])
    print("## Alternatives: signals from the two docs alone\n")
    print("Each signal alone (no top-hit condition: it is computed on the pair only), the best threshold on all pairs:\n")
    print("| signal | threshold | precision | recall | F1 | FP | FN | duplicates min / median | distinct median / max |")
    print("|---|---|---|---|---|---|---|---|---|")
    out = {}
    for key in ("score", "char2", "char3", "title_kw2", "numbers"):
        grid = [round(0.005 * i, 3) for i in range(0, 201)]
        need_top = key == "score"
        row, met = choose(sweep(rows, key, need_top, grid))
        d = sorted(r[key] for r in rows if r["label"] == "duplicate")
        x = sorted(r[key] for r in rows if r["label"] == "distinct")
        name = "matcher similar (top hit)" if key == "score" else key
        print(f"| {name} | {row['threshold']:.3f} | {fmt(row['precision'])} | {fmt(row['recall'])} | {fmt(row['f1'])} "
              f"| {row['fp']} | {row['fn']} | {d[0]:.3f} / {d[len(d) // 2]:.3f} | {x[len(x) // 2]:.3f} / {x[-1]:.3f} |")
        out[key] = {"all": row, "targets_met": met}
    print()
    return out


if __name__ == "__main__":
    sys.exit(main())
