"""SQ-4: Debian's sqlmap against the search and filter endpoints of a running gunicorn (optional scan).

    python bench/sqlmap_scan.py [--level 2] [--risk 1]        # apt-get install sqlmap first

Seeds a small SQLite pool (bench/seed_scale.py), serves it with gunicorn -w 2 on 127.0.0.1 (as
bench/load.py does), and runs ``sqlmap --batch --level L --risk R`` on every parameter of the browse
pages (keywords, field, region, maturity, mode, amount range), the API list, and a signed-in form
post (a message on an accepted interest, CSRF token included). Prints one row per target with
sqlmap's verdict and time, and exits 1 if sqlmap reports any injectable parameter or the server
logged a traceback. Level 2 also tests the Cookie and Referer/User-Agent headers.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from load import HOST, Gunicorn, app_env, login, seed  # noqa: E402

FILTERS = {
    "q": "电池",
    "field": "materials",
    "region": "beijing",
    "trl": "5",
    "mode": "license",
    "price_min": "1",
    "price_max": "500",
}
API_FILTERS = {"q": "电池", "field": "materials", "region": "beijing", "min_trl": "5", "page": "1", "per_page": "20"}
INJECTABLE = re.compile(r"(is vulnerable|appears to be injectable|might be injectable|injection point\(s\))", re.I)
CLEAN = "do not appear to be injectable"


def targets(manifest: dict, session: dict) -> list[tuple[str, list[str]]]:
    base = f"http://{HOST}:{{port}}"
    interest = manifest["accepted"][0]["id"]
    return [
        ("browse achievements (7 filters)", ["-u", f"{base}/achievements/?{urllib.parse.urlencode(FILTERS)}"]),
        ("browse needs (7 filters)", ["-u", f"{base}/needs/?{urllib.parse.urlencode(FILTERS)}"]),
        ("API list (6 parameters)", ["-u", f"{base}/api/v1/achievements?{urllib.parse.urlencode(API_FILTERS)}"]),
        (
            "signed-in form post: a message (body)",
            [
                "-u",
                f"{base}/interests/{interest}/messages",
                "--method",
                "POST",
                "--data",
                urllib.parse.urlencode({"csrf_token": session["csrf"], "body": "测试消息"}),
                "-p",
                "body",
                "--cookie",
                session["cookie"],
            ],
        ),
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--level", type=int, default=2)
    ap.add_argument("--risk", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    if not shutil.which("sqlmap"):
        print("sqlmap is missing: apt-get install -y --no-install-recommends sqlmap")
        return 2
    version = subprocess.run(["sqlmap", "--version"], capture_output=True, text=True).stdout.split()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench-sqlmap."))
    url = "sqlite:///" + str(tmp / "scan.db")
    rows, ok, g = [], True, None
    try:
        manifest = seed(url, tmp, "sqlite", 400, 200)
        g = Gunicorn(app_env(url, tmp, "sqlite"), tmp / "gunicorn.log")
        a = manifest["accepted"][0]
        session = login(g.port, a["firm"], manifest["password"])
        for name, target in targets(manifest, session):
            cmd = [
                "sqlmap",
                "--batch",
                f"--level={args.level}",
                f"--risk={args.risk}",
                "--disable-coloring",
                f"--output-dir={tmp / 'sqlmap'}",
                "--flush-session",
                *[t.format(port=g.port) for t in target],
            ]
            start = time.monotonic()
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout
            took = time.monotonic() - start
            (tmp / f"sqlmap-{len(rows) + 1}.txt").write_text(out)
            hits = sorted({m.group(0) for m in INJECTABLE.finditer(out)} - {"injection point(s)"})
            clean = CLEAN in out and not hits
            tested = sorted(set(re.findall(r"testing for SQL injection on ([A-Za-z-]+ parameter '[^']+')", out)))
            rows.append(
                (
                    name,
                    ", ".join(t.replace(" parameter ", " ") for t in tested) or "none",
                    f"{took:.0f} s",
                    "no injectable parameter" if clean else f"CHECK: {hits or out[-300:]}",
                )
            )
            ok = ok and clean and bool(tested)
            print(f"{name}: {rows[-1][-1]} ({took:.0f} s)", flush=True)
        g.stop()
        tracebacks = g.log_counts()["Traceback"]
        g = None
        ok = ok and tracebacks == 0
    finally:
        if g is not None:
            g.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\n{version}, --level {args.level} --risk {args.risk}, gunicorn -w 2 on SQLite; "
        f"tracebacks in the server log: {tracebacks if rows else '?'}\n"
    )
    print("| target | parameters tested | time | verdict |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
