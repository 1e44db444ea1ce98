"""End-to-end fixtures: the real app served over HTTP in a thread, driven by Debian's Chromium.

* ``live_server``: a temp SQLite database migrated to head with ``flask_migrate.upgrade``, the
  project's demo data loaded, CSRF **on** (a real browser sends the token), a temp match index,
  served by werkzeug's ``make_server`` on 127.0.0.1 with a free port, in a daemon thread.
* ``browser_type_launch_args``: pytest-playwright has no executable option, so its fixture is
  overridden to start ``/usr/bin/chromium`` (or ``$CHROMIUM``); ``playwright install`` is never used.
* Every e2e test is skipped, with the reason, when Chromium or playwright/pytest-playwright is missing.

See /work/shared/RELIABILITY.md §4.1 for the recipe and its pitfalls.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if importlib.util.find_spec("pytest_playwright") is None:
        return "pytest-playwright is not installed (pip install -r requirements-dev.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei, or make test-e2e)"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config, items):
    missing = MISSING
    if not missing and not config.pluginmanager.hasplugin("playwright"):
        missing = "the pytest-playwright plugin is disabled (-p no:playwright)"
    if not missing:
        return
    skip = pytest.mark.skip(reason=f"e2e: {missing}")
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def e2e_app():
    """The app under test, on its own migrated SQLite file with the demo data loaded."""
    import flask_migrate

    from matchmaker.app import create_app
    from matchmaker.extensions import db
    from matchmaker.services.seed import load_demo
    from tests.conftest import _compile_catalogues

    _compile_catalogues()
    tmp = Path(tempfile.mkdtemp(prefix="matchmaker-e2e-"))
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp / "e2e.db"),
            "MATCHING_INDEX_DIR": str(tmp / "index"),
            "MAIL_OUTBOX_DIR": str(tmp / "outbox"),  # the confirmation link of a registration is read from here
            "WTF_CSRF_ENABLED": True,  # the testing config turns it off; a real browser sends the token
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
        load_demo()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(e2e_app):
    """``http://127.0.0.1:PORT`` of the app served in a thread (port 0: the OS picks a free one)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per request would bury a failure's report
            pass

    server = make_server("127.0.0.1", 0, e2e_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright's contexts resolve relative URLs (``page.goto("/needs/")``) against this."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    """Chinese browser, desktop width, unless a test asks otherwise."""
    return {**browser_context_args, "base_url": base_url, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def story(browser, base_url, e2e_app):
    """The shared story (actors and memoized steps) that the journeys walk through."""
    from tests.e2e.story import Story

    story = Story(browser, base_url, e2e_app)
    yield story
    story.close()
