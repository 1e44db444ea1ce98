"""My account: password change ends other sessions, data download, account deletion (PIPL)."""

import json

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Message, User
from matchmaker.services import accounts, interests
from tests.conftest import PASSWORD, login


def test_password_change_requires_current_and_ends_other_sessions(app, world):
    me, other = app.test_client(), app.test_client()
    for client in (me, other):
        client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    bad = me.post(
        "/me/account/password",
        data={"current": "wrong", "new": "a fresh long passphrase", "repeat": "a fresh long passphrase"},
    )
    assert bad.status_code == 400 and "当前密码不正确" in bad.get_data(as_text=True)
    ok = me.post(
        "/me/account/password",
        data={"current": PASSWORD, "new": "a fresh long passphrase", "repeat": "a fresh long passphrase"},
    )
    assert ok.status_code in (302, 303)
    assert me.get("/me/postings").status_code == 200  # this session goes on
    assert other.get("/me/postings").status_code in (302, 303)  # the other one ended
    with app.app_context():
        assert accounts.authenticate("bj@example.com", "a fresh long passphrase") is not None


def test_download_my_data(client, app, world, make):
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), need, ach, "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        interests.set_contact_consent(db.session.get(User, world["hb"]), interest, share=False)
    login(client, app, world["hb"])
    response = client.get("/me/account/data.json")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "hb@example.com" and data["organization"]["name"] == "冀东新材料有限公司"
    assert "password_hash" not in json.dumps(data) and "session_token" not in json.dumps(data)
    # The consent record: the interest it sent and the withdrawal of its contact; not bj's acceptance.
    actions = [(a["from_status"], a["to_status"]) for a in data["interest_actions"]]
    assert actions == [("", "proposed"), ("negotiating", "negotiating")]
    assert "撤回" in data["interest_actions"][-1]["note"]


def test_delete_account_anonymises_and_keeps_conversations(client, app, world, make):
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), need, ach, "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        interests.post_message(db.session.get(User, world["hb"]), interest, "我们下周来拜访")
        db.session.add(
            AuditLog(actor_id=world["hb"], actor_label=f"user#{world['hb']}", action="edit", target_type="need")
        )
        db.session.commit()
    login(client, app, world["hb"])
    assert client.post("/me/account/delete", data={"password": "wrong"}).status_code == 400
    response = client.post("/me/account/delete", data={"password": PASSWORD})
    assert response.status_code in (302, 303)
    assert client.get("/me/postings").status_code in (302, 303)
    with app.app_context():
        user = db.session.get(User, world["hb"])
        assert user.email.endswith("@deleted.invalid") and user.phone == "" and not user.active
        assert "hb@example.com" not in user.email and user.name.startswith("已注销用户")
        assert db.session.query(Message).one().body == "我们下周来拜访"
        assert db.session.query(AuditLog).one().actor_label == f"user#{world['hb']}"
    assert app.test_client().post("/login", data={"email": "hb@example.com", "password": PASSWORD}).status_code == 200


def test_last_admin_cannot_delete_the_account(client, app, world):
    login(client, app, world["admin"])
    assert client.post("/me/account/delete", data={"password": PASSWORD}).status_code == 400
    with app.app_context():
        assert db.session.get(User, world["admin"]).active
