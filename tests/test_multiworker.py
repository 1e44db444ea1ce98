"""The login limit holds across gunicorn workers when counted in Redis (memory:// counts per process).

Real processes: a throw-away redis-server and gunicorn with 2 workers on 127.0.0.1; skipped, with
the reason, where either is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

from tests.live import free_port, gunicorn, wait_for


@pytest.fixture
def redis_url():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make test installs it as root)")
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def two_workers(redis_url, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("the limiter, not the database, is under test: SQLite is enough")
    env = {
        "MW_DATABASE_URL": database_url,
        "MW_RATELIMIT_STORAGE_URI": redis_url,
        "MW_INDEX_DIR": str(tmp_path / "index"),
    }
    with gunicorn("multiworker_app", env, tmp_path / "gunicorn.log") as url:
        yield url


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
