"""Load and fault benchmark (issue 7): gunicorn -w 2 on 127.0.0.1, wrk and a threaded client.

    make bench-load                     # or: .venv/bin/python bench/load.py [--duration 30] [--skip-pg]

Runs, in order, against ``gunicorn -w 2 --no-control-socket`` serving ``bench/load_app.py`` (the
development config: CSRF on, plain-http cookies) on a free 127.0.0.1 port:

0. seed a SQLite database (``bench/seed_scale.py``: 10,000 achievements, 5,000 needs, all
   published, plus the match index) in a temp dir; confirm the app's connections run in WAL mode
   with the 15 s busy timeout (``PRAGMA journal_mode`` / ``busy_timeout`` / ``synchronous`` /
   ``foreign_keys`` through the app's own engine); log in the accounts of the manifest (GET /login,
   parse ``csrf_token``, POST it with the cookie, then read a fresh token after login);
1. wrk, ``--duration`` s each: the browse page ``/achievements/``; a need's page with its
   suggestions, logged in as its owner (every page must contain the suggestions section); search
   ``/achievements/?q=…`` cycling Chinese queries (``bench/lua/reads.lua``);
2. writes on SQLite for ``--duration`` s, 16 connections: 8 expressing interest on 160 fresh pairs
   (each pair four times in a row from both sides, so duplicates are expected and race on the
   unique index: ``bench/lua/interests.lua``) and 8 posting messages with unique markers on 32
   accepted interests (``bench/lua/messages.lua``); then the rows are counted (every pair exactly
   one interest; messages ≥ acknowledged; one notification per message and per interest) and
   the gunicorn log is grepped for "database is locked";
3. ``kill -9`` of a gunicorn worker, twice, during a burst of message posts by 8 Python threads,
   each recording every acknowledged (303) write's marker; afterwards every acknowledged marker
   must be in the database, ``PRAGMA integrity_check`` must be ``ok`` and ``foreign_key_check`` empty;
4. PostgreSQL (``.ci/pg.sh`` in a subshell, on a free port; seed 1,000/500; gunicorn on it): a
   client polls four pages while the server is stopped (``pg_ctl stop -m fast``) and started again;
   while down every answer must be the app's own error page (5xx, no traceback), and it must
   recover without restarting gunicorn (``pool_pre_ping``). Reports the count and the recovery time.

Prints a Markdown table (also written to ``bench/out/load-latest.md``) and exits 1 if a check failed.
Every load is bounded (duration and count) and targets 127.0.0.1 only. Needs ``wrk`` (apt).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua"
OUT = BENCH / "out"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SEARCH_QUERIES = [
    "高炉煤气",
    "脱硫脱硝",
    "钢渣",
    "锂电池",
    "废水 深度处理",
    "机器视觉",
    "超低排放",
    "催化剂",
    "余热回收",
    "智能制造",
    "生物发酵",
    "复合材料",
    "氢能",
    "农业 节水",
    "中试",
    "光伏",
]
CLEAN_ERROR_MARK = 'class="error-page"'
LEAK_MARKS = ("Traceback", "psycopg", "OperationalError", "sqlalchemy", 'File "/')
DEADLINE_S = 8 * 60  # the whole run must fit in make bench-load's budget


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- a tiny HTTP client (stdlib only)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    elapsed: float


class Client:
    """One cookie jar over http.client; a fresh connection per request (gunicorn sync closes anyway)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, timeout: float = 10.0):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = dict(cookies or {})

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            for raw in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    if morsel.value and "1970" not in (morsel["expires"] or ""):
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return Response(
                resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, time.perf_counter() - start
            )
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)


def csrf_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = tag and re.search(r'value="([^"]+)"', tag.group(0))
    if not value:
        raise RuntimeError("no csrf_token input on the page")
    return value.group(1)


def login(port: int, email: str, password: str) -> dict:
    """Log in like a browser: GET /login, POST the form with its CSRF token, read a fresh token."""
    client = Client(port)
    page = client.get("/login")
    answer = client.post("/login", {"csrf_token": csrf_token(page.body), "email": email, "password": password})
    if answer.status not in (302, 303) or "/login" in answer.headers.get("location", ""):
        raise RuntimeError(f"login of {email} failed: HTTP {answer.status}")
    mine = client.get("/me/postings")
    if mine.status != 200:
        raise RuntimeError(f"after login, /me/postings gave HTTP {mine.status}")
    return {
        "email": email,
        "cookie": client.cookie_header,
        "cookies": dict(client.cookies),
        "csrf": csrf_token(mine.body),
    }


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 2 --no-control-socket -c gunicorn.conf.py`` (preload and warm-up, as deployed) on a
    free loopback port, its output in ``log_path``."""

    def __init__(self, env: dict, log_path: Path, workers: int = 2, config: bool = True):
        self.port = free_port()
        self.log_path = log_path
        self.log_file = open(log_path, "ab")
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "-w",
            str(workers),
            "--no-control-socket",
            "-b",
            f"{HOST}:{self.port}",
            *(["-c", str(ROOT / "gunicorn.conf.py")] if config else []),
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(BENCH),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "load_app:app",
        ]
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {log_path}")
            try:  # answering, and every worker forked (they fork a moment apart from the warm master)
                if Client(self.port, timeout=30).get("/").status == 200 and len(self.workers()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 90 s")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # the master stops its workers gracefully
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group, by id
                self.proc.wait(5)
        self.log_file.close()

    def log_counts(self) -> dict[str, int]:
        text = self.log_path.read_text(errors="replace")
        return {
            "database is locked": text.count("database is locked"),
            "Traceback": text.count("Traceback (most recent call last)"),
            "Unhandled error": text.count("Unhandled error"),
            "WORKER TIMEOUT": text.count("WORKER TIMEOUT"),
        }


def app_env(database_url: str, tmp: Path, name: str) -> dict:
    env = dict(os.environ)
    env.update(
        MATCHMAKER_ENV="development",
        SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-load-" + "k" * 40),
        DATABASE_URL=database_url,
        BENCH_MATCHING_INDEX_DIR=str(tmp / f"{name}-matching"),
        BENCH_MAIL_OUTBOX_DIR=str(tmp / f"{name}-outbox"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("RATELIMIT_STORAGE_URI", None)
    return env


def seed(database_url: str, tmp: Path, name: str, achievements: int, needs: int, extra: list[str] = ()) -> dict:
    manifest = tmp / f"{name}-manifest.json"
    cmd = [
        sys.executable,
        str(BENCH / "seed_scale.py"),
        "--database-url",
        database_url,
        "--index-dir",
        str(tmp / f"{name}-matching"),
        "--manifest",
        str(manifest),
        "--achievements",
        str(achievements),
        "--needs",
        str(needs),
        *extra,
    ]
    proc = subprocess.run(cmd, env=app_env(database_url, tmp, name), capture_output=True, text=True, timeout=1800)
    if proc.returncode:
        raise RuntimeError(f"seed failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return json.loads(manifest.read_text())


# ---------------------------------------------------------------- wrk


def lua_value(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "nil"
    text = str(value)
    if not text.isascii():
        raise ValueError(f"non-ASCII value for Lua: {text!r}")
    return json.dumps(text)


def start_wrk(tmp: Path, name: str, script: str, port: int, data: dict, connections: int, threads: int, duration: int):
    data_path = tmp / f"wrk-{name}.lua"
    data_path.write_text("return " + lua_value(data) + "\n")
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA), BENCH_DATA=str(data_path), BENCH_THREADS=str(threads))
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
        f"http://{HOST}:{port}/",
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_wrk(proc, duration: int) -> dict:
    try:
        out, err = proc.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    line = next((row for row in out.splitlines() if row.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary (rc {proc.returncode}):\n{out}\n{err}")
    result = json.loads(line[len("BENCHJSON ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["socket_errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return result


def run_wrk(tmp, name, script, port, data, connections, threads, duration) -> dict:
    result = finish_wrk(start_wrk(tmp, name, script, port, data, connections, threads, duration), duration)
    settle(port)
    return result


def settle(port: int, limit: float = 30.0) -> float:
    """Wait until both workers are idle again: wrk stops sending, but the sync workers still serve what
    was queued on the listen socket (seconds of search pages), which would land in the next run's tail."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        times: list[float] = []

        def probe() -> None:
            try:
                times.append(Client(port, timeout=limit).get("/static/css/app.css").elapsed)
            except OSError:
                times.append(limit)

        probes = [threading.Thread(target=probe) for _ in range(4)]
        for th in probes:
            th.start()
        for th in probes:
            th.join()
        if max(times) < 0.15:
            break
        time.sleep(0.5)
    return time.monotonic() - start


def enc(text: str) -> str:
    return urllib.parse.quote(text, safe="")


# ---------------------------------------------------------------- the report


@dataclass
class Row:
    test: str
    conns: str = "—"
    duration: str = "—"
    requests: str = "—"
    rps: str = "—"
    p50: str = "—"
    p99: str = "—"
    errors: str = "—"
    checks: str = ""
    ok: bool = True


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # whole sections after the notes (the scale stage's)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        log(
            f"{'PASS' if row.ok else 'FAIL'} {row.test}: {row.rps} req/s p50 {row.p50} p99 {row.p99} "
            f"errors {row.errors}; {row.checks}"
        )
        return row

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def markdown(self, header: list[str]) -> str:
        lines = header + [
            "",
            "| # | Test | Conns | Time | Requests | req/s | p50 ms | p99 ms | Errors / non-2xx | Checks | |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for n, r in enumerate(self.rows, 1):
            lines.append(
                f"| {n} | {r.test} | {r.conns} | {r.duration} | {r.requests} | {r.rps} | {r.p50} | {r.p99} | "
                f"{r.errors} | {r.checks} | {'✅' if r.ok else '❌'} |"
            )
        if self.notes:
            lines += [""] + [f"- {n}" for n in self.notes]
        for table in self.tables:
            lines += ["", table.rstrip()]
        return "\n".join(lines) + "\n"


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def wrk_row(test: str, r: dict, conns: int, duration: int, checks: list[str], ok: bool) -> Row:
    non2xx = sum(v for k, v in r["counts"].items() if k.startswith("s"))
    errors = f"{r['socket_errors']} socket / {non2xx} non-2xx"
    return Row(
        test,
        str(conns),
        f"{duration} s",
        f"{r['requests']:,}",
        f"{r['rps']:,.0f}",
        ms(r["p50_us"]),
        ms(r["p99_us"]),
        errors,
        "; ".join(checks),
        ok,
    )


# ---------------------------------------------------------------- the stages


def check_sqlite_settings(database_url: str, tmp: Path, report: Report) -> None:
    """The app's own engine: journal mode, busy timeout, synchronous and foreign keys per connection."""
    code = (
        "import json\n"  # noqa: UP031 (a program text full of braces: %r is plainer)
        "from sqlalchemy import text\n"
        "from matchmaker.app import create_app\n"
        "from matchmaker.extensions import db\n"
        "app = create_app('development', {'MATCHING_INDEX_DIR': %r})\n"
        "with app.app_context():\n"
        "    with db.engine.connect() as c:\n"
        "        out = {k: c.execute(text('PRAGMA ' + k)).scalar() for k in\n"
        "               ('journal_mode', 'busy_timeout', 'synchronous', 'foreign_keys')}\n"
        "print(json.dumps(out))\n" % str(tmp / "sqlite-matching")
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=app_env(database_url, tmp, "sqlite"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    got = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {}
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as raw:
        on_disk = raw.execute("PRAGMA journal_mode").fetchone()[0]  # WAL is persistent in the file
    ok = (
        got.get("journal_mode") == "wal"
        and got.get("busy_timeout") == 15000
        and got.get("synchronous") == 1
        and got.get("foreign_keys") == 1
        and on_disk == "wal"
    )
    report.add(
        Row(
            "SQLite settings on the app's connections",
            checks=(
                f"journal_mode={got.get('journal_mode')} (file: {on_disk}), busy_timeout={got.get('busy_timeout')} ms, "
                f"synchronous={got.get('synchronous')} (NORMAL=1), foreign_keys={got.get('foreign_keys')}"
            )
            if got
            else f"could not read: {proc.stderr[-300:]}",
            ok=ok,
        )
    )


def stage_reads(g: Gunicorn, manifest: dict, sessions: dict, tmp: Path, args, report: Report) -> None:
    need = manifest["detail_need"]
    owner = sessions[need["owner"]]
    pre = Client(g.port, owner["cookies"]).get(f"/needs/{need['id']}")
    n_sugg = pre.body.count('class="card suggestion ')
    if pre.status != 200 or 'class="suggestions"' not in pre.body:
        raise RuntimeError(f"need page for its owner: HTTP {pre.status}, no suggestions section")
    search_paths = [f"/achievements/?q={enc(q)}" for q in SEARCH_QUERIES]
    # Warm both workers (index load, segmenter, first templates) so the first seconds are not measured.
    warm = ["/achievements/", f"/needs/{need['id']}"] + search_paths
    run_wrk(tmp, "warm", "reads.lua", g.port, {"paths": warm, "cookie": owner["cookie"]}, 4, 2, 3)
    c, t, d = args.read_connections, 2, args.duration
    # (name, wrk data, p99 target in ms: LD-1 for the list page, LD-2 for the search and match pages)
    cases = [
        (
            f"Browse `/achievements/` (anonymous, 20 per page of {manifest['counts']['achievements']:,})",
            {"paths": ["/achievements/"], "expect": 'class="result-count"'},
            150,
        ),
        (
            f"Need page with suggestions (owner logged in; {n_sugg} suggestions)",
            {"paths": [f"/needs/{need['id']}"], "cookie": owner["cookie"], "expect": 'class="suggestions"'},
            500,
        ),
        (
            f"Search `/achievements/?q=` ({len(SEARCH_QUERIES)} Chinese queries, cycled)",
            {"paths": search_paths, "expect": 'class="result-count"'},
            500,
        ),
    ]
    for n, (name, data, target) in enumerate(cases, 1):
        # Service time without queueing: a few requests one after the other on one connection.
        client = Client(g.port, owner["cookies"] if data.get("cookie") else None, timeout=30)
        single = sorted(client.get(data["paths"][k % len(data["paths"])]).elapsed for k in range(args.single_requests))
        single_p50 = single[len(single) // 2] * 1000 if single else 0.0
        log(f"wrk {d} s -c{c}: {name}")
        r = run_wrk(tmp, f"read{n}", "reads.lua", g.port, data, c, t, d)
        missing = r["counts"].get("missing", 0)
        errors = r["socket_errors"] + r["status"]
        non2xx = sum(v for k, v in r["counts"].items() if k.startswith("s"))
        fast = r["p99_us"] / 1000 < target
        checks = [
            f"0 errors: {'yes' if errors == 0 and non2xx == 0 else 'NO'}",
            f"p99 < {target} ms: {'yes' if fast else 'NO'}",
            f"one connection alone: p50 {single_p50:.0f} ms ({args.single_requests} requests)",
            f"pages without the expected content: {missing}",
            f"max {ms(r['max_us'])} ms",
        ]
        report.add(wrk_row(name, r, c, d, checks, errors == 0 and non2xx == 0 and missing == 0 and fast))


def stage_hup(g: Gunicorn, manifest: dict, sessions: dict, tmp: Path, args, report: Report) -> None:
    """DF-6: ``kill -HUP`` the master (graceful reload: new workers, old ones finish) under wrk."""
    need = manifest["detail_need"]
    owner = sessions[need["owner"]]
    paths = ["/achievements/", f"/needs/{need['id']}"] + [f"/achievements/?q={enc(q)}" for q in SEARCH_QUERIES[:4]]
    data = {"paths": paths, "cookie": owner["cookie"], "expect": "</html>"}
    c, d = args.read_connections, args.duration
    old = g.workers()
    log(f"wrk {d} s -c{c} with kill -HUP of the master at {d // 3} s")
    proc = start_wrk(tmp, "hup", "reads.lua", g.port, data, c, 2, d)
    time.sleep(d // 3)
    os.kill(g.proc.pid, signal.SIGHUP)
    r = finish_wrk(proc, d)
    settle(g.port)
    new = g.workers()
    errors = r["socket_errors"] + r["status"]
    non2xx = sum(v for k, v in r["counts"].items() if k.startswith("s"))
    missing = r["counts"].get("missing", 0)
    reloaded = len(new) == len(old) and not set(new) & set(old)
    statuses = {k[1:]: v for k, v in r["counts"].items() if k.startswith("s")}
    checks = [
        f"0 errors: {'yes' if errors == 0 and non2xx == 0 else 'NO'}" + (f" (HTTP {statuses})" if statuses else ""),
        f"workers replaced: {'yes' if reloaded else 'NO'} ({old} → {new})",
        f"pages without the expected content: {missing}",
        f"max {ms(r['max_us'])} ms",
    ]
    report.add(
        wrk_row(
            "`kill -HUP` (graceful reload) of the master during browse, need page and search",
            r,
            c,
            d,
            checks,
            errors == 0 and non2xx == 0 and missing == 0 and reloaded,
        )
    )


def _db_counts(path: str, run: str) -> dict:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as con:
        q = lambda sql, *a: con.execute(sql, a).fetchone()[0]  # noqa: E731
        return {
            "interests": q("SELECT COUNT(*) FROM interests"),
            "max_interest": q("SELECT COALESCE(MAX(id), 0) FROM interests"),
            "messages_marked": q("SELECT COUNT(*) FROM messages WHERE body LIKE ?", run + "-%"),
            "messages": q("SELECT COUNT(*) FROM messages"),
            "n_new_message": q("SELECT COUNT(*) FROM notifications WHERE event = 'new_message'"),
            "n_interest_received": q("SELECT COUNT(*) FROM notifications WHERE event = 'interest_received'"),
            "proposed_events": q("SELECT COUNT(*) FROM interest_events WHERE to_status = 'proposed'"),
        }


def stage_writes(g: Gunicorn, manifest: dict, sessions: dict, db_path: str, tmp: Path, args, report: Report) -> None:
    emails = list(sessions)
    index = {email: n + 1 for n, email in enumerate(emails)}  # Lua tables are 1-based
    lua_sessions = [{"cookie": sessions[e]["cookie"], "csrf": sessions[e]["csrf"]} for e in emails]
    pairs = [
        {
            "need_id": p["need_id"],
            "achievement_id": p["achievement_id"],
            "firm": index[p["firm"]],
            "supplier": index[p["supplier"]],
        }
        for p in manifest["pairs"]
    ]
    accepted = [
        {"id": a["id"], "firm": index[a["firm"]], "supplier": index[a["supplier"]]} for a in manifest["accepted"]
    ]
    run = "LD2-" + secrets.token_hex(3)
    next_path = "/interests?bench=dup"
    before = _db_counts(db_path, run)
    log_before = g.log_counts()
    half, d = args.write_connections // 2, args.duration
    log(f"wrk {d} s: {half} connections expressing interest + {half} posting messages (SQLite)")
    p_int = start_wrk(
        tmp,
        "interests",
        "interests.lua",
        g.port,
        {
            "sessions": lua_sessions,
            "pairs": pairs,
            "message": enc("基准测试：对该成果感兴趣，希望进一步洽谈。"),
            "next": next_path,
            "next_enc": enc(next_path),
        },
        half,
        1,
        d,
    )
    p_msg = start_wrk(
        tmp,
        "messages",
        "messages.lua",
        g.port,
        {
            "sessions": lua_sessions,
            "accepted": accepted,
            "run": run,
            "text_enc": enc(" 基准测试消息：请提供中试数据和报价。"),
        },
        half,
        1,
        d,
    )
    ri, rm = finish_wrk(p_int, d), finish_wrk(p_msg, d)
    settle(g.port)  # requests cut at the end of the run may still be committing
    after = _db_counts(db_path, run)
    logs = {k: v - log_before.get(k, 0) for k, v in g.log_counts().items()}

    # Express interest: every attempted pair ends with exactly one interest row (no lost write, no duplicate).
    c = ri["counts"]
    attempted = min(len(pairs), -(-c.get("issued", 0) // 4))
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT need_id, achievement_id FROM interests WHERE id > ?", (before["max_interest"],)
        ).fetchall()
        dup_open = con.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM interests WHERE status IN ('proposed','negotiating','on_hold') "
            "GROUP BY need_id, achievement_id HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    pair_set = {(p["need_id"], p["achievement_id"]) for p in pairs}
    new_rows = len(rows)
    per_pair_ok = len(set(rows)) == new_rows and set(rows) <= pair_set
    wrapped = c.get("issued", 0) >= 4 * len(pairs)
    created_ok = (
        (c.get("created", 0) == new_rows == len(pairs)) if wrapped else (c.get("created", 0) <= new_rows <= attempted)
    )
    non2xx_i = sum(v for k, v in c.items() if k.startswith("s"))
    ok_i = (
        ri["socket_errors"] == 0
        and c.get("error", 0) == 0
        and per_pair_ok
        and created_ok
        and dup_open == 0
        and after["n_interest_received"] - before["n_interest_received"] == new_rows
        and after["proposed_events"] - before["proposed_events"] == new_rows
    )
    report.add(
        Row(
            "Write: POST /interests (express interest, SQLite)",
            str(half),
            f"{d} s",
            f"{ri['requests']:,}",
            f"{ri['rps']:,.0f}",
            ms(ri["p50_us"]),
            ms(ri["p99_us"]),
            f"{ri['socket_errors']} socket / {non2xx_i} non-2xx / {c.get('error', 0)} unexpected",
            f"created {c.get('created', 0)} (rows {new_rows}, pairs attempted {attempted}/{len(pairs)}), "
            f"duplicates refused {c.get('duplicate', 0)} (expected); pairs with >1 open interest: {dup_open}; "
            f"one notification and one event per interest: "
            f"{'yes' if after['n_interest_received'] - before['n_interest_received'] == new_rows else 'NO'}",
            ok_i,
        )
    )

    cm = rm["counts"]
    stored = after["messages_marked"]
    notes_delta = after["n_new_message"] - before["n_new_message"]
    msg_delta = after["messages"] - before["messages"]
    non2xx_m = sum(v for k, v in cm.items() if k.startswith("s"))
    ok_m = (
        rm["socket_errors"] == 0
        and cm.get("error", 0) == 0
        and stored >= cm.get("acked", 0)
        and stored <= cm.get("issued", 0)
        and notes_delta == msg_delta
    )
    report.add(
        Row(
            "Write: POST /interests/ID/messages (SQLite)",
            str(half),
            f"{d} s",
            f"{rm['requests']:,}",
            f"{rm['rps']:,.0f}",
            ms(rm["p50_us"]),
            ms(rm["p99_us"]),
            f"{rm['socket_errors']} socket / {non2xx_m} non-2xx",
            f"acknowledged {cm.get('acked', 0)}, rows with the run's marker {stored} "
            f"(≥ acknowledged: {'yes' if stored >= cm.get('acked', 0) else 'NO'}); "
            f"one notification per message: {'yes' if notes_delta == msg_delta else f'NO ({notes_delta} vs {msg_delta})'}",
            ok_m,
        )
    )
    report.add(
        Row(
            "gunicorn log during the writes",
            checks=(
                f'"database is locked": {logs["database is locked"]}, tracebacks: {logs["Traceback"]}, '
                f"worker timeouts: {logs['WORKER TIMEOUT']}"
            ),
            ok=logs["database is locked"] == 0 and logs["Traceback"] == 0 and logs["WORKER TIMEOUT"] == 0,
        )
    )


def stage_kill(g: Gunicorn, manifest: dict, sessions: dict, db_path: str, args, report: Report) -> None:
    run = "LD3-" + secrets.token_hex(3)
    accepted = manifest["accepted"]
    before = _db_counts(db_path, run)
    acked: list[str] = []
    failed: list[tuple[str, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + args.kill_burst
    n_threads = 8

    def poster(t: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            a = accepted[(t * 5 + n) % len(accepted)]
            s = sessions[a["firm"] if n % 2 else a["supplier"]]
            marker = f"{run}-{t}-{n}"
            try:
                r = Client(g.port, s["cookies"], timeout=20).post(
                    f"/interests/{a['id']}/messages", {"csrf_token": s["csrf"], "body": marker + " 进程被杀测试消息"}
                )
                ok = r.status == 303 and re.search(r"/interests/\d+$", r.headers.get("location", ""))
                with lock:
                    (acked.append(marker) if ok else failed.append((marker, f"HTTP {r.status}")))
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    failed.append((marker, type(exc).__name__))
                time.sleep(0.05)

    log(f"kill -9 test: {n_threads} threads posting messages for {args.kill_burst} s, two workers killed")
    threads = [threading.Thread(target=poster, args=(t,), daemon=True) for t in range(n_threads)]
    start = time.monotonic()
    for th in threads:
        th.start()
    kills = []
    originals = g.workers()
    for at, victim in ((args.kill_burst * 0.3, originals[0]), (args.kill_burst * 0.6, originals[-1])):
        time.sleep(max(0.0, start + at - time.monotonic()))
        with lock:
            acked_before = len(acked)
        os.kill(victim, signal.SIGKILL)
        kills.append((round(time.monotonic() - start, 1), victim, acked_before))
    for th in threads:
        th.join(args.kill_burst + 30)
    workers_after = g.workers()
    g.stop()  # stop serving before checking the file
    locked = g.log_counts()["database is locked"]
    with sqlite3.connect(db_path, timeout=30) as con:
        found = {r[0].split(" ")[0] for r in con.execute("SELECT body FROM messages WHERE body LIKE ?", (run + "-%",))}
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        journal = con.execute("PRAGMA journal_mode").fetchone()[0]
    after = _db_counts(db_path, run)
    missing = [m for m in acked if m not in found]
    in_doubt_committed = sum(1 for m, _ in failed if m in found)
    partial = (after["n_new_message"] - before["n_new_message"]) - (after["messages"] - before["messages"])
    reasons: dict[str, int] = {}
    for _, why in failed:
        reasons[why] = reasons.get(why, 0) + 1
    ok = (
        not missing
        and integrity == "ok"
        and not fk
        and partial == 0
        and len(kills) == 2
        and len(workers_after) == 2
        and locked == 0
    )
    report.add(
        Row(
            "kill -9 a worker during a message burst (SQLite)",
            str(n_threads),
            f"{args.kill_burst} s",
            f"{len(acked) + len(failed):,}",
            f"{(len(acked) + len(failed)) / args.kill_burst:,.0f}",
            "—",
            "—",
            f"{len(failed)} unacknowledged ({', '.join(f'{k} {v}' for k, v in sorted(reasons.items())) or 'none'})",
            f"killed {len(kills)} workers (at {', '.join(f'{k[0]} s' for k in kills)}), respawned: "
            f"{'yes' if len(workers_after) == 2 else 'NO'}; acknowledged {len(acked)}, missing from the DB "
            f"{len(missing)}; unacknowledged but committed {in_doubt_committed}; messages without their "
            f"notification {partial}; integrity_check {integrity}; foreign_key_check {len(fk)} rows; journal {journal}; "
            f'"database is locked" in the log: {locked}',
            ok,
        )
    )
    if missing:
        report.notes.append(f"Lost acknowledged writes after kill -9: {missing[:10]}")


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def stage_login(url: str, tmp: Path, manifest: dict, args, report: Report) -> None:
    """LD-3: a login flood (argon2id verification per attempt) against 2 workers, first with the
    limit off (what the CPU can do, and what that does to a reader), then as deployed."""
    emails = manifest["firm_users"] + manifest["supply_users"]
    for limited in (False, True):
        env = app_env(url, tmp, "sqlite")
        if not limited:
            env["BENCH_RATELIMIT_OFF"] = "1"
        g = Gunicorn(env, tmp / f"gunicorn-login-{int(limited)}.log")
        alone = []
        for k in range(3):  # what one login costs with nothing else running
            client = Client(g.port, timeout=30)
            token = csrf_token(client.get("/login").body)
            alone.append(
                client.post(
                    "/login", {"csrf_token": token, "email": emails[k], "password": manifest["password"]}
                ).elapsed
            )
        results: list[tuple[int, float, float]] = []  # status, latency, finished at
        failures: dict[str, int] = {}
        browse: list[tuple[float, float]] = []  # latency, finished at
        lock = threading.Lock()
        stop_at = time.monotonic() + args.login_duration

        def flooder(t: int) -> None:
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                client = Client(g.port, timeout=30)
                try:
                    token = csrf_token(client.get("/login").body)
                    r = client.post(
                        "/login",
                        {"csrf_token": token, "email": emails[(t + n) % len(emails)], "password": manifest["password"]},
                    )
                    with lock:
                        results.append((r.status, r.elapsed, time.monotonic()))
                except (OSError, http.client.HTTPException, RuntimeError) as exc:
                    with lock:
                        failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1

        def reader() -> None:
            while time.monotonic() < stop_at:
                try:
                    r = Client(g.port, timeout=30).get("/achievements/")
                    why = "" if r.status == 200 else f"browse HTTP {r.status}"
                except (OSError, http.client.HTTPException) as exc:
                    r, why = None, f"browse {type(exc).__name__}"
                with lock:
                    if why:
                        failures[why] = failures.get(why, 0) + 1
                    else:
                        browse.append((r.elapsed, time.monotonic()))

        log(
            f"login flood {args.login_duration} s, {args.login_connections} clients, rate limit {'on' if limited else 'off'}"
        )
        threads = [threading.Thread(target=flooder, args=(t,), daemon=True) for t in range(args.login_connections)]
        threads.append(threading.Thread(target=reader, daemon=True))
        for th in threads:
            th.start()
        for th in threads:
            th.join(args.login_duration + 60)
        g.stop()
        logs = g.log_counts()
        ok_logins = [e for st, e, _ in results if st in (302, 303)]
        limited_n = sum(1 for st, _, _ in results if st == 429)
        other = sum(1 for st, _, _ in results if st not in (302, 303, 429))
        all_lat = [e for _, e, _ in results]
        reads = [e for e, _ in browse]
        checks = [
            f"one login alone: {min(alone) * 1000:.0f} ms",
            f"signed in {len(ok_logins)} ({len(ok_logins) / args.login_duration:.1f}/s), 429 {limited_n}, "
            f"other answers {other}, failures {sum(failures.values())}",
            f"successful login p50 {_percentile(ok_logins, 0.5) * 1000:.0f} ms",
            f"meanwhile one reader on `/achievements/`: {len(reads)} pages, p50 "
            f"{_percentile(reads, 0.5) * 1000:.0f} ms, p99 {_percentile(reads, 0.99) * 1000:.0f} ms",
            f"tracebacks in the log: {logs['Traceback']}",
        ]
        ok = other == 0 and not failures and logs["Traceback"] == 0 and bool(ok_logins)
        if limited:
            # The allowance (10 a minute per address and worker with memory://; Redis makes it one count
            # for all workers, tests/test_multiworker.py) is spent in the first seconds; after that the
            # flood gets cheap 429s and the reader should not notice it.
            spent = max(t for st, _, t in results if st in (302, 303)) if ok_logins else stop_at
            after = [e for e, t in browse if t > spent + 1.0]
            p99_after = _percentile(after, 0.99) * 1000
            ok = ok and limited_n > 0 and len(after) >= 20 and p99_after < 150
            checks.append(
                f"once the allowance is spent ({stop_at - spent - 1.0:.1f} s): reader {len(after)} pages, "
                f"p99 {p99_after:.0f} ms < 150 ms (LD-1): {'yes' if ok else 'NO'}"
            )
        name = (
            "Login flood, rate limit as deployed (10/min per address, per worker with memory://)"
            if limited
            else "Login flood, rate limit off: argon2id capacity of 2 workers"
        )
        report.add(
            Row(
                name,
                str(args.login_connections),
                f"{args.login_duration} s",
                f"{len(results):,}",
                f"{len(results) / args.login_duration:,.1f}",
                f"{_percentile(all_lat, 0.5) * 1000:.1f}",
                f"{_percentile(all_lat, 0.99) * 1000:.1f}",
                f"{other} other / {sum(failures.values())} failed",
                "; ".join(checks),
                ok,
            )
        )


# ---------------------------------------------------------------- PostgreSQL


class Postgres:
    """A throw-away cluster from .ci/pg.sh (sourced in a subshell), on a free port; stop/start/down."""

    def __init__(self):
        self.port = free_port()
        env = dict(os.environ, PGPORT=str(self.port))
        proc = subprocess.run(
            [
                "bash",
                "-c",
                'source .ci/pg.sh && echo "PGDATA_TMP=$PGDATA_TMP" && echo "URL=$TEST_DATABASE_URL" '
                '&& echo "PGBIN=$PGBIN"',
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        values = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
        self.tmp = values.get("PGDATA_TMP", "")
        if proc.returncode or not self.tmp:
            self.down()
            raise RuntimeError(f".ci/pg.sh failed: {proc.stderr[-2000:]}")
        self.url, self.bin = values["URL"], values["PGBIN"]
        self.data = f"{self.tmp}/data"
        # Restart with exactly the options .ci/pg.sh used (recorded by the server in postmaster.opts).
        opts = shlex.split(Path(self.data, "postmaster.opts").read_text())[1:]
        cleaned, skip = [], False
        for item in opts:
            if skip:
                skip = False
                continue
            if item == "-D":
                skip = True
                continue
            cleaned.append(item)
        self.options = " ".join(shlex.quote(o) for o in cleaned)

    def _ctl(self, *args: str) -> float:
        start = time.monotonic()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", f"{self.bin}/pg_ctl", "-D", self.data, *args],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return time.monotonic() - start

    def stop(self) -> float:
        return self._ctl("-m", "fast", "-w", "stop")

    def start(self) -> float:
        return self._ctl("-l", f"{self.tmp}/log", "-w", "-t", "30", "-o", self.options, "start")

    def down(self) -> None:
        """What pg_down does: stop the server, remove its files."""
        if getattr(self, "tmp", "") and Path(self.tmp).exists():
            bin_ = getattr(self, "bin", "") or "/usr/lib/postgresql/15/bin"
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    f"{bin_}/pg_ctl",
                    "-D",
                    f"{self.tmp}/data",
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
            )
            shutil.rmtree(self.tmp, ignore_errors=True)


def classify(status: int, body: str) -> str:
    """ok | app (the app's own error page, nothing leaked) | bare (a 5xx that is not the app's page:
    gunicorn's or werkzeug's generic one) | leak (a traceback or driver text in the body) | other."""
    if status == 200:
        return "ok"
    if any(m in body for m in LEAK_MARKS):
        return "leak"
    if status >= 500:
        return "app" if CLEAN_ERROR_MARK in body else "bare"
    return "other"


def stage_postgres(tmp: Path, args, report: Report) -> None:
    pg = Postgres()
    g = None
    try:
        log(f"PostgreSQL on 127.0.0.1:{pg.port}; seeding {args.pg_achievements}/{args.pg_needs}")
        manifest = seed(pg.url, tmp, "pg", args.pg_achievements, args.pg_needs)
        g = Gunicorn(app_env(pg.url, tmp, "pg"), tmp / "gunicorn-pg.log")
        need = manifest["detail_need"]
        owner = login(g.port, need["owner"], manifest["password"])
        targets = [
            ("browse", None, "/achievements/"),
            ("search", None, f"/achievements/?q={enc('脱硫脱硝')}"),
            ("needs", None, "/needs/"),
            ("need page (logged in)", owner["cookies"], f"/needs/{need['id']}"),
        ]
        names = [t[0] for t in targets]
        events: list[tuple[float, float, str, int, str]] = []  # (start, end, target, status, kind)
        samples: dict[tuple[str, str], str] = {}
        lock = threading.Lock()
        t0 = time.monotonic()
        stop_polling = threading.Event()

        def poll(k: int) -> None:
            n = k
            while not stop_polling.is_set():
                name, cookies, path = targets[n % len(targets)]
                n += 1
                t = time.monotonic() - t0
                try:
                    r = Client(g.port, cookies, timeout=10).get(path)
                    kind, status = classify(r.status, r.body), r.status
                    if kind != "ok":
                        samples.setdefault((name, kind), f"HTTP {r.status}: {' '.join(r.body[:200].split())[:110]}")
                except (OSError, http.client.HTTPException) as exc:
                    kind, status = "conn:" + type(exc).__name__, 0
                with lock:
                    events.append((t, time.monotonic() - t0, name, status, kind))
                time.sleep(0.05)

        pollers = [threading.Thread(target=poll, args=(k,), daemon=True) for k in range(4)]
        for th in pollers:
            th.start()
        time.sleep(args.pg_before)
        log("pg_ctl stop -m fast")
        t_stop0 = time.monotonic() - t0
        pg.stop()
        t_stop1 = time.monotonic() - t0
        time.sleep(args.pg_down)
        log("pg_ctl start")
        t_start0 = time.monotonic() - t0
        pg.start()
        t_start1 = time.monotonic() - t0
        # Poll until every target answered 200 for 3 s in a row, at most pg_recover_max s.
        recovered_at = None
        deadline = time.monotonic() + args.pg_recover_max
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = time.monotonic() - t0
            with lock:
                after = [e for e in events if e[0] >= t_start0]
            last_bad = max((e[0] for e in after if e[4] != "ok"), default=t_start0)
            good_since = [e for e in after if e[0] > last_bad]
            if now - last_bad >= 3 and {e[2] for e in good_since} == set(names):
                recovered_at = min(e[1] for e in good_since)
                break
        stop_polling.set()
        for th in pollers:
            th.join(15)
        g_alive = g.proc.poll() is None

        before = [e for e in events if e[1] < t_stop0]
        down = [e for e in events if e[0] >= t_stop1 and e[1] < t_start0]
        transition = [e for e in events if e not in before and e not in down and e[0] < t_start1]
        after = [e for e in events if e[0] >= t_start1]
        before_ok = bool(before) and all(e[4] == "ok" for e in before)

        def breakdown(rows) -> str:
            counts: dict[str, int] = {}
            for e in rows:
                key = f"{e[2]}: {e[4]} {e[3] or ''}".strip()
                counts[key] = counts.get(key, 0) + 1
            return ", ".join(f"{k} ×{v}" for k, v in sorted(counts.items())) or "none"

        clean = sum(1 for e in down if e[4] == "app")
        not_clean = [e for e in down if e[4] != "app"]
        first_ok = min((e[1] for e in events if e[0] >= t_start0 and e[4] == "ok"), default=None)
        errors_after = sum(1 for e in after if e[4] != "ok")
        ok = before_ok and bool(down) and not not_clean and recovered_at is not None and g_alive
        if recovered_at is not None and first_ok is not None:
            recover_txt = (
                f"after `pg_ctl start` (ready in {t_start1 - t_start0:.2f} s) the first 200 came at "
                f"+{first_ok - t_start0:.2f} s and every page answered 200 from +{recovered_at - t_start0:.2f} s"
            )
        else:
            recover_txt = f"NOT recovered within {args.pg_recover_max:.0f} s"
        report.add(
            Row(
                "PostgreSQL stopped (`pg_ctl stop -m fast`) and restarted during requests",
                "4 pollers",
                f"{events[-1][1]:.0f} s" if events else "—",
                f"{len(events):,}",
                "—",
                "—",
                "—",
                f"while down: {len(not_clean)} of {len(down)} not the app's error page",
                f"before: {len(before)} all 200: {'yes' if before_ok else 'NO'}; down {t_start0 - t_stop1:.1f} s: "
                f"{clean} app error pages (5xx, no traceback); not clean: {breakdown(not_clean)}; "
                f"in flight during stop/start: {breakdown(transition)}; recovery without restarting gunicorn: "
                f"{recover_txt}; errors after restart {errors_after}; same gunicorn master: {'yes' if g_alive else 'NO'}",
                ok,
            )
        )
        for (name, kind), sample in sorted(samples.items()):
            report.notes.append(f"PostgreSQL stage, {name} ({kind}): {sample}")
    finally:
        if g is not None:
            g.stop()
        pg.down()


# ---------------------------------------------------------------- scale (bench/scale.py)


def stage_scale(tmp: Path, args, report: Report) -> None:
    """Every page people open on each pool size of ``--sizes`` (its own table: bench/out/scale-latest.md)."""
    import scale

    text, ok, results = scale.run(args, tmp)
    for r in results:
        failed = scale.checks(r)
        worst = max(r["pages"].items(), key=lambda item: item[1]["p99"])
        report.add(
            Row(
                f"Scale: every page on {r['achievements']:,} achievements / {r['needs']:,} needs "
                "(table in bench/out/scale-latest.md)",
                "2 threads",
                "—",
                f"{sum(p['n'] for p in r['pages'].values()):,}",
                "—",
                f"{r['pages']['home `/`']['p50']:.1f} (home)",
                f"{worst[1]['p99']:.0f} ({worst[0]})",
                f"{sum(len(p['failures']) for p in r['pages'].values())} failed",
                "; ".join(failed) or "every page p99 < 1 s and p50 ≤ 15 × home; kill -HUP: all < 1 s; workers < 1 GB",
                not failed,
            )
        )
    report.tables.append(text)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load and fault benchmark (bench/README.md, Load and faults)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run (default 30)")
    parser.add_argument("--read-connections", type=int, default=16)
    parser.add_argument("--write-connections", type=int, default=16)
    parser.add_argument(
        "--single-requests",
        type=int,
        default=10,
        help="sequential requests per read page before its wrk run (service time without queueing)",
    )
    parser.add_argument("--achievements", type=int, default=10000)
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--kill-burst", type=int, default=12, help="seconds of the kill -9 write burst")
    parser.add_argument("--pg-achievements", type=int, default=1000)
    parser.add_argument("--pg-needs", type=int, default=500)
    parser.add_argument("--pg-before", type=float, default=4.0, help="seconds of polling before stopping PostgreSQL")
    parser.add_argument("--pg-down", type=float, default=8.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--pg-recover-max", type=float, default=40.0)
    parser.add_argument("--login-duration", type=int, default=15, help="seconds of each login flood")
    parser.add_argument("--login-connections", type=int, default=8)
    parser.add_argument(
        "--stages",
        default="reads,hup,writes,login,kill,pg,scale",
        help="comma-separated subset of reads,hup,writes,login,kill,pg,scale (default: all, in that order)",
    )
    parser.add_argument("--skip-pg", action="store_true", help="same as leaving pg out of --stages")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, logs)")
    parser.add_argument("--out", default=str(OUT / "load-latest.md"))
    import scale

    scale.add_arguments(parser)
    args = parser.parse_args(argv)
    stages = set(args.stages.split(",")) - ({"pg"} if args.skip_pg else set())
    if stages & {"reads", "hup", "writes"} and not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y --no-install-recommends wrk (make bench-load does it as root)")
        return 2

    unknown = stages - {"reads", "hup", "writes", "login", "kill", "pg", "scale"}
    if unknown:
        parser.error(f"unknown stages: {', '.join(sorted(unknown))}")
    t_start = time.monotonic()
    started = datetime.now()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load."))
    report = Report()
    load_before = os.getloadavg()
    g = None
    seed_info = ""
    try:
        if stages & {"reads", "hup", "writes", "login", "kill"}:
            db_path = str(tmp / "load.db")
            url = "sqlite:///" + db_path
            log(f"seeding SQLite ({args.achievements:,} achievements, {args.needs:,} needs) in {tmp}")
            manifest = seed(url, tmp, "sqlite", args.achievements, args.needs)
            seed_info = (
                f"seed {manifest['counts']['achievements']:,} achievements / "
                f"{manifest['counts']['needs']:,} needs in {manifest['timings']['total']:.1f} s "
                f"(match index build {manifest['timings']['build_index']:.1f} s)"
            )
            log(seed_info)
            check_sqlite_settings(url, tmp, report)

            g = Gunicorn(app_env(url, tmp, "sqlite"), tmp / "gunicorn-sqlite.log")
            log(f"gunicorn -w 2 on {HOST}:{g.port}, workers {g.workers()}")
            emails = list(
                dict.fromkeys(manifest["firm_users"] + manifest["supply_users"] + [manifest["detail_need"]["owner"]])
            )
            sessions = {e: login(g.port, e, manifest["password"]) for e in emails}  # ≤ 10: the auth rate limit
            log(f"logged in {len(sessions)} accounts")
            if "reads" in stages:
                stage_reads(g, manifest, sessions, tmp, args, report)
            if "hup" in stages:
                stage_hup(g, manifest, sessions, tmp, args, report)
            if "writes" in stages:
                stage_writes(g, manifest, sessions, db_path, tmp, args, report)
            g.stop()
            g = None
            if "login" in stages:
                stage_login(url, tmp, manifest, args, report)
            if "kill" in stages:
                # A fresh server for the kill test (same secret and database: the sessions stay valid).
                g = Gunicorn(app_env(url, tmp, "sqlite"), tmp / "gunicorn-kill.log")
                stage_kill(g, manifest, sessions, db_path, args, report)
                g = None
        if "pg" in stages:
            stage_postgres(tmp, args, report)
        else:
            report.notes.append("PostgreSQL stage skipped.")
        if "scale" in stages:
            stage_scale(tmp, args, report)
    except Exception as exc:  # report what ran, then fail
        report.add(Row(f"aborted: {type(exc).__name__}", checks=str(exc)[:500], ok=False))
        import traceback

        traceback.print_exc()
    finally:
        if g is not None:
            g.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    total = time.monotonic() - t_start
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    wrk_version = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
        if shutil.which("wrk")
        else []
    )
    header = [
        f"### Load and faults — {started:%Y-%m-%d %H:%M} (commit {commit or '?'}, {'PASS' if report.ok else 'FAIL'})",
        "",
        f"gunicorn 2 sync workers on 127.0.0.1, wrk -t2 ({(wrk_version or ['wrk'])[0].split(' Copyright')[0]}) on the "
        f"same {os.cpu_count()} cores; 1-min load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after (other work on the machine counts); {seed_info}; total runtime "
        f"{total / 60:.1f} min. Latencies from wrk (not corrected for coordinated omission).",
    ]
    if total > DEADLINE_S and "scale" not in stages:
        report.notes.append(f"The run took {total:.0f} s, over the {DEADLINE_S} s budget.")
    text = report.markdown(header)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print()
    print(text)
    print(f"(written to {args.out})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
