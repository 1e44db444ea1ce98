"""gunicorn entry point for the load benchmark (``bench/load.py``): ``--pythonpath bench load_app:app``.

The development configuration (plain-http cookies, CSRF on, SQLite in WAL mode), with the secret
and the database from the environment (``SECRET_KEY``, ``DATABASE_URL``) and two settings that
have no environment variable of their own, so the benchmark writes nothing under ``instance/``:
``BENCH_MATCHING_INDEX_DIR`` → ``MATCHING_INDEX_DIR`` and ``BENCH_MAIL_OUTBOX_DIR`` → ``MAIL_OUTBOX_DIR``;
``BENCH_RATELIMIT_OFF=1`` switches the rate limits off (to measure what logins cost the CPU).
"""

import os

from matchmaker.app import create_app

_OVERRIDES = {
    key: os.environ[env]
    for env, key in (("BENCH_MATCHING_INDEX_DIR", "MATCHING_INDEX_DIR"), ("BENCH_MAIL_OUTBOX_DIR", "MAIL_OUTBOX_DIR"))
    if os.environ.get(env)
}

if os.environ.get("BENCH_RATELIMIT_OFF"):  # the login-capacity row of the benchmark only
    _OVERRIDES["RATELIMIT_ENABLED"] = False

# The write stage expresses interest in many pairs per person: the daily budget (20) is for people.
_OVERRIDES.setdefault("INTEREST_DAILY_LIMIT", 100_000)

app = create_app("development", _OVERRIDES)
