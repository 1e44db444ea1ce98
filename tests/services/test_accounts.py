"""Registration, password hashing, login and session tokens."""

import pytest
from argon2 import PasswordHasher

from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.models import Organization, User
from matchmaker.services import accounts
from matchmaker.services.errors import Conflict, DomainError

from tests.conftest import PASSWORD


def _registration(email="new@example.com", org_code=None, **org):
    organization = accounts.NewOrganization(
        name=org.get("name", "燕赵精密机械有限公司"), kind="firm", region="hebei", city="保定",
        credit_code=org_code or make_credit_code(777),
    )
    return accounts.Registration(name="赵工", email=email, phone="0312-5555 0101", password=PASSWORD, organization=organization)


def test_register_with_new_organization_stores_consent_and_argon2id(ctx):
    user = accounts.register(_registration(email=" New@Example.com "))
    assert user.email == "new@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert user.consent_version == accounts.CONSENT_VERSION and user.consent_at is not None
    assert user.organization.name == "燕赵精密机械有限公司" and not user.organization.verified


def test_join_existing_organization_by_credit_code(ctx):
    first = accounts.register(_registration())
    data = accounts.Registration(
        name="钱工", email="second@example.com", phone="0312-5555 0102", password=PASSWORD,
        existing_credit_code=first.organization.credit_code,
    )
    second = accounts.register(data)
    assert second.organization_id == first.organization_id
    assert db.session.query(Organization).count() == 1


def test_duplicates_are_refused_and_change_nothing(ctx):
    accounts.register(_registration())
    with pytest.raises(Conflict):
        accounts.register(_registration())  # same e-mail
    with pytest.raises(Conflict):
        accounts.register(_registration(email="other@example.com"))  # same credit code
    with pytest.raises(DomainError):
        accounts.register(
            accounts.Registration(name="x", email="x@example.com", phone="1", password=PASSWORD,
                                  existing_credit_code=make_credit_code(4242))
        )
    assert db.session.query(User).count() == 1 and db.session.query(Organization).count() == 1


def test_authenticate_same_answer_for_unknown_and_wrong(ctx):
    accounts.register(_registration())
    assert accounts.authenticate("new@example.com", PASSWORD) is not None
    assert accounts.authenticate("new@example.com", "wrong password") is None
    assert accounts.authenticate("nobody@example.com", PASSWORD) is None


def test_weaker_hash_is_upgraded_on_login(ctx):
    user = accounts.register(_registration())
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert accounts.authenticate("new@example.com", PASSWORD) is not None
    assert db.session.get(User, user.id).password_hash != weak


def test_inactive_user_cannot_log_in(ctx):
    user = accounts.register(_registration())
    user.active = False
    db.session.commit()
    assert accounts.authenticate("new@example.com", PASSWORD) is None


def test_session_token_rotation_invalidates_old_ids(ctx):
    user = accounts.register(_registration())
    old_id = user.get_id()
    assert accounts.load_user(old_id).id == user.id
    accounts.end_sessions(user)
    assert accounts.load_user(old_id) is None
    assert accounts.load_user(user.get_id()).id == user.id
    assert accounts.load_user("abc") is None and accounts.load_user(f"{user.id}") is None


@pytest.mark.parametrize(
    "password, ok",
    [("short", False), ("password123", False), ("aaaaaaaaaa", False), ("new-user-secret", False),
     ("两个黄鹂鸣翠柳一行白鹭", True), ("x" * 3 + "y" * 3 + "z" * 58, True), ("a" * 129, False)],
)
def test_password_policy(ctx, password, ok):
    assert (accounts.password_problem(password, "new-user@example.com") is None) == ok


def test_create_admin_has_no_default_password(ctx):
    with pytest.raises(DomainError):
        accounts.create_admin("boss@example.com", "管理员", "admin", "服务中心")
    admin = accounts.create_admin("boss@example.com", "管理员", "a long admin passphrase", "服务中心")
    assert admin.is_admin and admin.organization.kind == "agency"
