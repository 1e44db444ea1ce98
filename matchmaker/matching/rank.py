"""Benchmark CLI: rank achievements for every need of a JSON Lines file with the app's default Matcher.

python -m matchmaker.matching.rank --achievements A.jsonl --needs N.jsonl --top 100 > run.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys

from .matcher import Matcher


def achievement_doc(r: dict) -> dict:
    return {
        "id": r["id"],
        "kind": "achievement",
        "title": r.get("title"),
        "description": r.get("abstract"),
        "keywords": r.get("keywords") or [],
        "field": r.get("discipline"),
    }


def need_doc(r: dict) -> dict:
    return {"id": r["id"], "kind": "need", "description": r.get("text"), "field": r.get("field")}


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--achievements", required=True)
    ap.add_argument("--needs", required=True)
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--limit", type=int, default=None, help="only the first N needs")
    args = ap.parse_args(argv)
    m = Matcher().fit([achievement_doc(r) for r in read_jsonl(args.achievements)], workers=None)
    needs = read_jsonl(args.needs)[: args.limit]
    out = sys.stdout
    for r in needs:
        ranking = [i for i, _ in m.query(need_doc(r), k=args.top)]
        out.write(json.dumps({"need_id": r["id"], "ranking": ranking}, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
