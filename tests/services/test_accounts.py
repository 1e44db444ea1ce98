"""Password hashing, login and session tokens (registration: test_registration.py)."""

import pytest
from argon2 import PasswordHasher

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import accounts
from matchmaker.services.errors import DomainError
from tests.conftest import PASSWORD


@pytest.fixture
def member(app, make):
    """A confirmed member of a firm (``email`` new@example.com)."""
    org = make.org("firm", "hebei", "保定", name="燕赵精密机械有限公司")
    user_id = make.user(org, email="new@example.com")
    return db.session.get(User, user_id)


def test_authenticate_same_answer_for_unknown_and_wrong(ctx, member):
    assert accounts.authenticate("new@example.com", PASSWORD) is not None
    assert accounts.authenticate("new@example.com", "wrong password") is None
    assert accounts.authenticate("nobody@example.com", PASSWORD) is None


def test_weaker_hash_is_upgraded_on_login(ctx, member):
    user = member
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert accounts.authenticate("new@example.com", PASSWORD) is not None
    assert db.session.get(User, user.id).password_hash != weak


def test_inactive_user_cannot_log_in(ctx, member):
    user = member
    user.active = False
    db.session.commit()
    assert accounts.authenticate("new@example.com", PASSWORD) is None


def test_session_token_rotation_invalidates_old_ids(ctx, member):
    user = member
    old_id = user.get_id()
    assert accounts.load_user(old_id).id == user.id
    accounts.end_sessions(user)
    assert accounts.load_user(old_id) is None
    assert accounts.load_user(user.get_id()).id == user.id
    assert accounts.load_user("abc") is None and accounts.load_user(f"{user.id}") is None


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short", False),
        ("password123", False),
        ("aaaaaaaaaa", False),
        ("new-user-secret", False),
        ("两个黄鹂鸣翠柳一行白鹭", True),
        ("x" * 3 + "y" * 3 + "z" * 58, True),
        ("a" * 129, False),
    ],
)
def test_password_policy(ctx, password, ok):
    assert (accounts.password_problem(password, "new-user@example.com") is None) == ok


def test_create_admin_has_no_default_password(ctx):
    with pytest.raises(DomainError):
        accounts.create_admin("boss@example.com", "管理员", "admin", "服务中心")
    admin = accounts.create_admin("boss@example.com", "管理员", "a long admin passphrase", "服务中心")
    assert admin.is_admin and admin.organization.kind == "agency"
