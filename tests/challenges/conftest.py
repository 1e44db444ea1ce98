"""Service tests of challenges read the refusals in English (the default, Chinese, is tested on its own)."""

import pytest


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


from tests.test_races import live  # noqa: E402,F401  (the live gunicorn of the race tests, for ours)
