"""Register, log in, log out through the pages: content, database state and session safety."""

from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.models import Organization, User
from tests.conftest import PASSWORD, login, mailed_path


def _form(**overrides):
    data = {
        "name": "周工",
        "email": "zhou@example.com",
        "phone": "0311-5555 0001",
        "password": PASSWORD,
        "password2": PASSWORD,
        "org_mode": "new",
        "org_name": "石家庄示例药业有限公司",
        "org_kind": "firm",
        "org_region": "hebei",
        "org_city": "石家庄",
        "org_credit_code": make_credit_code(321),
        "org_profile": "原料药生产企业。",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_registration_creates_the_account_when_the_mailed_link_is_confirmed(client, app, outbox):
    response = client.post("/register", data=_form())
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "我们已向 zhou@example.com 发送链接" in page
    with app.app_context():  # nothing exists in the pool yet
        assert db.session.query(User).count() == 0 and db.session.query(Organization).count() == 0
    refused = client.post("/login", data={"email": "zhou@example.com", "password": PASSWORD})
    assert "电子邮箱或密码不正确" in refused.get_data(as_text=True)  # as for any unknown e-mail
    (mail,) = outbox()
    assert mail["To"] == "zhou@example.com"
    link = mailed_path(mail, "/register/confirm/")
    opened = client.get(link)  # a mail scanner opening the link changes nothing
    assert opened.status_code == 200 and "确认并开通账号" in opened.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).count() == 0
    confirmed = client.post(link)
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("/me/postings")
    page = client.get("/me/postings").get_data(as_text=True)
    assert "我的发布" in page and "周工" in page
    with app.app_context():
        user = db.session.query(User).filter_by(email="zhou@example.com").one()
        assert user.organization.city == "石家庄" and user.organization.kind == "firm"
        assert user.email_confirmed_at is not None and not user.organization.verified
    client.post("/logout")
    again = client.post(link)  # a link works once
    assert again.status_code == 400 and "链接无效" in again.get_data(as_text=True)


def test_register_errors_in_chinese_and_nothing_stored(client, app):
    bad_code = make_credit_code(321)[:-1] + ("0" if make_credit_code(321)[-1] != "0" else "1")
    response = client.post("/register", data=_form(org_credit_code=bad_code, org_city="海淀区", consent=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "校验" in page  # the check-character message
    assert "隐私" in page  # consent is required
    with app.app_context():
        assert db.session.query(User).count() == 0 and db.session.query(Organization).count() == 0


def test_register_refuses_control_characters(client, app):
    response = client.post("/register", data=_form(name="周\x00工"))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_login_wrong_password_and_unknown_user_look_the_same(client, world):
    wrong = client.post("/login", data={"email": "bj@example.com", "password": "not the password"})
    unknown = client.post("/login", data={"email": "ghost@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    assert "电子邮箱或密码不正确" in wrong.get_data(as_text=True)
    assert "电子邮箱或密码不正确" in unknown.get_data(as_text=True)


def test_login_redirects_only_to_local_paths(client, world):
    ok = client.post("/login?next=/needs/", data={"email": "bj@example.com", "password": PASSWORD})
    assert ok.headers["Location"] == "/needs/"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/login?next={target}", data={"email": "bj@example.com", "password": PASSWORD})
        assert "evil" not in response.headers["Location"]
        client.post("/logout")


def test_cookie_captured_before_logout_is_refused_after(app, world):
    client = app.test_client()
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    captured = client.get_cookie("session").value
    assert client.get("/me/postings").status_code == 200
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", captured)
    response = replay.get("/me/postings")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_session_is_renewed_at_login(app, world):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_requires_post(client, app, world):
    login(client, app, world["bj"])
    assert client.get("/logout").status_code == 405


def test_idle_and_absolute_session_timeouts(app, world, monkeypatch):
    import time as real_time

    from matchmaker.auth import views

    client = app.test_client()
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    start = real_time.time()
    clock = {"now": start}
    monkeypatch.setattr(views.time, "time", lambda: clock["now"])
    clock["now"] = start + 50 * 60  # active within the idle limit, several times
    assert client.get("/me/postings").status_code == 200
    clock["now"] = start + 100 * 60
    assert client.get("/me/postings").status_code == 200
    clock["now"] = start + 100 * 60 + 61 * 60  # idle for 61 minutes
    response = client.get("/me/postings")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    # Absolute limit: even with steady activity, 12 hours after login the session ends.
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    login_time = clock["now"]
    for hour in range(1, 13):
        clock["now"] = login_time + hour * 55 * 60
        client.get("/")
    clock["now"] = login_time + 12 * 3600 + 60
    response = client.get("/me/postings")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
