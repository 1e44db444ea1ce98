"""gunicorn settings for the app: ``gunicorn -w 2 wsgi:app`` reads this file from the working directory.

Each gunicorn worker must answer its first request as fast as its later ones (``matchmaker/warmup.py``):

* ``preload_app``: the master imports the app once and warms it (``when_ready``: match index loaded
  and caught up, or fitted if missing; the compiled kernel; templates; the public pages served once
  in-process), then closes its database connections. Workers fork from it, so a new worker, after a
  start, a ``kill -HUP``, a crash or ``max_requests``, shares all of that instead of redoing it.
* ``post_fork``: a worker drops any database connection it may have inherited.
* ``post_worker_init``: before accepting connections, the worker catches its index up with what
  changed since the master warmed (a refit since then is a memory map away) and reads its order lists.

A ``kill -HUP`` forks new workers from the same master (the code is not reloaded: a deploy starts a new
master, ``kill -USR2`` then ``-QUIT`` the old one, whose ``when_ready`` warms it before it forks).
"""

preload_app = True


def _warm(log, who: str, app, **kwargs) -> None:
    """Warm ``app``; a failure (the database not up yet) is logged and the first requests do the work."""
    from matchmaker.warmup import warm

    try:
        log.info("warm %s: %s", who, warm(app, **kwargs))
    except Exception:
        log.exception("warm %s failed; requests will load the index themselves", who)


def _app(arbiter_or_worker):
    """The Flask app gunicorn loaded (``wsgi:app``, or the benchmark's ``load_app:app``), or None."""
    app = arbiter_or_worker.app.wsgi()  # loaded once: in the master (preload), shared by the workers
    return app if hasattr(app, "app_context") else None


def when_ready(server):
    from matchmaker.warmup import forget_connections

    app = _app(server)
    if app is not None:
        _warm(server.log, "master", app)
        forget_connections(app, close=True)


def post_fork(server, worker):
    from matchmaker.warmup import forget_connections

    app = _app(worker)
    if app is not None:
        forget_connections(app)


def post_worker_init(worker):
    app = _app(worker)
    if app is not None:
        _warm(worker.log, "worker", app, pages=False)
