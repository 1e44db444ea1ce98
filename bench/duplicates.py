"""Near-duplicate threshold for the admin's duplicate flag (issue #15), on a labelled set of posting pairs.

    .venv/bin/python bench/duplicates.py                      # ~5 s
    .venv/bin/python bench/duplicates.py --json out.json      # also write the sweep and the choice
    .venv/bin/python bench/duplicates.py --background         # + a 17k-posting pool (../shared/data), ~10 s

**The set** (`bench/data/duplicates.jsonl`, one pair a line) was written for this project, in
Simplified Chinese, from the demo postings (then in `matchmaker/demo/achievements_*.py` and `needs_*.py`, now `matchmaker/demo/data/*.csv`);
everything in it is fictional and no external text was copied. Each line is `{"id", "label",
"kind", "level", "a", "b", "a_source", "b_source", "note"}`; `a` and `b` carry the demo rows' posting
fields (title, field, keywords, org, and the achievement's summary/description/advantages/
applications/trl/price_min/price_max/transfer_modes or the need's problem/key_points/goals/min_trl/
budget_min/budget_max/modes/deadline).

* `duplicate` (62: 31 needs, 31 achievements, in 13 of the demo's 16 fields): `a` is a demo posting
  copied as is (`a_source` is its title); `b` is the same posting as another person of the same
  organization would re-post it months later: new title, sentences reordered and reworded,
  synonyms, figures rounded or written otherwise (毫克每立方米 → mg/m³, 300千克 → 600斤, 0.3% →
  千分之三, 一年出头), a keyword or two changed, a sentence added or dropped, but the same plant or
  technology, the same figures and the same targets. `level` says how far the rewrite goes: `light`
  (a few words), `medium` (most sentences reworded), `heavy` (rewritten from scratch; some cut to the
  core facts in a third of the length).
* `distinct` (59: 35 needs, 24 achievements): two different postings on the same topic that an
  admin must not merge: same field and overlapping keywords, but another problem, process step,
  product, plant or target (the same firm's cast-house dust vs its gas-cleaning filter bags; another
  firm's wet-to-dry gas cleaning; steel slag as asphalt aggregate vs as binder; PEM vs alkaline
  electrolysers; the next process step of the same product). One side is a demo posting
  (`a_source` / `b_source` give its title), the other was written for the set. `level` `hard` (40)
  marks heavy word overlap: the same firm and plant, or the same target reached by another
  technology; `medium` (19) the same firm or topic with less shared wording.

The pairs were written before any score was computed and were not edited to suit the matcher.

**The measure**: for each pair, one `Matcher` (default config) is fitted on a background pool (all
100 demo postings of `matchmaker.demo.records`, whatever their status, built as `match_index.to_doc`
builds them: modes as code lists, region from the organization; minus the demo postings that are
`a` or `b` of the pair) plus `a`, and `b` is scored with `Matcher.similar(b, k=5)`: `a`'s score (0 when
not in the top 5) and whether `a` is the top hit. A pair is flagged at threshold t when `a` is the
top hit and its score ≥ t. The sweep runs t = 0.20 … 0.95. **The chosen threshold** is the one with
the highest recall among those with precision ≥ 0.9 and recall ≥ 0.9 (ties: highest precision, then
the middle of the run); the output also gives the whole band where both targets hold and the best F1
inside it, and checks the choice on halves of the set (md5 of the id): each rule applied to one
half, scored on the other.

"Any rank" is what `curation.possible_duplicates` does (every hit ≥ threshold, top hit or not).
"Background" counts, at the chosen threshold, the other pool postings some `b` would also be flagged
against, and the demo postings that would be flagged against another demo posting (the demo data
holds no duplicates, so each would be a false alarm).

`--background` repeats the measure in a pool of ~17,000 postings per kind: the 16,919 real paper
records of `../shared/data/achievements.jsonl` (as achievements, and as needs made of their title
and abstract) beside the demo postings, fitted once (each pair's `b` queried with its demo id when
it is a demo posting, so that copy is excluded). It shows how the scores move once the pool is large
enough for `max_df` to drop the commonest bigrams. Skipped with a note when the data is absent.

**Alternatives** (last part): signals computed from the two docs alone (character bigram / trigram
Jaccard of the whole text, bigram Jaccard of title + keywords, share of numbers), each on its own,
and a weighted sum with the matcher's score (weight and threshold chosen on one half, scored on the
other, both ways). They are for reference when the matcher's score alone misses the targets.

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
SHARED = ROOT.parent / "shared" / "data" / "achievements.jsonl"
sys.path.insert(0, str(ROOT))

from matchmaker import demo  # noqa: E402
from matchmaker.matching import Matcher  # noqa: E402

K = 5
THRESHOLDS = [round(0.20 + 0.01 * i, 2) for i in range(76)]  # 0.20 .. 0.95
FINE = [round(0.005 * i, 3) for i in range(201)]  # 0 .. 1, for the signals and the halves
TARGET_P, TARGET_R = 0.9, 0.9
ACHIEVEMENTS, NEEDS = demo.records("achievement"), demo.records("need")
REGION = {o["key"]: o["region"] for o in demo.organizations()}
CURRENT = 0.8  # matchmaker.services.curation.DUPLICATE_SIMILARITY when this benchmark was written


# -- docs ---------------------------------------------------------------------------------------
def _money(v):
    return None if v is None else float(v)


def to_doc(p: dict, kind: str, doc_id: str) -> dict:
    """A posting row (demo or pair side) as the matcher's plain dict, as ``match_index.to_doc`` builds it."""
    doc = {
        "id": doc_id,
        "kind": kind,
        "title": p["title"],
        "keywords": list(p.get("keywords") or []),
        "field": p.get("field"),
        "transfer_modes": list(p.get("transfer_modes") or p.get("modes") or []),
        "region": p.get("region") or REGION.get(p.get("org")),
    }
    if kind == "achievement":
        doc.update(
            summary=p.get("summary"),
            description=p.get("description"),
            advantages=p.get("advantages"),
            applications=p.get("applications") or "",
            trl=p.get("trl"),
            price_min=_money(p.get("price_min")),
            price_max=_money(p.get("price_max")),
        )
    else:
        doc.update(
            problem=p.get("problem"),
            key_points=p.get("key_points"),
            goals=p.get("goals"),
            description="\n".join(t for t in (p.get("problem"), p.get("key_points"), p.get("goals")) if t),
            min_trl=p.get("min_trl"),
            price_min=_money(p.get("budget_min")),
            price_max=_money(p.get("budget_max")),
            deadline=p.get("deadline"),
        )
    return doc


def demo_pool() -> list[tuple[str, dict]]:
    """(title, doc) for every demo posting (the pool the pairs are scored in)."""
    out = [(r["title"], to_doc(r, "achievement", f"demo-a{i:02d}")) for i, r in enumerate(ACHIEVEMENTS)]
    out += [(r["title"], to_doc(r, "need", f"demo-n{i:02d}")) for i, r in enumerate(NEEDS)]
    return out


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _row(p: dict, a_id: str, hits: list) -> dict:
    score = next((s for i, s in hits if i == a_id), 0.0)
    rank = next((r for r, (i, _) in enumerate(hits, 1) if i == a_id), None)
    others = [(i, float(s)) for i, s in hits if i != a_id]
    return {
        **{k: p[k] for k in ("id", "label", "kind", "level", "note")},
        "score": float(score),
        "rank": rank,
        "top": rank == 1,
        "other_scores": [s for _, s in others],
    }


def score_pairs(pairs: list[dict], pool: list[tuple[str, dict]]) -> list[dict]:
    """One fit per pair: the pool minus the pair's demo sources, plus a; then similar(b)."""
    out = []
    for p in pairs:
        kind = p["kind"]
        skip = {p.get("a_source"), p.get("b_source")} - {None}
        a_doc, b_doc = to_doc(p["a"], kind, f"{p['id']}-a"), to_doc(p["b"], kind, f"{p['id']}-b")
        m = Matcher().fit([d for t, d in pool if t not in skip] + [a_doc])
        out.append(_row(p, a_doc["id"], m.similar(b_doc, k=K)))
    return out


def background_docs(path: Path) -> list[dict]:
    """The shared paper records as achievements and, title + abstract, as needs."""
    docs = []
    for r in read_jsonl(path):
        docs.append(
            {
                "id": "bg-a-" + r["id"],
                "kind": "achievement",
                "title": r.get("title"),
                "description": r.get("abstract"),
                "keywords": r.get("keywords") or [],
                "field": r.get("discipline"),
            }
        )
        docs.append(
            {
                "id": "bg-n-" + r["id"],
                "kind": "need",
                "description": "\n".join(t for t in (r.get("title"), r.get("abstract")) if t),
                "field": r.get("discipline"),
            }
        )
    return docs


def score_pairs_once(pairs: list[dict], pool: list[tuple[str, dict]], extra: list[dict]) -> list[dict]:
    """One fit for every pair: extra + demo pool + the pairs' new a's; b excluded by its own id."""
    demo_id = {(d["kind"], t): d["id"] for t, d in pool}
    new_a = [to_doc(p["a"], p["kind"], f"{p['id']}-a") for p in pairs if not p.get("a_source")]
    m = Matcher().fit(extra + [d for _, d in pool] + new_a, workers=None)
    out = []
    for p in pairs:
        kind = p["kind"]
        a_id = demo_id[kind, p["a_source"]] if p.get("a_source") else f"{p['id']}-a"
        b_id = demo_id[kind, p["b_source"]] if p.get("b_source") else f"{p['id']}-b"
        out.append(_row(p, a_id, m.similar(to_doc(p["b"], kind, b_id), k=K)))
    return out


# -- sweep and choice ---------------------------------------------------------------------------
def flagged(r: dict, t: float, key: str = "score", mode: str = "top") -> bool:
    """mode "top": a is b's top hit and scores ≥ t; "any": a is in b's top k at ≥ t (the app's rule)."""
    return (r["top"] or mode == "any") and r[key] >= t


def counts(rows, t, key="score", mode="top"):
    tp = fp = fn = tn = 0
    for r in rows:
        f, dup = flagged(r, t, key, mode), r["label"] == "duplicate"
        tp, fp, fn, tn = tp + (dup and f), fp + (not dup and f), fn + (dup and not f), tn + (not dup and not f)
    return tp, fp, fn, tn


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else 0.0
    return p, r, f


def sweep(rows, key="score", mode="top", thresholds=THRESHOLDS):
    out = []
    for t in thresholds:
        tp, fp, fn, tn = counts(rows, t, key, mode)
        p, r, f = prf(tp, fp, fn)
        out.append({"threshold": t, "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "tn": tn})
    return out


def _ok(r):
    return r["precision"] >= TARGET_P and r["recall"] >= TARGET_R


def _middle(run):
    return run[(len(run) - 1) // 2]


def choose(table, rule="recall"):
    """(row, met). rule "recall": highest recall with both targets met (then highest precision, then
    the middle of the run); rule "f1": highest F1 with both targets met (middle of the run). Without
    any threshold meeting both targets: the highest F1, met False."""
    ok = [r for r in table if _ok(r)]
    if not ok:
        best = max(r["f1"] for r in table)
        return _middle([r for r in table if r["f1"] == best]), False
    if rule == "recall":
        best = max((r["recall"], r["precision"]) for r in ok)
        return _middle([r for r in ok if (r["recall"], r["precision"]) == best]), True
    best = max(r["f1"] for r in ok)
    return _middle([r for r in ok if r["f1"] == best]), True


def band(table):
    ok = [r["threshold"] for r in table if _ok(r)]
    return (min(ok), max(ok)) if ok else None


def fmt(x, d=3):
    return "–" if x != x else f"{x:.{d}f}"


def print_sweep(table, marks=()):
    print("| threshold | precision | recall | F1 | TP | FP | FN | TN |")
    print("|---|---|---|---|---|---|---|---|")
    for r in table:
        star = " ◀" if r["threshold"] in marks else ""
        print(
            f"| {r['threshold']:.2f}{star} | {fmt(r['precision'])} | {fmt(r['recall'])} | {fmt(r['f1'])} "
            f"| {r['tp']} | {r['fp']} | {r['fn']} | {r['tn']} |"
        )


def describe(r, met=True):
    s = (
        f"precision {fmt(r['precision'])}, recall {fmt(r['recall'])}, F1 {fmt(r['f1'])} "
        f"(TP {r['tp']}, FP {r['fp']}, FN {r['fn']}, TN {r['tn']})"
    )
    return s if met else s + " — targets NOT met"


def halves(rows):
    h = {r["id"]: int(hashlib.md5(r["id"].encode()).hexdigest(), 16) % 2 for r in rows}
    return [r for r in rows if h[r["id"]] == 0], [r for r in rows if h[r["id"]] == 1]


def evaluate(rows, t, key="score", mode="top"):
    tp, fp, fn, tn = counts(rows, t, key, mode)
    p, r, f = prf(tp, fp, fn)
    return {"threshold": t, "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def demo_background(pool, t) -> tuple[int, list]:
    """Demo postings whose best other demo posting of the same kind scores ≥ t, and the highest pairs."""
    m = Matcher().fit([d for _, d in pool])
    best = []
    for title, d in pool:
        hits = m.similar(d, k=1)
        if hits:
            best.append((hits[0][1], title, m.get(hits[0][0])["title"]))
    best.sort(reverse=True)
    return sum(s >= t for s, _, _ in best), best[:3]


# -- report -------------------------------------------------------------------------------------
def report(rows, pool, title, full=True) -> dict:
    table = sweep(rows)
    chosen, met = choose(table, "recall")
    best_f1, met_f1 = choose(table, "f1")
    t = chosen["threshold"]
    rng = band(table)
    print(f"## {title}\n")
    tops = {
        lab: sum(r["top"] for r in rows if r["label"] == lab) / max(1, sum(r["label"] == lab for r in rows))
        for lab in ("duplicate", "distinct")
    }
    print(
        f"a is b's top hit in {tops['duplicate']:.0%} of duplicate and {tops['distinct']:.0%} of distinct pairs; "
        f"flagged = a is the top hit and scores ≥ threshold.\n"
    )
    if full:
        print_sweep(table, marks={t, best_f1["threshold"]})
    else:  # the part of the sweep around the band
        print_sweep([r for r in table if 0.30 <= r["threshold"] <= 0.60], marks={t, best_f1["threshold"]})
    print()
    if met:
        print(
            f"**Chosen threshold {t:.2f}** (highest recall with precision ≥ {TARGET_P} and recall ≥ {TARGET_R}): "
            f"{describe(chosen)}."
        )
        print(
            f"Both targets hold from {rng[0]:.2f} to {rng[1]:.2f}; the best F1 inside that band is at "
            f"{best_f1['threshold']:.2f}: {describe(best_f1)}."
        )
    else:
        print(
            f"**Targets not met**: no threshold gives precision ≥ {TARGET_P} and recall ≥ {TARGET_R}. "
            f"Best F1 at {t:.2f}: {describe(chosen, False)}."
        )
    cur = evaluate(rows, CURRENT)
    print(f"At the current DUPLICATE_SIMILARITY {CURRENT:.2f}: {describe(cur)}.")
    anyr = {x: evaluate(rows, x, mode="any") for x in sorted({t, best_f1["threshold"]})}
    print(
        "Any rank (the app flags every hit ≥ threshold, not only the top one): "
        + "; ".join(f"at {x:.2f} {describe(r)}" for x, r in anyr.items())
        + ".\n"
    )
    out = {
        "sweep": table,
        "chosen": {**chosen, "targets_met": met, "rule": "highest recall with P and R on target"},
        "band": rng,
        "best_f1_in_band": {**best_f1, "targets_met": met_f1},
        "current": cur,
        "any_rank": {f"{x:.2f}": r for x, r in anyr.items()},
    }
    others = [s for r in rows for s in r["other_scores"]]
    if not full:
        print(
            f"Background at {t:.2f}: {sum(s >= t for s in others)} other pool postings reach {t:.2f} against some b "
            f"(highest {max(others, default=0):.3f}).\n"
        )
        out["background"] = {
            "other_hits_at_threshold": sum(s >= t for s in others),
            "highest_other": max(others, default=0),
        }
        return out

    print(f"### Per kind and level (at {t:.2f} | at {best_f1['threshold']:.2f})\n")
    print("| subset | pairs | precision | recall | FP | FN | precision | recall | FP | FN |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    subsets = [(k, [r for r in rows if r["kind"] == k]) for k in ("need", "achievement")]
    subsets += [
        (f"duplicate, {lv}", [r for r in rows if r["label"] == "duplicate" and r["level"] == lv])
        for lv in ("light", "medium", "heavy")
    ]
    subsets += [
        (f"distinct, {lv}", [r for r in rows if r["label"] == "distinct" and r["level"] == lv])
        for lv in ("medium", "hard")
    ]
    for name, sub in subsets:
        cells = []
        has_dup = any(r["label"] == "duplicate" for r in sub)
        for x in (t, best_f1["threshold"]):
            e = evaluate(sub, x)
            cells += [fmt(e["precision"]) if has_dup else "–", fmt(e["recall"]), str(e["fp"]), str(e["fn"])]
        print(f"| {name} | {len(sub)} | " + " | ".join(cells) + " |")
    print()

    print("### Halves (md5 of the pair id): a rule applied to one half, scored on the other\n")
    print("| rule | fitted on | threshold | scored on | precision | recall | F1 | FP | FN |")
    print("|---|---|---|---|---|---|---|---|---|")
    h0, h1 = halves(rows)
    split = []
    for rule, name in (("recall", "highest recall, P and R ≥ 0.9"), ("f1", "best F1, P and R ≥ 0.9")):
        for fit_name, fit_rows, test_name, test_rows in (("half 0", h0, "half 1", h1), ("half 1", h1, "half 0", h0)):
            row, ok = choose(sweep(fit_rows, thresholds=FINE), rule)
            e = evaluate(test_rows, row["threshold"])
            split.append({"rule": rule, "fitted_on": fit_name, "threshold": row["threshold"], "met_on_fit": ok, **e})
            print(
                f"| {name} | {fit_name} ({len(fit_rows)}) | {row['threshold']:.3f}{'' if ok else ' (not met)'} "
                f"| {test_name} ({len(test_rows)}) | {fmt(e['precision'])} | {fmt(e['recall'])} | {fmt(e['f1'])} "
                f"| {e['fp']} | {e['fn']} |"
            )
    print()
    out["halves"] = split

    dups = sorted([r for r in rows if r["label"] == "duplicate"], key=lambda r: (r["top"], r["score"]))
    dist = sorted([r for r in rows if r["label"] == "distinct"], key=lambda r: -(r["score"] if r["top"] else 0))
    print("### The 5 lowest-scoring duplicates (misses first)\n")
    for r in dups[:5]:
        state = "flagged" if flagged(r, t) else "MISSED"
        print(
            f"- {r['id']} ({r['kind']}, {r['level']}): {r['score']:.3f}, rank {r['rank']}, best other "
            f"{max(r['other_scores'], default=0):.3f}; {state} at {t:.2f}. {r['note']}"
        )
    print("\n### The 5 highest-scoring distinct pairs (false alarms first)\n")
    for r in dist[:5]:
        state = "FALSE ALARM" if flagged(r, t) else "not flagged"
        print(
            f"- {r['id']} ({r['kind']}, {r['level']}): {r['score']:.3f}, rank {r['rank']}; {state} at {t:.2f}. "
            f"{r['note']}"
        )
    print()
    out["hardest_duplicates"] = [{k: r[k] for k in ("id", "kind", "level", "score", "rank", "note")} for r in dups[:5]]
    out["hardest_distinct"] = [{k: r[k] for k in ("id", "kind", "level", "score", "rank", "note")} for r in dist[:5]]

    bg_flagged, bg_best = demo_background(pool, t)
    print(
        f"Background at {t:.2f}: {sum(s >= t for s in others)} other pool postings reach {t:.2f} against some b "
        f"(highest {max(others, default=0):.3f}); {bg_flagged} of {len(pool)} demo postings have another demo "
        f"posting ≥ {t:.2f} (highest: " + "; ".join(f"{s:.3f} {x[:10]}… / {y[:10]}…" for s, x, y in bg_best) + ").\n"
    )
    out["background"] = {
        "other_hits_at_threshold": sum(s >= t for s in others),
        "highest_other": max(others, default=0),
        "demo_flagged": bg_flagged,
        "demo_highest": bg_best[0][0] if bg_best else 0,
    }
    return out


# -- simple signals from the two docs alone -----------------------------------------------------
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_NUM = re.compile(r"\d+(?:\.\d+)?")


def _text(p: dict, kind: str, title_only: bool = False) -> str:
    if title_only:
        parts = [p.get("title") or ""] + list(p.get("keywords") or [])
    else:
        fields = (
            ("summary", "description", "advantages", "applications")
            if kind == "achievement"
            else ("problem", "key_points", "goals")
        )
        parts = [p.get("title") or ""] + list(p.get("keywords") or []) + [p.get(f) or "" for f in fields]
    return unicodedata.normalize("NFKC", "\n".join(parts)).lower()


def _grams(s: str, n: int) -> set:
    out = set()
    for chunk in "".join(c if _KEEP.match(c) else "\n" for c in s).split("\n"):
        out.update(chunk[i : i + n] for i in range(len(chunk) - n + 1))
    return out


def _jac(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def signals(p: dict) -> dict:
    kind, a, b = p["kind"], p["a"], p["b"]
    ta, tb = _text(a, kind), _text(b, kind)
    ka, kb = _text(a, kind, True), _text(b, kind, True)
    na, nb = set(map(float, _NUM.findall(ta))), set(map(float, _NUM.findall(tb)))
    return {
        "char2": _jac(_grams(ta, 2), _grams(tb, 2)),
        "char3": _jac(_grams(ta, 3), _grams(tb, 3)),
        "title_kw2": _jac(_grams(ka, 2), _grams(kb, 2)),
        "numbers": len(na & nb) / min(len(na), len(nb)) if na and nb else 0.0,
    }


def alternatives(pairs, rows) -> dict:
    sig = {p["id"]: signals(p) for p in pairs}
    rows = [{**r, **sig[r["id"]]} for r in rows]
    print("## Alternatives: signals from the two docs alone (reference)\n")
    print(
        "Each signal on its own, all pairs (the signals need no top hit; the matcher's score keeps its top-hit "
        "condition), threshold by the main rule on a 0.005 grid:\n"
    )
    print(
        "| signal | threshold | precision | recall | F1 | FP | FN | duplicates min / median | distinct median / max |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    out = {}
    for key in ("score", "char2", "char3", "title_kw2", "numbers"):
        mode = "top" if key == "score" else "any"
        row, met = choose(sweep(rows, key, mode, FINE))
        d = sorted(r[key] for r in rows if r["label"] == "duplicate")
        x = sorted(r[key] for r in rows if r["label"] == "distinct")
        name = "matcher `similar` (top hit)" if key == "score" else key
        print(
            f"| {name} | {row['threshold']:.3f}{'' if met else ' (not met)'} | {fmt(row['precision'])} "
            f"| {fmt(row['recall'])} | {fmt(row['f1'])} | {row['fp']} | {row['fn']} "
            f"| {d[0]:.3f} / {d[len(d) // 2]:.3f} "
            f"| {x[len(x) // 2]:.3f} / {x[-1]:.3f} |"
        )
        out[key] = {**row, "targets_met": met}
    print()
    print(
        "Weighted sum `w * similar + (1 - w) * signal` (a must still be the top hit; w in 0, 0.1 … 1 and the "
        "threshold chosen on one half by best F1 with the targets, else best F1; scored on the other half):\n"
    )
    print("| signal | fitted on | w | threshold | scored on | precision | recall | F1 | FP | FN |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    h0, h1 = halves(rows)
    combos = []
    for key in ("char2", "numbers"):
        for fit_name, fit_rows, test_name, test_rows in (("half 0", h0, "half 1", h1), ("half 1", h1, "half 0", h0)):
            best = None
            for w in [i / 10 for i in range(11)]:
                mixed = [{**r, "mix": w * r["score"] + (1 - w) * r[key]} for r in fit_rows]
                row, met = choose(sweep(mixed, "mix", "top", FINE), "f1")
                cand = (met, row["f1"], row["recall"], w, row)
                if best is None or cand[:4] > best[:4]:
                    best = cand
            met, _, _, w, row = best
            test = [{**r, "mix": w * r["score"] + (1 - w) * r[key]} for r in test_rows]
            e = evaluate(test, row["threshold"], "mix", "top")
            combos.append({"signal": key, "fitted_on": fit_name, "w": w, **e})
            print(
                f"| {key} | {fit_name} | {w:.1f} | {row['threshold']:.3f}{'' if met else ' (not met)'} | {test_name} "
                f"| {fmt(e['precision'])} | {fmt(e['recall'])} | {fmt(e['f1'])} | {e['fp']} | {e['fn']} |"
            )
    print()
    return {"signals": out, "weighted_sum": combos}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="write the sweeps and the choices as JSON to this path")
    ap.add_argument(
        "--background", action="store_true", help=f"also score the pairs in a ~17k pool built from {SHARED} (~1 min)"
    )
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"SKIP: labelled pairs not found at {args.data}")
        return 0
    t0 = time.perf_counter()
    pairs = read_jsonl(args.data)
    pool = demo_pool()
    rows = score_pairs(pairs, pool)
    n = {
        (lab, kind): sum(1 for r in rows if r["label"] == lab and r["kind"] == kind)
        for lab in ("duplicate", "distinct")
        for kind in ("need", "achievement")
    }
    print(f"# Duplicate threshold on {len(rows)} labelled pairs (`{args.data.relative_to(ROOT)}`)\n")
    print(
        f"duplicate: {n['duplicate', 'need']} needs + {n['duplicate', 'achievement']} achievements; "
        f"distinct: {n['distinct', 'need']} needs + {n['distinct', 'achievement']} achievements. "
        f"Pool: the {len(pool)} demo postings minus the pair's demo sources, plus a; one fit per pair; "
        f"`Matcher.similar(b, k={K})`; scored in {time.perf_counter() - t0:.1f} s.\n"
    )
    result = {"pairs": len(rows), "counts": {f"{a}/{b}": v for (a, b), v in n.items()}}
    result["demo_pool"] = report(rows, pool, "Demo pool (the matcher as the app runs it on a small pool)")
    result["scores"] = [{k: r[k] for k in ("id", "label", "kind", "level", "score", "rank", "top")} for r in rows]

    if args.background:
        if not SHARED.exists():
            print(f"(--background skipped: {SHARED} not found)\n")
        else:
            t1 = time.perf_counter()
            extra = background_docs(SHARED)
            big = score_pairs_once(pairs, pool, extra)
            print(
                f"Background pool: {len(extra) // 2:,} paper records per kind + the demo postings, one fit, "
                f"{time.perf_counter() - t1:.0f} s.\n"
            )
            result["large_pool"] = report(big, pool, "Large pool (~17k postings per kind)", full=False)
            chosen = result["demo_pool"]["chosen"]["threshold"]
            alt = result["demo_pool"]["best_f1_in_band"]["threshold"]
            moved = sorted(((b["score"] - r["score"]), r["id"]) for r, b in zip(rows, big))
            print(
                f"In the large pool, the demo pool's thresholds give: "
                f"at {chosen:.2f} {describe(evaluate(big, chosen))}; "
                f"at {alt:.2f} {describe(evaluate(big, alt))}. Score change per pair (large − demo pool): "
                f"median {moved[len(moved) // 2][0]:+.3f}, from {moved[0][0]:+.3f} ({moved[0][1]}) to "
                f"{moved[-1][0]:+.3f} ({moved[-1][1]}).\n"
            )

    result["alternatives"] = alternatives(pairs, rows)
    print(f"Total {time.perf_counter() - t0:.1f} s.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=float))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
