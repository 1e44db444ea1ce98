"""Failures answer with the app's own page, even when the database is unreachable."""

from sqlalchemy.exc import OperationalError

from matchmaker.services import browse

from tests.conftest import login


def test_database_down_gives_a_clean_503_also_when_logged_in(client, app, world, monkeypatch):
    login(client, app, world["hb"])

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(browse, "published_query", down)
    from matchmaker.services import accounts

    monkeypatch.setattr(accounts, "load_user", down)  # even loading the user fails
    response = client.get("/achievements/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "暂时无法访问" in page and "事件编号" in page
    assert "Traceback" not in page and "OperationalError" not in page and 'class="error-page"' in page


def test_unexpected_error_has_incident_number_and_no_trace(client, app, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(browse, "counts_by_region", boom)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "事件编号" in page
    assert "secret detail" not in page and "ZeroDivisionError" not in page
