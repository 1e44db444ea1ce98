"""gunicorn entry point for the race tests (tests/test_races.py): the testing configuration on a live server.

``RACE_DATABASE_URL``, ``RACE_SECRET_KEY`` (the test process's, so its session cookies work here),
``RACE_INDEX_DIR`` and ``RACE_OUTBOX_DIR`` come from the environment.
"""

import os

from matchmaker.app import create_app

app = create_app(
    "testing",
    {
        "SQLALCHEMY_DATABASE_URI": os.environ["RACE_DATABASE_URL"],
        "SECRET_KEY": os.environ["RACE_SECRET_KEY"],
        "MATCHING_INDEX_DIR": os.environ["RACE_INDEX_DIR"],
        "MAIL_OUTBOX_DIR": os.environ["RACE_OUTBOX_DIR"],
        "INTEREST_DAILY_LIMIT": 5,  # the budget race (tests/test_races.py) spends it
    },
)
