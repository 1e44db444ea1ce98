"""How far a learned re-ranker over the matcher's top candidates could lift dev quality.

    python bench/quality_ceiling.py [--top 30]

The upper bound of "train a ranker on pseudo-needs": the rankers here are trained on dev needs
themselves (one half, scored on the other, then the other way round), so no pseudo-need sampler
could do better. Each (need, candidate) pair of the default Matcher's top ``--top`` gets 23
features: the total and text scores, rank and ratio to the best, the words and character-bigram
channels and their idf-weighted coverage, the same-field flag, where the need's words occur
(title, keywords, first sentence, abstract, anywhere as a substring), the weight of the rarest
missing word, the longest common substring, adjacent word pairs found adjacent, lengths. Prints
MRR@10 / nDCG@10 (graded like ../shared/data/evaluate.py) for the base ranking and each learner.
Skips with a message if ../shared/data is absent; LightGBM's lambdarank runs only if installed.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Matcher  # noqa: E402
from matchmaker.matching.rank import achievement_doc, need_doc, read_jsonl  # noqa: E402
from matchmaker.matching.text import normalise, words  # noqa: E402

_SENTENCE = re.compile(r"[。;；!?！？]")


def longest_common_substring(a: str, b: str) -> int:
    best, i = 0, 0
    while i < len(a):
        j = i + best + 1
        while j <= len(a) and a[i:j] in b:
            best, j = j - i, j + 1
        i += 1
    return best


class Pairs:
    """Features of (need, candidate) pairs over one fitted Matcher."""

    def __init__(self, matcher: Matcher, records: list[dict]):
        self.m, self.by_id, self._parts = matcher, {r["id"]: r for r in records}, {}

    def parts(self, aid: str):
        p = self._parts.get(aid)
        if p is None:
            r = self.by_id[aid]
            abstract = normalise(r.get("abstract") or "")
            seq = words(r.get("title")) + ["|"] + words(abstract)
            text = normalise(" ".join([r.get("title") or "", abstract, *(r.get("keywords") or [])]))
            p = self._parts[aid] = {
                "title": set(words(r.get("title"))),
                "kw": {w for k in r.get("keywords") or [] for w in words(k)},
                "first": set(words(_SENTENCE.split(abstract, 1)[0])),
                "abstract": set(seq),
                "text": text,
                "pairs": set(zip(seq, seq[1:])),
                "len": len(abstract),
                "has_title": bool(r.get("title")),
                "n_kw": len(r.get("keywords") or []),
                "first_text": _SENTENCE.split(abstract, 1)[0],
            }
        return p

    def of(self, need: dict, k: int) -> tuple[list[str], np.ndarray | None]:
        doc = need_doc(need)
        found = self.m.query(doc, k=k)
        if not found:
            return [], None
        corpus = self.m._kinds["achievement"]
        cols, names = self.m._terms(doc)
        w = self.m._weights(cols, len(names), corpus, self.m._field_id(doc.get("field")))
        nw = len(names)
        vals = np.asarray(corpus.postings.values([corpus.row_of(i) for i, _ in found], cols.tolist()))
        ws, bs = vals[:, :nw] @ w[:nw], vals[:, nw:] @ w[nw:]
        wcov = (vals[:, :nw] > 0) @ w[:nw] / (w[:nw].sum() or 1)
        bcov = (vals[:, nw:] > 0) @ w[nw:] / (w[nw:].sum() or 1)
        share = dict(zip(names, w[:nw] / (w[:nw].sum() or 1)))
        qtext = normalise(need["text"])
        qseq = words(need["text"].replace("、", " | "))
        qpairs = [(a, b) for a, b in zip(qseq, qseq[1:]) if "|" not in (a, b)]
        best = found[0][1]
        rows = []
        for j, (aid, score) in enumerate(found):
            p = self.parts(aid)
            cover = {
                part: sum(v for x, v in share.items() if x in p[part]) for part in ("title", "kw", "first", "abstract")
            }
            rows.append(
                [
                    math.log(score + 1e-9),
                    score / best,
                    math.log(j + 1),
                    ws[j],
                    bs[j],
                    float(need.get("field") is not None and self.by_id[aid].get("discipline") == need.get("field")),
                    wcov[j],
                    bcov[j],
                    *cover.values(),
                    sum(v for x, v in share.items() if x in p["text"]),
                    max([v for x, v in share.items() if x not in p["text"]] or [0.0]),
                    math.log(p["len"] + 1),
                    float(p["has_title"]),
                    p["n_kw"],
                    longest_common_substring(qtext, p["text"]) / max(len(qtext), 1),
                    longest_common_substring(qtext, p["first_text"]) / max(len(qtext), 1),
                    len(qtext),
                    nw,
                    sum(pq in p["pairs"] for pq in qpairs) / max(len(qpairs), 1),
                    len(qpairs),
                ]
            )
        return [a for a, _ in found], np.array(rows)


def evaluate(groups, orders, disc: dict, per_field: dict) -> dict:
    out: dict = {}
    for (need, ids, _, gold), order in zip(groups, orders):
        ranked = [ids[i] for i in order][:10]
        rank = ranked.index(gold) + 1 if gold in ranked else None
        f = need.get("field")
        gains = [3.0 if a == gold else (1.0 if f and disc.get(a) == f else 0.0) for a in ranked]
        ideal = [3.0] + [1.0] * min(9, max(per_field.get(f, 0) - 1, 0))
        ndcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains)) / sum(
            g / math.log2(i + 2) for i, g in enumerate(ideal)
        )
        for key in ("all", need["type"]):
            out.setdefault(key, []).append((1 / rank if rank else 0.0, ndcg))
    return {k: (float(np.mean([x[0] for x in v])), float(np.mean([x[1] for x in v]))) for k, v in out.items()}


def cross_fit(groups, halves, make, ranker=False):
    """Train on one half of the needs, order the other half's candidates; both ways."""
    orders = [None] * len(groups)
    for h in (0, 1):
        train = [g for g, x in zip(groups, halves) if x != h]
        X = np.vstack([g[2] for g in train])
        y = np.concatenate([[float(a == g[3]) for a in g[1]] for g in train])
        if ranker:
            model = make().fit(X, y, group=[len(g[1]) for g in train])
            predict = model.predict
        else:
            model = make().fit(X, y)
            predict = lambda F, model=model: model.predict_proba(F)[:, 1]  # noqa: E731
        for i, g in enumerate(groups):
            if halves[i] == h:
                orders[i] = np.argsort(-predict(g[2]), kind="stable")
    return orders


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args(argv)
    if not (DATA / "needs_dev.jsonl").exists():
        print(f"skipped: {DATA} is absent")
        return 0
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    records = read_jsonl(str(DATA / "achievements.jsonl"))
    disc = {r["id"]: r.get("discipline") for r in records}
    per_field: dict = {}
    for d in disc.values():
        if d:
            per_field[d] = per_field.get(d, 0) + 1
    gold = {q["need_id"]: q["achievement_id"] for q in read_jsonl(str(DATA / "qrels_dev.jsonl")) if q["grade"] == 2}
    pairs = Pairs(Matcher().fit([achievement_doc(r) for r in records], workers=None), records)
    groups = []
    for need in read_jsonl(str(DATA / "needs_dev.jsonl")):
        ids, F = pairs.of(need, args.top)
        if F is not None:
            groups.append((need, ids, F, gold[need["id"]]))
    halves = [int(hashlib.md5(g[0]["id"].encode()).hexdigest(), 16) % 2 for g in groups]
    runs = {
        "matcher as is": [np.arange(len(g[1])) for g in groups],
        "logistic regression": cross_fit(
            groups, halves, lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        ),
        "gradient boosting": cross_fit(
            groups,
            halves,
            lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0),
        ),
    }
    try:
        import lightgbm

        runs["LightGBM lambdarank"] = cross_fit(
            groups,
            halves,
            lambda: lightgbm.LGBMRanker(
                objective="lambdarank", num_leaves=4, n_estimators=300, learning_rate=0.05, verbose=-1, random_state=0
            ),
            ranker=True,
        )
    except ImportError:
        pass
    print(f"re-ranking the top {args.top} of {len(groups)} dev needs, trained on one half and scored on the other")
    print("| ranking | MRR@10 | nDCG@10 | problem MRR@10 | keywords MRR@10 |\n|---|---|---|---|---|")
    for name, orders in runs.items():
        r = evaluate(groups, orders, disc, per_field)
        print(f"| {name} | {r['all'][0]:.4f} | {r['all'][1]:.4f} | {r['problem'][0]:.4f} | {r['keywords'][0]:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
