"""DF-10: a full disk or a read-only database file gives a clean error, corrupts nothing, and the app
recovers by itself once the fault is fixed.

The faults are made with SQLite's own switches on every new connection of the app's engine:
``PRAGMA max_page_count`` pinned to the current size (the next page allocation fails with
SQLITE_FULL, exactly what a full disk returns) and ``PRAGMA query_only`` (SQLITE_READONLY, what a
``chmod 444`` file returns to a non-root process; the tests may run as root, which ignores modes).
"""

import pytest
from sqlalchemy import event, func, select, text

from matchmaker.extensions import db
from matchmaker.models import Interest, Notification
from tests.conftest import login

# Each fault: the pragma that makes it on one connection.
FAULTS = {
    "disk full": lambda conn: conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0]}"),
    "read-only file": lambda conn: conn.execute("PRAGMA query_only=ON"),
}


@pytest.fixture
def sqlite_app(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite file faults (PostgreSQL's are in bench/load.py: the server stopped and restarted)")
    return app


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Interest.id))),
            db.session.scalar(select(func.count(Notification.id))),
        )


def _fault(app, name):
    """Apply ``name`` to every connection the app opens from now on; returns the undo function."""
    with app.app_context():
        engine = db.engine

        def on_connect(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            FAULTS[name](cursor)
            cursor.close()

        event.listen(engine, "connect", on_connect)
        engine.dispose()  # pooled connections were opened before the fault

    def undo():
        with app.app_context():
            event.remove(db.engine, "connect", on_connect)
            db.engine.dispose()

    return undo


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_write_during_fault_fails_cleanly_then_recovers(sqlite_app, client, world, make, fault):
    app = sqlite_app
    need = make.need(world["hb_org"])
    ach = make.achievement(world["bj_org"])
    login(client, app, world["hb"])
    before = _counts(app)
    if fault == "disk full":  # no free pages left from earlier tests: the insert must grow the file
        with app.app_context(), db.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    undo = _fault(app, fault)
    try:
        long_message = "希望洽谈许可事宜。" * 200  # needs new pages, so SQLITE_FULL cannot be dodged
        response = client.post("/interests", data={"need_id": need, "achievement_id": ach, "message": long_message})
        page = response.get_data(as_text=True)
        assert response.status_code == 503, (response.status_code, page[:300])
        assert "暂时无法访问" in page or "Temporarily unavailable" in page
        assert "Traceback" not in page and "sqlite" not in page.lower() and "OperationalError" not in page
        # Reads keep working while writes fail (the pool is still readable).
        assert client.get(f"/achievements/{ach}").status_code == 200
    finally:
        undo()
    assert _counts(app) == before  # nothing half-written
    with app.app_context():
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # Fixed: the same request now succeeds, without restarting anything.
    response = client.post("/interests", data={"need_id": need, "achievement_id": ach, "message": "希望洽谈"})
    assert response.status_code in (302, 303)
    assert _counts(app) == (before[0] + 1, before[1] + 1)


def test_connection_lost_while_closing_the_session_keeps_the_answer(app, client, world, make, monkeypatch):
    """The database shutting down after the view ran: the page still goes out, the next request works."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    ach = make.achievement(world["bj_org"])
    real_close = Session.close

    def dies(self):
        real_close(self)
        raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(Session, "close", dies)
    response = client.get(f"/achievements/{ach}")
    assert response.status_code == 200 and "高性能锂电池正极材料制备技术" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get(f"/achievements/{ach}").status_code == 200
