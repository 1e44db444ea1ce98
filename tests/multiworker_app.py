"""gunicorn entry point for tests that need several worker processes (tests/test_multiworker.py).

The testing configuration with the rate limits switched on, their storage and the database from
the environment: ``MW_DATABASE_URL``, ``MW_RATELIMIT_STORAGE_URI``.
"""

import os

from matchmaker.app import create_app

app = create_app(
    "testing",
    {
        "SQLALCHEMY_DATABASE_URI": os.environ["MW_DATABASE_URL"],
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": os.environ["MW_RATELIMIT_STORAGE_URI"],
        "AUTH_RATE_LIMIT": "5 per minute",
        "MATCHING_INDEX_DIR": os.environ.get("MW_INDEX_DIR", "/tmp/mw-index"),
    },
)
