"""The login limit holds across gunicorn workers when counted in Redis (memory:// counts per process).

Real processes: a throw-away redis-server and gunicorn with 2 workers on 127.0.0.1; skipped, with
the reason, where either is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, seconds: float = 20) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def redis_url():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make test installs it as root)")
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def two_workers(redis_url, database_url, tmp_path):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    if not database_url.startswith("sqlite"):
        pytest.skip("the limiter, not the database, is under test: SQLite is enough")
    port = _free_port()
    env = {**os.environ, "MW_DATABASE_URL": database_url, "MW_RATELIMIT_STORAGE_URI": redis_url,
           "MW_INDEX_DIR": str(tmp_path / "index")}
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "--no-control-socket", "-b", f"127.0.0.1:{port}", "--pythonpath", str(ROOT),
         "tests.multiworker_app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait(port, 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def test_login_limit_holds_across_two_workers(two_workers):
    body = b"email=nobody%40example.com&password=not+the+password"
    codes, barrier = [], threading.Barrier(16)

    def attempt():
        barrier.wait()
        request = urllib.request.Request(f"{two_workers}/login", data=body, method="POST")
        try:
            codes.append(urllib.request.urlopen(request, timeout=30).status)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
            if error.code == 429:
                assert int(error.headers["Retry-After"]) > 0

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == [200] * 5 + [429] * 11, codes
