"""Fixtures: a fresh app per test on a database migrated once per session, and factories.

The database is SQLite in a temp dir by default, or ``TEST_DATABASE_URL`` / ``DATABASE_URL``
(PostgreSQL in CI). Every test starts from empty tables.
"""

from __future__ import annotations

import itertools
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import text

from matchmaker.app import create_app
from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Organization, User
from matchmaker.services import match_index, passwords

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def _compile_catalogues() -> None:
    """Tests render Chinese pages: make sure the .mo files match the .po files."""
    for po_path in (ROOT / "matchmaker" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate an empty database to head once; the migrations themselves are under test here."""
    import flask_migrate

    _compile_catalogues()
    url = _database_url(tmp_path_factory)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    """DELETE every row; the audit log's append-only triggers (migration 0006) are stepped around.

    PostgreSQL: TRUNCATE fires no row trigger. SQLite has no TRUNCATE: its triggers are dropped
    and created again from their own stored SQL, in the same transaction as the DELETE.
    """
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "audit_log":
            _empty_audit_log()
        else:
            db.session.execute(table.delete())
    db.session.commit()


def _empty_audit_log() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE audit_log"))
        return
    triggers = db.session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    ).all()
    for name, _sql in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    db.session.execute(text("DELETE FROM audit_log"))
    for _name, sql in triggers:
        db.session.connection().exec_driver_sql(sql)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "MATCHING_INDEX_DIR": str(tmp_path / "index")}
    )
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # The process keeps each index directory's loaded matcher (its memory-mapped files stay open): forget
    # this test's, or a long run exhausts the open-file limit.
    match_index._STATES.pop(str(tmp_path / "index"), None)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build extra apps with config overrides (e.g. CSRF on); their engines are closed afterwards."""
    built = []

    def build(**overrides):
        extra = create_app(
            "testing",
            {"SQLALCHEMY_DATABASE_URI": database_url, "MATCHING_INDEX_DIR": str(tmp_path / "index"), **overrides},
        )
        built.append(extra)
        return extra

    yield build
    for extra in built:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def outbox(app, tmp_path):
    """The mails the app sent during the test, parsed, oldest first (``outbox()`` reads them now)."""
    from email import policy
    from email.parser import BytesParser

    folder = tmp_path / "outbox"
    app.config["MAIL_OUTBOX_DIR"] = str(folder)

    def read() -> list:
        if not folder.exists():
            return []
        return [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in sorted(folder.iterdir())]

    return read


def mailed_path(mail, prefix: str) -> str:
    """The path of the link starting with ``prefix`` in a mail (the test client needs no host)."""
    import re

    url = re.search(rf"https?://\S+{re.escape(prefix)}\S+", mail.get_content()).group(0)
    return url[url.index(prefix) :]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for service-level tests (not kept across requests)."""
    with app.app_context():
        yield


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_seq = itertools.count(1)


class Factory:
    """``make.org(...)``, ``make.user(...)``, ``make.achievement(...)``, ``make.need(...)``."""

    def __init__(self, app):
        self.app = app

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            db.session.refresh(obj)
            obj_id = obj.id
        return obj_id

    def org(self, kind="university", region="beijing", city="海淀区", name=None, verified=True, **kw) -> int:
        n = next(_seq)
        org = Organization(
            name=name or f"测试机构{n}",
            kind=kind,
            region=region,
            city=city,
            credit_code=make_credit_code(5000 + n),
            profile="",
            verified=verified,
            **kw,
        )
        return self._save(org)

    def user(self, org_id: int | None, role="member", email=None, password=PASSWORD, **kw) -> int:
        from matchmaker.models.base import utcnow

        n = next(_seq)
        with self.app.app_context():
            hashed = passwords.hash_password(password)
        kw.setdefault("email_confirmed_at", utcnow())
        user = User(
            organization_id=org_id,
            email=email or f"user{n}@example.com",
            name=f"用户{n}",
            phone="010-5555 0000",
            role=role,
            password_hash=hashed,
            **kw,
        )
        return self._save(user)

    def achievement(self, org_id: int, status="published", **kw) -> int:
        fields = dict(
            title="高性能锂电池正极材料制备技术",
            field="materials",
            keywords=["锂电池", "正极材料"],
            summary="一种高镍三元正极材料的共沉淀制备工艺。",
            description="采用连续共沉淀工艺制备高镍三元前驱体，比容量达到205mAh/g。",
            advantages="循环寿命长，成本低。",
            applications="动力电池、储能电站。",
            trl=6,
            ip_type="invention",
            price_min=Decimal("50"),
            price_max=Decimal("120"),
            contact_name="王联系",
            contact_phone="010-5555 1234",
            contact_email="wang.contact@example.com",
        )
        fields.update(kw)
        modes = fields.pop("modes", ["license", "assignment"])
        posting = Achievement(organization_id=org_id, status=status, **fields)
        posting.modes = modes
        if status == "published":
            from matchmaker.models.base import utcnow

            posting.published_at = utcnow()
        return self._save(posting)

    def need(self, org_id: int, status="published", **kw) -> int:
        fields = dict(
            title="动力电池正极材料循环寿命提升",
            field="materials",
            keywords=["正极材料", "循环寿命"],
            problem="现有正极材料循环500次后容量衰减超过20%。",
            key_points="材料包覆与掺杂工艺。",
            goals="循环1000次容量保持率≥90%。",
            min_trl=5,
            budget_min=Decimal("30"),
            budget_max=Decimal("80"),
            deadline=date(2099, 12, 31),
            contact_name="李需求",
            contact_phone="0311-5555 6789",
            contact_email="li.need@example.com",
        )
        fields.update(kw)
        modes = fields.pop("modes", ["license", "development"])
        posting = Need(organization_id=org_id, status=status, **fields)
        posting.modes = modes
        if status == "published":
            from matchmaker.models.base import utcnow

            posting.published_at = utcnow()
        return self._save(posting)


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)


def login(client, app, user_id: int) -> None:
    """Log ``user_id`` in by setting the Flask-Login session key (what a real login stores)."""
    with app.app_context():
        token = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


@pytest.fixture
def world(app, make):
    """A Beijing university, a Tianjin institute, a Hebei firm and an admin, each with a member."""
    ids = {}
    ids["bj_org"] = make.org("university", "beijing", "海淀区", name="京华理工大学")
    ids["tj_org"] = make.org("institute", "tianjin", "滨海新区", name="津沽材料研究院")
    ids["hb_org"] = make.org("firm", "hebei", "唐山", name="冀东新材料有限公司")
    ids["admin_org"] = make.org("agency", "beijing", "西城区", name="技术转移服务中心")
    ids["bj"] = make.user(ids["bj_org"], email="bj@example.com")
    ids["tj"] = make.user(ids["tj_org"], email="tj@example.com")
    ids["hb"] = make.user(ids["hb_org"], email="hb@example.com")
    ids["admin"] = make.user(ids["admin_org"], role="admin", email="admin@example.com")
    return ids
