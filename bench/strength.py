"""Suggestion strength (强/中/弱) calibrated on the dev benchmark (issue #15).

    .venv/bin/python bench/strength.py            # ~1 min: 2,027 dev needs against 16,919 achievements
    .venv/bin/python bench/strength.py --json out.json

For every dev need the matcher's top 10 achievements (``Matcher.rank``: id, score, text score), then
per text-score threshold: how many suggestions reach it, what share of them is the exact record the
need was cut from (grade 2), what share is in the need's discipline (grade ≥ 1: the exact record or
another of the same discipline), and what share of needs gets at least one. The strength the pages
show is the text score against ``STRONG`` and ``MEDIUM`` (``services/matching.py``); the table shows
what those mean on dev. The rule they are chosen by: 强 is the highest threshold at which at least 90%
of the suggestions reaching it are in the right field and at least 99% of needs still get one; 中 the
highest at which every need gets one. (The right-field share hardly moves with the score, the
matcher's field boost keeps it ~0.9 throughout; the exact-item share is what rises.) Skips with a
message where ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Matcher  # noqa: E402
from matchmaker.matching.rank import achievement_doc, need_doc, read_jsonl  # noqa: E402
from matchmaker.services.matching import MEDIUM, STRONG  # noqa: E402

THRESHOLDS = (0.02, 0.03, 0.05, 0.07, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    if not (DATA / "needs_dev.jsonl").exists():
        print(f"skipped: {DATA} is absent (../shared/data is not beside the project)")
        return 0
    records = read_jsonl(str(DATA / "achievements.jsonl"))
    needs = read_jsonl(str(DATA / "needs_dev.jsonl"))
    exact = {q["need_id"]: q["achievement_id"] for q in read_jsonl(str(DATA / "qrels_dev.jsonl"))}
    discipline = {r["id"]: r.get("discipline") for r in records}
    matcher = Matcher().fit([achievement_doc(r) for r in records], workers=None)
    rows = []  # (text score, exact?, right field?, need id)
    for need in needs:
        for key, _score, text in matcher.rank(need_doc(need), k=10):
            rows.append(
                (
                    text,
                    key == exact.get(need["id"]),
                    key == exact.get(need["id"])
                    or (discipline.get(key) is not None and discipline.get(key) == need.get("field")),
                    need["id"],
                )
            )
    print(
        f"dev: {len(needs)} needs x top 10 against {len(records)} achievements; pages use STRONG={STRONG}, MEDIUM={MEDIUM}"
    )
    print(f"{'text score ≥':>13}{'suggestions':>13}{'exact item':>12}{'right field':>13}{'needs with one':>16}")
    table = []
    for t in THRESHOLDS:
        kept = [r for r in rows if r[0] >= t]
        n = len(kept) or 1
        line = {
            "threshold": t,
            "suggestions": len(kept),
            "exact": sum(r[1] for r in kept) / n,
            "right_field": sum(r[2] for r in kept) / n,
            "needs_covered": len({r[3] for r in kept}) / len(needs),
        }
        table.append(line)
        mark = " <- STRONG" if t == STRONG else " <- MEDIUM" if t == MEDIUM else ""
        print(
            f"{t:>13.2f}{line['suggestions']:>13}{line['exact']:>12.3f}{line['right_field']:>13.3f}{line['needs_covered']:>16.3f}{mark}"
        )
    choice = {
        "strong": max(
            (r["threshold"] for r in table if r["right_field"] >= 0.9 and r["needs_covered"] >= 0.99), default=None
        ),
        "medium": max((r["threshold"] for r in table if r["needs_covered"] >= 1.0), default=None),
    }
    print(
        f"rule: 强 = highest threshold with right field ≥ 0.90 and needs with one ≥ 0.99 -> {choice['strong']} "
        f"(pages: {STRONG}); 中 = highest with every need covered -> {choice['medium']} (pages: {MEDIUM})"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"table": table, "choice": choice, "pages": {"strong": STRONG, "medium": MEDIUM}}, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
