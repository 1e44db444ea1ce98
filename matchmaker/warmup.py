"""Readiness: a process answers its first request as fast as its later ones.

``warm(app)`` loads this process's match index (memory-mapped) and catches it up with the database
(fitting it first if there is none, or it has an older format), loads the compiled query kernel and
the segmenter's dictionary, reads the browse order lists, compiles every template and serves the
public pages once in-process (the test client: no socket, nothing written). gunicorn runs it
(``gunicorn.conf.py``): in the master before the first fork, so every worker starts warm, and in
each worker before it accepts a connection, where only what changed since is left to do.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

PAGES = ("/", "/achievements/", "/needs/", "/achievements/?q=%E9%A2%84%E7%83%AD", "/needs/?q=%E9%A2%84%E7%83%AD")


def warm(app: Flask, pages: bool = True) -> dict[str, float]:
    """Make this process ready; returns the seconds each step took (logged as one line)."""
    from matchmaker.extensions import db
    from matchmaker.services import browse, match_index

    steps: dict[str, float] = {}

    def step(name: str, started: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - started, 3)
        return now

    t = time.perf_counter()
    with app.app_context():
        matcher = match_index.current_matcher(refit=False)  # a refit thread must not exist before a fork
        t = step("index", t)
        matcher.search("预热", "achievement", k=1)
        matcher.containing(["预热"], "need")
        t = step("kernel", t)
        for kind in ("achievement", "need"):
            browse._newest_first(kind, browse.Filters())
        t = step("order", t)
        for name in app.jinja_env.list_templates(extensions=("html",)):
            app.jinja_env.get_template(name)
        t = step("templates", t)
        if pages:
            client = app.test_client()
            for path in PAGES:
                client.get(path, headers={"Accept-Language": "zh-CN"})
            t = step("pages", t)
        db.session.remove()
    log.info("warm", extra={"event": "warm", "steps": steps})
    return steps


def forget_connections(app: Flask, close: bool = False) -> None:
    """Empty the connection pools: in the master before forking (``close``), and in a forked worker,
    which drops what it may have inherited without closing the master's (never share a connection)."""
    from matchmaker.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=close)
