"""Joining an organization is a request a member (or an admin) approves; until then the person sees nothing of it.

The attack this closes: registering with "join an existing organization" and a firm's credit code
(public registry data) gave the account, at once, the firm's conversations, the other side's contact
and the right to edit its postings.
"""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import ApiToken, AuditLog, JoinRequest, Notification, Organization, User
from matchmaker.services import interests, tokens
from tests.conftest import PASSWORD, login, mailed_path

FIRM_CONTACT = "0311-5555 6789"  # the need's contact phone (tests.conftest factory)
INSTITUTE_CONTACT = "010-5555 1234"  # the achievement's


@pytest.fixture
def firm(app, make, world):
    """hb's firm with a published need, a draft, and an accepted interest with bj's achievement."""
    ids = dict(world)
    ids["need"] = make.need(world["hb_org"])
    ids["draft"] = make.need(world["hb_org"], status="draft", title="尚未提交的需求草稿")
    ids["ach"] = make.achievement(world["bj_org"])
    with app.app_context():
        hb, bj = db.session.get(User, world["hb"]), db.session.get(User, world["bj"])
        interest = interests.express(hb, ids["need"], ids["ach"], "想了解许可条件")
        interests.accept(bj, interest)
        ids["interest"] = interest.id
        ids["code"] = db.session.get(Organization, world["hb_org"]).credit_code
    return ids


def _register_to_join(app, code: str, outbox, email="newcomer@example.com") -> int:
    client = app.test_client()
    response = client.post(
        "/register",
        data={
            "name": "新来的人",
            "email": email,
            "phone": "0315-5555 0000",
            "password": PASSWORD,
            "password2": PASSWORD,
            "org_mode": "existing",
            "existing_credit_code": code,
            "consent": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():  # the members hear of the request only once the address is confirmed
        assert db.session.query(JoinRequest).count() == 0
    link = next(mailed_path(m, "/register/confirm/") for m in reversed(outbox()) if m["To"] == email)
    assert client.post(link).status_code == 303
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert user.organization_id is None
        return user.id


def _pages(client, ids) -> dict[str, tuple[int, str]]:
    urls = {
        "need": f"/needs/{ids['need']}",
        "draft": f"/needs/{ids['draft']}",
        "edit": f"/needs/{ids['need']}/edit",
        "interest": f"/interests/{ids['interest']}",
        "mine": "/me/postings",
        "interests": "/interests",
        "suggestions": "/me/suggestions",
        "new_need": "/needs/new",
        "achievement": f"/achievements/{ids['ach']}",
    }
    out = {}
    for name, url in urls.items():
        response = client.get(url)
        out[name] = (response.status_code, response.get_data(as_text=True))
    return out


def test_pending_member_sees_nothing_of_the_organization(app, firm, outbox):
    newcomer = _register_to_join(app, firm["code"], outbox)
    client = app.test_client()
    login(client, app, newcomer)
    pages = _pages(client, firm)
    assert pages["draft"][0] == 404 and pages["interest"][0] == 404
    assert pages["edit"][0] == 403  # as for anyone outside the organization (the need itself is public)
    assert pages["new_need"][0] == 403
    assert pages["need"][0] == 200 and FIRM_CONTACT not in pages["need"][1]  # the public page, no contact
    assert INSTITUTE_CONTACT not in pages["achievement"][1]
    assert "尚未提交的需求草稿" not in pages["mine"][1] and "想了解许可条件" not in pages["interests"][1]
    assert client.post(f"/interests/{firm['interest']}/messages", data={"body": "以企业名义发消息"}).status_code == 404
    page = client.get("/me/organization").get_data(as_text=True)
    assert "冀东新材料有限公司" in page and "等待" in page  # the request is waiting for a member's approval
    with app.app_context():
        request = db.session.scalar(db.select(JoinRequest).where(JoinRequest.user_id == newcomer))
        assert request.status == "pending" and request.organization_id == firm["hb_org"]
        audit = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "join_request")).all()
        assert [(a.actor_id, a.target_type, a.target_id) for a in audit] == [(newcomer, "organization", firm["hb_org"])]
        told = db.session.scalars(db.select(Notification).where(Notification.event == "join_requested")).all()
        assert [n.user_id for n in told] == [firm["hb"]]
    assert any(m["To"] == "hb@example.com" and "申请加入" in m.get_content() for m in outbox())


def test_pending_member_gets_nothing_through_the_api(app, firm, outbox):
    newcomer = _register_to_join(app, firm["code"], outbox)
    with app.app_context():
        raw = tokens.issue(db.session.get(User, newcomer), "x")[1]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["organization"] is None
    assert client.get(f"/api/v1/interests/{firm['interest']}", headers=headers).status_code == 404
    assert client.get("/api/v1/interests", headers=headers).get_json()["items"] == []
    assert client.get(f"/api/v1/needs/{firm['draft']}", headers=headers).status_code == 404
    body = client.get(f"/api/v1/needs/{firm['need']}", headers=headers).get_data(as_text=True)
    assert FIRM_CONTACT not in body


def test_a_member_approves_and_then_the_person_belongs(app, firm, outbox):
    newcomer = _register_to_join(app, firm["code"], outbox)
    member = app.test_client()
    login(member, app, firm["hb"])
    page = member.get("/me/organization").get_data(as_text=True)
    assert "新来的人" in page and "newcomer@example.com" in page
    with app.app_context():
        request_id = db.session.scalar(db.select(JoinRequest.id).where(JoinRequest.user_id == newcomer))
    # Someone of another organization can neither see nor answer the request.
    outsider = app.test_client()
    login(outsider, app, firm["bj"])
    assert "新来的人" not in outsider.get("/me/organization").get_data(as_text=True)
    assert outsider.post(f"/me/organization/requests/{request_id}/approve").status_code == 404
    response = member.post(f"/me/organization/requests/{request_id}/approve", data={"note": "生产部同事"})
    assert response.status_code == 303
    client = app.test_client()
    login(client, app, newcomer)
    pages = _pages(client, firm)
    assert pages["draft"][0] == 200 and pages["interest"][0] == 200 and INSTITUTE_CONTACT in pages["interest"][1]
    with app.app_context():
        assert db.session.get(User, newcomer).organization_id == firm["hb_org"]
        actions = [a.action for a in db.session.scalars(db.select(AuditLog).order_by(AuditLog.id))]
        assert actions[-2:] == ["join_request", "join_approve"]
        approved = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "join_approve"))
        assert approved.actor_id == firm["hb"] and approved.reason == "生产部同事"
        assert (
            db.session.scalar(db.select(Notification.event).where(Notification.user_id == newcomer)) == "join_approved"
        )
    # Answering twice is a conflict, not a second decision.
    again = member.post(f"/me/organization/requests/{request_id}/refuse")
    assert again.status_code == 409


def test_refused_person_stays_outside_and_may_ask_again(app, firm, make, outbox):
    newcomer = _register_to_join(app, firm["code"], outbox)
    admin = app.test_client()
    login(admin, app, firm["admin"])
    assert "新来的人" in admin.get("/admin/organizations").get_data(as_text=True)
    with app.app_context():
        request_id = db.session.scalar(db.select(JoinRequest.id).where(JoinRequest.user_id == newcomer))
    response = admin.post(
        f"/me/organization/requests/{request_id}/refuse", data={"note": "无法核实身份", "next": "/admin/organizations"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/organizations")
    client = app.test_client()
    login(client, app, newcomer)
    page = client.get("/me/organization").get_data(as_text=True)
    assert "未获批准" in page and "无法核实身份" in page
    assert client.get(f"/needs/{firm['draft']}").status_code == 404
    other = make.org("firm", "hebei", "唐山", name="唐山另一家企业")
    with app.app_context():
        code = db.session.get(Organization, other).credit_code
    assert client.post("/me/organization/join", data={"credit_code": code}).status_code == 303
    with app.app_context():
        statuses = db.session.scalars(
            db.select(JoinRequest.status).where(JoinRequest.user_id == newcomer).order_by(JoinRequest.id)
        ).all()
        assert statuses == ["refused", "pending"]


def test_a_member_removes_a_colleague_whose_access_ends(app, firm, make):
    colleague = make.user(firm["hb_org"], email="colleague@example.com")
    with app.app_context():
        raw = tokens.issue(db.session.get(User, colleague), "script")[1]
    client = app.test_client()
    login(client, app, colleague)
    assert client.get(f"/interests/{firm['interest']}").status_code == 200
    member = app.test_client()
    login(member, app, firm["hb"])
    assert member.post(f"/me/organization/members/{colleague}/remove", data={"note": "已离职"}).status_code == 303
    assert client.get(f"/interests/{firm['interest']}").status_code in (302, 303)  # logged out
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    with app.app_context():
        assert db.session.get(User, colleague).organization_id is None
        assert db.session.scalar(db.select(ApiToken.revoked_at).where(ApiToken.user_id == colleague)) is not None
        removed = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "member_remove"))
        assert removed.actor_id == firm["hb"] and removed.before == {"user_id": colleague}
    # One cannot remove oneself, nor a member of another organization (not revealed).
    assert member.post(f"/me/organization/members/{firm['hb']}/remove").status_code == 403
    assert member.post(f"/me/organization/members/{firm['bj']}/remove").status_code == 404


def test_a_new_organizations_postings_wait_for_its_verification(app, make, world):
    org = make.org("firm", "hebei", "沧州", name="沧州未核实企业", verified=False)
    need = make.need(org, status="pending")
    admin = app.test_client()
    login(admin, app, world["admin"])
    response = admin.post(f"/admin/need/{need}/review", data={"decision": "publish"}, follow_redirects=True)
    assert "尚未认证" in response.get_data(as_text=True)
    with app.app_context():
        from matchmaker.models import Need

        assert db.session.get(Need, need).status == "pending"
    admin.post(f"/admin/organizations/{org}/verify", data={"reason": "已电话核实营业执照"})
    admin.post(f"/admin/need/{need}/review", data={"decision": "publish"})
    with app.app_context():
        assert db.session.get(Need, need).status == "published"


def test_requests_to_join_an_unverified_organization_go_to_the_admins(app, make, world, outbox):
    """Whoever registered a public credit code first must not receive the real staff's requests."""
    squatter_org = make.org("firm", "hebei", "邢台", name="邢台未认证企业", verified=False)
    squatter = make.user(squatter_org, email="first@example.com")
    with app.app_context():
        code = db.session.get(Organization, squatter_org).credit_code
    newcomer = _register_to_join(app, code, outbox)
    member = app.test_client()
    login(member, app, squatter)
    page = member.get("/me/organization").get_data(as_text=True)
    assert "新来的人" not in page and "由管理员决定" in page
    with app.app_context():
        request_id = db.session.scalar(db.select(JoinRequest.id).where(JoinRequest.user_id == newcomer))
        told = {
            n.user_id for n in db.session.scalars(db.select(Notification).where(Notification.event == "join_requested"))
        }
        assert told == {world["admin"]}
    assert member.post(f"/me/organization/requests/{request_id}/approve").status_code == 404
    admin = app.test_client()
    login(admin, app, world["admin"])
    assert "新来的人" in admin.get("/admin/organizations").get_data(as_text=True)
    assert admin.post(f"/me/organization/requests/{request_id}/approve").status_code == 303
