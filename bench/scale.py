"""The scale stage of the load benchmark (issue 14): every page people open, on pools of two sizes.

    .venv/bin/python bench/scale.py [--sizes 10000:5000,100000:50000] [--requests 40]
    .venv/bin/python bench/load.py --stages scale          # the same, as a stage of make bench-load

For each size: seed a SQLite pool (``bench/seed_scale.py``: postings, 200 waiting for review, an audit
log, open challenges with two proposals each (one per 50 needs), the match index and the dashboard's figures; timed, with the seeding's peak RSS); start
``gunicorn -w 2 -c gunicorn.conf.py`` (preload and warm-up) and time it until it answers; log in an
admin, the firm that owns the need, an institution; take API tokens. Then, for every page people
open, the first answer after the start (a cold worker) and a threaded client (two threads, one per
worker, ``--requests`` each): p50 / p99 / max. Keyword search runs twice: with a query never asked
before on every request (nothing cached) and cycling sixteen queries. Then ``kill -HUP`` of the
master while four threads read mixed pages: every answer must come within 1 s, and both workers must
be replaced. Last, the peak RSS (VmHWM) of each worker.

Checks per page: p99 < 1,000 ms and p50 ≤ 15 × the home page's p50 in the same run; every worker
under 1 GB. Reported, not checked: the growth of each page's p50 from the first size to the last
(the goal: ≤ 2× for 10× the pool). Prints a Markdown table, also written to bench/out/scale-latest.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import HOST, OUT, ROOT, SEARCH_QUERIES, Gunicorn, app_env, enc, log, login, seed  # noqa: E402

LIMIT_MS, RATIO = 1000.0, 15.0
WORDS = (
    "高炉",
    "煤气",
    "脱硫",
    "脱硝",
    "钢渣",
    "锂电池",
    "废水",
    "机器视觉",
    "排放",
    "催化剂",
    "余热",
    "智能",
    "发酵",
    "复合材料",
    "氢能",
    "节水",
    "中试",
    "光伏",
    "焦化",
    "膜分离",
    "传感器",
    "涂层",
    "焊接",
    "轴承",
    "陶瓷",
    "玻璃",
    "纺织",
    "印染",
    "饲料",
    "疫苗",
    "检测",
    "芯片",
    "储能",
    "风电",
    "污泥",
    "固废",
    "土壤",
    "秸秆",
    "农药",
    "包装",
)
FRESH = (f"{a} {b}" for a, b in itertools.permutations(WORDS, 2))  # never the same query twice in a run


def request(
    port: int,
    path: str,
    cookies: dict | None = None,
    token: str | None = None,
    method: str = "GET",
    body: dict | None = None,
    timeout: float = 30,
) -> tuple[int, float, str]:
    headers = {"Accept-Language": "zh-CN"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        return resp.status, (time.perf_counter() - start) * 1000, text
    finally:
        conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def pages(manifest: dict, sessions: dict, tokens: dict) -> list[tuple[str, object, dict]]:
    """(name, path or a function giving the next path, how to ask) for every page people open."""
    need, counts = manifest["detail_need"], manifest["counts"]
    owner, admin = sessions[need["owner"]]["cookies"], sessions[manifest["admin"]]["cookies"]
    challenge = manifest["challenge"]
    sponsor = sessions[challenge["sponsor"]]["cookies"]
    deep = max(1, int(counts["achievements"] / 20 * 0.8))
    cycle = itertools.cycle(SEARCH_QUERIES)
    return [
        ("home `/`", "/", {}),
        ("browse `/achievements/`", "/achievements/", {}),
        ("browse, a deep page (4/5 of the way)", f"/achievements/?page={deep}", {}),
        ("search, a new query each time", lambda: f"/achievements/?q={enc(next(FRESH))}", {}),
        ("search, 16 queries cycled", lambda: f"/achievements/?q={enc(next(cycle))}", {}),
        ("a need's page with its suggestions (owner)", f"/needs/{need['id']}", {"cookies": owner}),
        ("my suggestions `/me/suggestions`", "/me/suggestions", {"cookies": owner}),
        ("review queue `/admin/review`", "/admin/review", {"cookies": admin}),
        ("pairs `/admin/pairs`", "/admin/pairs", {"cookies": admin}),
        ("audit log `/admin/audit`", "/admin/audit", {"cookies": admin}),
        ("dashboard `/admin/dashboard`", "/admin/dashboard", {"cookies": admin}),
        ("dashboard CSV", "/admin/dashboard.csv", {"cookies": admin}),
        ("challenges `/challenges/`", "/challenges/", {}),
        ("a challenge's page", f"/challenges/{challenge['id']}", {}),
        ("its proposals, ranked (sponsor)", f"/challenges/{challenge['id']}/proposals", {"cookies": sponsor}),
        ("my challenges `/me/challenges`", "/me/challenges", {"cookies": sponsor}),
        ("API list `/api/v1/achievements`", "/api/v1/achievements", {}),
        ("API search, a new query each time", lambda: f"/api/v1/achievements?q={enc(next(FRESH))}", {}),
        ("API suggestions of the need", f"/api/v1/needs/{need['id']}/suggestions", {"token": tokens["owner"]}),
        ("API `admin/stats`", "/api/v1/admin/stats", {"token": tokens["admin"]}),
    ]


class Recorder:
    """Latencies and failures of requests made by several threads."""

    def __init__(self):
        self.times, self.failures, self.lock = [], [], threading.Lock()

    def ask(self, port: int, path, how: dict) -> None:
        target = path() if callable(path) else path
        try:
            status, ms, _body = request(port, target, **how)
        except OSError as exc:
            status, ms = 0, 0.0
            self.failures.append(f"{target}: {type(exc).__name__}")
        with self.lock:
            self.times.append(ms)
            if status not in (0, 200):
                self.failures.append(f"{target}: HTTP {status}")

    def summary(self) -> dict:
        return {
            "p50": percentile(self.times, 0.5),
            "p99": percentile(self.times, 0.99),
            "max": max(self.times, default=0.0),
            "n": len(self.times),
            "failures": self.failures,
        }


def measure(port: int, path, how: dict, threads: int, n: int) -> dict:
    """``threads`` clients asking ``n`` times each, one request at a time: latencies and failures."""
    rec = Recorder()

    def run() -> None:
        for _ in range(n):
            rec.ask(port, path, how)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return rec.summary()


def restart_under_load(g: Gunicorn, targets: list, seconds: float) -> dict:
    """Four threads read mixed pages; the master gets SIGHUP after a quarter of the time."""
    old, rec, stop = g.workers(), Recorder(), threading.Event()

    def run(k: int) -> None:
        for _name, path, how in itertools.islice(itertools.cycle(targets), k, None):
            if stop.is_set():
                return
            rec.ask(g.port, path, how)

    readers = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in readers:
        t.start()
    time.sleep(seconds / 4)
    os.kill(g.proc.pid, signal.SIGHUP)
    time.sleep(seconds * 3 / 4)
    stop.set()
    for t in readers:
        t.join(60)
    new = g.workers()
    return {**rec.summary(), "old": old, "new": new, "replaced": len(new) == len(old) and not set(new) & set(old)}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_size(achievements: int, needs: int, tmp: Path, args) -> dict:
    name = f"scale{achievements}"
    url = f"sqlite:///{tmp}/{name}.db"
    load = os.getloadavg()[0]
    log(f"seeding {achievements:,} achievements / {needs:,} needs (load average {load:.2f})")
    started = time.perf_counter()
    extra = ["--pending", "200", "--audit", str(achievements // 10), "--challenges", str(max(100, needs // 50))]
    manifest = seed(url, tmp, name, achievements, needs, extra=extra)
    seeding = time.perf_counter() - started
    log(f"seeded in {seeding:.0f} s: {manifest['timings']}, peak RSS {manifest['peak_rss_mb']} MB")
    started = time.perf_counter()
    g = Gunicorn(app_env(url, tmp, name), tmp / f"gunicorn-{name}.log", config=True)
    ready = time.perf_counter() - started
    result = {
        "achievements": achievements,
        "needs": needs,
        "seeding_s": seeding,
        "ready_s": ready,
        "seed": manifest,
        "load_before": load,
        "pages": {},
    }
    try:
        emails = [manifest["detail_need"]["owner"], manifest["admin"], manifest["supply_users"][0]]
        emails += [manifest["challenge"]["sponsor"]] if manifest["challenge"]["sponsor"] not in emails else []
        sessions = {e: login(g.port, e, manifest["password"]) for e in emails}
        tokens = {}
        for who, email in (("owner", emails[0]), ("admin", emails[1])):
            status, _ms, body = request(
                g.port, "/api/v1/auth/token", method="POST", body={"email": email, "password": manifest["password"]}
            )
            tokens[who] = json.loads(body)["token"] if status == 201 else ""
        targets = pages(manifest, sessions, tokens)
        for label, path, how in targets:  # the first answer of a fresh worker, page by page
            target = path() if callable(path) else path
            status, ms, _body = request(g.port, target, **how)
            result["pages"][label] = {"first": ms, "first_status": status}
        for label, path, how in targets:
            log(f"{args.requests} × 2 threads: {label}")
            result["pages"][label].update(measure(g.port, path, how, 2, args.requests))
        log(f"kill -HUP of the master under load ({args.hup_seconds} s, 4 readers)")
        mixed = [t for t in targets if not t[0].startswith(("dashboard CSV", "API"))]  # the API limits one address
        result["hup"] = restart_under_load(g, mixed, args.hup_seconds)
        result["rss"] = {pid: peak_rss_mb(pid) for pid in g.workers()}
        result["master_rss"] = peak_rss_mb(g.proc.pid)
    finally:
        g.stop()
    result["load_after"] = os.getloadavg()[0]
    return result


def checks(result: dict) -> list[str]:
    """What failed for one size (empty: every page within the limits)."""
    pages_, home = result["pages"], result["pages"]["home `/`"]["p50"]
    failed = []
    for label, r in pages_.items():
        if r["failures"] or r["first_status"] != 200:
            failed.append(
                f"{label}: {len(r['failures'])} failures, first HTTP {r['first_status']} ({r['failures'][:2]})"
            )
        if r["p99"] >= LIMIT_MS or r["first"] >= LIMIT_MS:
            failed.append(f"{label}: p99 {r['p99']:.0f} ms / first {r['first']:.0f} ms ≥ {LIMIT_MS:.0f} ms")
        if r["p50"] > RATIO * home:
            failed.append(f"{label}: p50 {r['p50']:.0f} ms > {RATIO:.0f} × home ({home:.1f} ms)")
    hup = result["hup"]
    if hup["failures"] or hup["max"] >= LIMIT_MS or not hup["replaced"]:
        failed.append(
            f"kill -HUP: max {hup['max']:.0f} ms, {len(hup['failures'])} failures, replaced {hup['replaced']}"
        )
    for pid, mb in result["rss"].items():
        if mb >= 1024:
            failed.append(f"worker {pid}: peak RSS {mb:.0f} MB ≥ 1 GB")
    return failed


def markdown(results: list[dict], started: datetime, commit: str) -> str:
    first, last = results[0], results[-1]
    size = lambda r: f"{r['achievements'] // 1000}k/{r['needs'] // 1000}k"  # noqa: E731
    ok = all(not checks(r) for r in results)
    lines = [f"### Scale — {started:%Y-%m-%d %H:%M} (commit {commit}, {'PASS' if ok else 'FAIL'})", ""]
    for r in results:
        s = r["seed"]
        lines.append(
            f"- **{size(r)}**: seeded in {r['seeding_s']:.0f} s (inserts {s['timings']['insert_postings']:.0f} s, "
            f"index {s['timings']['build_index']:.0f} s, figures {s['timings']['figures']:.0f} s; peak RSS "
            f"{s['peak_rss_mb']['seed']:,} MB, forked workers {s['peak_rss_mb']['forked_workers']:,} MB); gunicorn "
            f"answering {r['ready_s']:.1f} s after its start; peak RSS per worker "
            f"{', '.join(f'{mb:.0f}' for mb in r['rss'].values())} MB (master {r['master_rss']:.0f} MB); "
            f"1-min load average {r['load_before']:.2f} before, {r['load_after']:.2f} after; `kill -HUP` under load: "
            f"{r['hup']['n']} answers, p50 {r['hup']['p50']:.0f} ms, p99 {r['hup']['p99']:.0f} ms, max "
            f"{r['hup']['max']:.0f} ms, {len(r['hup']['failures'])} failures, workers replaced: "
            f"{'yes' if r['hup']['replaced'] else 'NO'}."
        )
    head = "| page | " + " | ".join(f"{size(r)} first ms | {size(r)} p50 / p99 ms" for r in results)
    lines += ["", head + " | growth p50 | |", "|---" * (2 + 2 * len(results)) + "|---|"]
    for label in first["pages"]:
        cells = []
        for r in results:
            p = r["pages"][label]
            cells.append(f"{p['first']:.0f} | {p['p50']:.0f} / {p['p99']:.0f}")
        growth = last["pages"][label]["p50"] / max(first["pages"][label]["p50"], 0.1)
        bad = any(c.startswith(label) for r in results for c in checks(r))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {growth:.1f}× | {'❌' if bad else '✅'} |")
    for r in results:
        for failure in checks(r):
            lines.append(f"\n- {size(r)} FAIL: {failure}")
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    return [tuple(int(x) for x in part.split(":")) for part in text.split(",")]


def run(args, tmp: Path) -> tuple[str, bool, list[dict]]:
    started = datetime.now()
    results = [run_size(a, n, tmp, args) for a, n in parse_sizes(args.sizes)]
    commit = os.popen(f"git -C {ROOT} rev-parse --short HEAD").read().strip() or "?"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale-latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    text = markdown(results, started, commit)
    (OUT / "scale-latest.md").write_text(text)
    return text, all(not checks(r) for r in results), results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="10000:5000,100000:50000", help="achievements:needs, comma-separated")
    parser.add_argument("--requests", type=int, default=40, help="requests per thread and page (2 threads)")
    parser.add_argument("--hup-seconds", type=float, default=20.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale."))
    try:
        text, ok, _results = run(args, tmp)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
