"""A worker is ready before its first request: the index loaded and caught up, by the master before
forking and by each worker before it accepts (``gunicorn.conf.py``, ``matchmaker/warmup.py``).

One test runs real gunicorn with the project's config file on 127.0.0.1 (skipped where gunicorn is
not installed); the other calls ``warm`` in process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from matchmaker.services import browse, match_index
from matchmaker.warmup import warm
from tests.live import GUNICORN, ROOT
from tests.live import free_port as _free_port
from tests.live import wait_for as _wait


def test_warm_loads_the_index_and_the_order_lists(app, world, make):
    posting = make.achievement(world["bj_org"], title="高炉煤气干法除尘")
    browse.order_cache.clear()
    match_index._STATES.clear()
    steps = warm(app)
    assert set(steps) == {"index", "kernel", "order", "templates", "pages"}
    state = match_index._STATES[str(Path(app.config["MATCHING_INDEX_DIR"]))]
    assert f"a{posting}" in state.matcher and state.version
    assert len(browse.order_cache) >= 2  # both kinds' newest-first lists, read before any request


def _log_lines(path: Path, text: str) -> int:
    return path.read_text(errors="replace").count(text)


def test_gunicorn_workers_start_warm_and_stay_warm_across_a_hup(database_url, tmp_path, app, world, make):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    make.achievement(world["bj_org"], title="高炉煤气干法除尘技术", keywords=["高炉煤气", "除尘"])
    port = _free_port()
    env = {
        **os.environ,
        "MW_DATABASE_URL": database_url,
        "MW_RATELIMIT_STORAGE_URI": "memory://",
        "MW_INDEX_DIR": str(tmp_path / "gunicorn-index"),
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "-w",
                "2",
                "--no-control-socket",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "-b",
                f"127.0.0.1:{port}",
                "--pythonpath",
                str(ROOT),
                "tests.multiworker_app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait(port, 60)
            deadline = time.time() + 60
            while _log_lines(log_path, "warm worker") < 2 and time.time() < deadline:
                time.sleep(0.1)
            text = log_path.read_text(errors="replace")
            # The master warmed (and fitted the missing index) before the first worker was forked.
            assert text.index("warm master") < text.index("Booting worker"), text
            assert _log_lines(log_path, "warm worker") == 2
            assert (tmp_path / "gunicorn-index" / "CURRENT").exists()
            query = urllib.parse.quote("高炉煤气")
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/achievements/?q={query}", timeout=30).read()
            assert "<mark>高炉煤气</mark>干法除尘技术" in page.decode()
            os.kill(proc.pid, signal.SIGHUP)  # new workers fork from the warm master and catch up first
            deadline = time.time() + 60
            while _log_lines(log_path, "warm worker") < 4 and time.time() < deadline:
                time.sleep(0.1)
            assert _log_lines(log_path, "warm worker") == 4 and _log_lines(log_path, "warm master") == 1
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/achievements/?q={query}", timeout=30).read()
            assert "<mark>高炉煤气</mark>干法除尘技术" in page.decode()
            assert "Traceback" not in log_path.read_text(errors="replace")
        finally:
            proc.terminate()
            proc.wait(30)


def test_warm_on_an_empty_pool(app):
    match_index._STATES.clear()
    assert warm(app, pages=False)["index"] >= 0  # the first start of a new install: nothing published yet
