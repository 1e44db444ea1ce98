"""Quality floor on a slice of the dev benchmark through the rank CLI (skipped without the data)."""

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.skipif(not (DATA / "needs_dev.jsonl").exists(), reason=f"benchmark data not found at {DATA}")
def test_rank_cli_on_200_dev_needs():
    from matchmaker.matching.rank import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(
            [
                "--achievements",
                str(DATA / "achievements.jsonl"),
                "--needs",
                str(DATA / "needs_dev.jsonl"),
                "--top",
                "10",
                "--limit",
                "200",
            ]
        )
    run = {r["need_id"]: r["ranking"] for r in map(json.loads, out.getvalue().splitlines())}
    assert len(run) == 200 and all(0 < len(r) <= 10 for r in run.values())
    spec = importlib.util.spec_from_file_location("evaluate", DATA / "evaluate.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    needs = ev.load_jsonl(DATA / "needs_dev.jsonl")[:200]
    qrels = {q["need_id"]: q["achievement_id"] for q in ev.load_jsonl(DATA / "qrels_dev.jsonl")}
    disc = {a["id"]: a.get("discipline") for a in ev.load_jsonl(DATA / "achievements.jsonl")}
    res = ev.score(run, needs, qrels, disc)["all"]
    assert res["MRR@10"] >= 0.85 and res["nDCG@10"] >= 0.85, res
