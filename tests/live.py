"""A real gunicorn on 127.0.0.1 for the tests that need several worker processes (limits, races)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 20) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@contextlib.contextmanager
def gunicorn(module: str, env: dict[str, str], log_path: Path, *options: str):
    """``http://127.0.0.1:PORT`` of ``gunicorn -w 2 <options> tests.<module>:app``, stopped afterwards."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed")
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "-w",
                "2",
                *options,
                "--no-control-socket",
                "-b",
                f"127.0.0.1:{port}",
                "--pythonpath",
                str(ROOT),
                f"tests.{module}:app",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(port, 60)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(20)
