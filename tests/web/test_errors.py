"""Failures answer with the app's own page, even when the database is unreachable."""

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from matchmaker.extensions import db
from matchmaker.services import browse
from tests.conftest import login


@pytest.mark.parametrize("signed_in", [True, False])
def test_database_down_gives_a_clean_503_also_when_logged_in(client, app, world, make, signed_in):
    """Every statement fails, as when the server is stopped: loading the user included."""
    need = make.need(world["hb_org"])
    if signed_in:
        login(client, app, world["hb"])
    with app.app_context():
        engine = db.engine

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    event.listen(engine, "before_cursor_execute", down)
    try:
        for url in (f"/needs/{need}", "/achievements/", "/", "/me/postings" if signed_in else "/needs/"):
            response = client.get(url)
            page = response.get_data(as_text=True)
            assert response.status_code == 503, (url, response.status_code)
            assert "暂时无法访问" in page and "事件编号" in page and 'class="error-page"' in page
            assert "Traceback" not in page and "OperationalError" not in page and "connection refused" not in page
            assert response.headers["Cache-Control"] == "no-store"
    finally:
        event.remove(engine, "before_cursor_execute", down)
    assert client.get(f"/needs/{need}").status_code == 200  # back without a restart


def test_unexpected_error_has_incident_number_and_no_trace(client, app, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(browse, "counts_by_region", boom)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "事件编号" in page
    assert "secret detail" not in page and "ZeroDivisionError" not in page
