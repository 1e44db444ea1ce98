"""The admin area: guards, review with checklist and duplicates, accounts, pairs, audit, lifecycle."""

import re
from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, AuditLog, Interest, Need, Notification, Organization, User
from matchmaker.services import interests as interest_service
from tests.conftest import PASSWORD, login


def _admin_urls(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/") and rule.endpoint.startswith("admin."):
            values = {arg: ("need" if arg == "kind" else "merge" if arg == "action" else 1) for arg in rule.arguments}
            if "action" in rule.arguments and "org_id" in rule.arguments:
                values["action"] = "verify"
            if "action" in rule.arguments and "user_id" in rule.arguments:
                values["action"] = "deactivate"
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **values)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield method, url


def test_every_admin_route_refuses_non_admins(client, app, world):
    routes = list(_admin_urls(app))
    assert len(routes) >= 15
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"], (method, url)
    for member in (world["bj"], world["hb"]):
        login(client, app, member)
        for method, url in routes:
            assert client.open(url, method=method).status_code == 403, (method, url)


def test_queue_shows_checklist_and_duplicates_and_refuses_own_org(client, app, world, make):
    make.need(
        world["hb_org"],
        title="转炉煤气回收系统改造",
        keywords=["转炉煤气", "回收"],
        problem="转炉煤气回收率仅为60%，放散损失大。",
        key_points="煤气柜与除尘",
        goals="回收率≥85%",
    )
    dup = make.need(
        world["hb_org"],
        status="pending",
        title="转炉煤气回收系统改造",
        keywords=["转炉煤气", "回收"],
        problem="转炉煤气回收率仅为60%，放散损失大。",
        key_points="煤气柜与除尘",
        goals="回收率≥85%",
    )
    own = make.achievement(world["admin_org"], status="pending", title="中心自有成果")
    login(client, app, world["admin"])
    page = client.get("/admin/review").get_data(as_text=True)
    assert "可能重复" in page and f"/admin/duplicates/need/{dup}/" in page
    assert "✓" in page and "✗" in page  # the checklist (the firm is not verified)
    assert client.post(f"/admin/achievement/{own}/review", data={"decision": "publish"}).status_code == 403
    with app.app_context():
        assert db.session.get(Achievement, own).status == "pending"


def test_merge_archives_one_and_moves_interests(client, app, world, make):
    keep = make.need(world["hb_org"], title="焦炉煤气制氢提纯")
    drop = make.need(world["hb_org"], title="焦炉煤气制氢提纯（重复）")
    ach = make.achievement(world["bj_org"])
    with app.app_context():
        interest_service.express(db.session.get(User, world["bj"]), drop, ach, "")
    login(client, app, world["admin"])
    assert client.get(f"/admin/duplicates/need/{keep}/{keep}").status_code == 404  # not a pair: nothing to merge
    page = client.get(f"/admin/duplicates/need/{keep}/{drop}").get_data(as_text=True)
    assert "焦炉煤气制氢提纯<mark>（重复）</mark>" in page  # the difference is marked, section by section
    assert "主要问题" in page and "可接受的最低成熟度" in page and "预算" in page and "截止日期" in page
    # Without the confirmation nothing happens.
    unconfirmed = client.post(
        f"/admin/duplicates/need/{keep}/{drop}/merge", data={"keep": keep, "reason": "重复"}, follow_redirects=True
    )
    assert "请勾选确认合并" in unconfirmed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Need, drop).status == "published"
    client.post(
        f"/admin/duplicates/need/{keep}/{drop}/merge", data={"keep": keep, "reason": "同一需求重复发布", "confirm": "y"}
    )
    with app.app_context():
        assert db.session.get(Need, drop).status == "archived"
        assert db.session.query(Interest).one().need_id == keep
        row = db.session.query(AuditLog).filter_by(action="merge").one()
        assert row.target_id == drop and row.after["merged_into"] == keep and row.reason == "同一需求重复发布"
        assert db.session.query(Notification).filter_by(user_id=world["hb"], event="posting_merged").count() == 1
        assert db.session.get(Need, drop).merged_into_id == keep
    # Within one organization every party keeps its rights: both sides still see the conversation.
    interest_id = _one_interest(app)
    for user in ("hb", "bj"):
        side = app.test_client()
        login(side, app, world[user])
        assert side.get(f"/interests/{interest_id}").status_code == 200
    # The archived copy cannot be renewed back into the pool (it would bring the duplicate back).
    owner = app.test_client()
    login(owner, app, world["hb"])
    assert owner.post(f"/needs/{drop}/renew").status_code == 409
    with app.app_context():
        assert db.session.get(Need, drop).status == "archived"


def _one_interest(app) -> int:
    with app.app_context():
        return db.session.query(Interest).one().id


def test_merge_across_organizations_is_refused(client, app, world, make):
    """Firm 2's need had an accepted interest; merging it into firm 3's copy handed the conversation
    and firm 3's contact to the wrong side. Such a merge is refused and changes nothing."""
    other = make.org("firm", "hebei", "邯郸", name="邯郸另一家钢铁企业")
    mine = make.need(world["hb_org"], title="高炉煤气余压发电效率提升")
    theirs = make.need(other, title="高炉煤气余压发电效率提升（另一企业）")
    ach = make.achievement(world["bj_org"])
    with app.app_context():
        interest = interest_service.express(db.session.get(User, world["hb"]), mine, ach, "")
        interest_service.accept(db.session.get(User, world["bj"]), interest)
        interest_id = interest.id
    login(client, app, world["admin"])
    page = client.get(f"/admin/duplicates/need/{theirs}/{mine}").get_data(as_text=True)
    assert "分属两个机构" in page and "/merge" not in page  # the page offers no merge
    response = client.post(
        f"/admin/duplicates/need/{theirs}/{mine}/merge", data={"keep": theirs, "reason": "重复", "confirm": "y"}
    )
    assert response.status_code == 409 and "分属两个机构" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Need, mine).status == "published" and db.session.get(Need, mine).merged_into_id is None
        assert db.session.get(Interest, interest_id).need_id == mine
        assert db.session.query(AuditLog).filter_by(action="merge").count() == 0


def test_not_a_duplicate_clears_the_flag(client, app, world, make):
    a = make.need(world["hb_org"], title="转炉煤气回收系统改造", keywords=["转炉煤气"])
    b = make.need(world["hb_org"], status="pending", title="转炉煤气回收系统改造", keywords=["转炉煤气"])
    login(client, app, world["admin"])
    assert f"/admin/duplicates/need/{b}/{a}" in client.get("/admin/review").get_data(as_text=True)
    client.post(f"/admin/duplicates/need/{b}/{a}/distinct")
    assert f"/admin/duplicates/need/{b}/{a}" not in client.get("/admin/review").get_data(as_text=True)


def test_verify_suspend_and_sessions_end(client, app, world):
    with app.app_context():
        db.session.get(Organization, world["hb_org"]).verified = False
        db.session.commit()
    login(client, app, world["admin"])
    client.post(f"/admin/organizations/{world['hb_org']}/verify", data={"reason": "营业执照已核验"})
    with app.app_context():
        org = db.session.get(Organization, world["hb_org"])
        assert org.verified and org.verification_note == "营业执照已核验"
    firm = app.test_client()
    login(firm, app, world["hb"])
    assert firm.get("/me/postings").status_code == 200
    assert client.post(f"/admin/organizations/{world['hb_org']}/suspend", data={"reason": ""}).status_code in (302, 303)
    with app.app_context():
        assert not db.session.get(Organization, world["hb_org"]).suspended  # a reason is required
    client.post(f"/admin/organizations/{world['hb_org']}/suspend", data={"reason": "资质存疑"})
    assert firm.get("/me/postings").status_code in (302, 303)  # the old session is gone
    assert app.test_client().post("/login", data={"email": "hb@example.com", "password": PASSWORD}).status_code == 200
    with app.app_context():
        actions = [r.action for r in db.session.query(AuditLog).order_by(AuditLog.id)]
        assert actions == ["verify", "suspend"]


def test_deactivate_user_ends_sessions(client, app, world):
    member = app.test_client()
    login(member, app, world["tj"])
    login(client, app, world["admin"])
    client.post(f"/admin/users/{world['tj']}/deactivate", data={"reason": "离职"})
    assert member.get("/me/postings").status_code in (302, 303)
    client.post(f"/admin/users/{world['admin']}/deactivate", data={"reason": ""})
    with app.app_context():
        assert db.session.get(User, world["admin"]).active  # not yourself


def test_admin_ends_a_users_sessions_with_the_button(make_app, world):
    """SE-7: the user's next request goes to the login page; the action is audited; CSRF applies."""
    app = make_app(WTF_CSRF_ENABLED=True)
    member, admin, other = app.test_client(), app.test_client(), app.test_client()
    login(member, app, world["tj"])
    assert member.get("/me/postings").status_code == 200
    login(admin, app, world["admin"])
    admin.get("/lang/en")  # English: the strings are the msgids, whatever the catalogue holds
    page = admin.get("/admin/users").get_data(as_text=True)
    form = re.search(
        rf'action="/admin/users/{world["tj"]}/end-sessions".*?name="csrf_token" value="([^"]+)"', page, re.S
    )
    assert form is not None and "End sessions" in page
    assert f'action="/admin/users/{world["admin"]}/end-sessions"' not in page  # not offered for yourself
    assert admin.post(f"/admin/users/{world['tj']}/end-sessions").status_code == 400  # no CSRF token
    assert member.get("/me/postings").status_code == 200
    login(other, app, world["bj"])  # a member cannot do it, even with a valid token of their own
    own_token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/me/account").get_data(as_text=True)).group(
        1
    )
    assert other.post(f"/admin/users/{world['tj']}/end-sessions", data={"csrf_token": own_token}).status_code == 403
    response = admin.post(
        f"/admin/users/{world['tj']}/end-sessions", data={"csrf_token": form.group(1)}, follow_redirects=True
    )
    assert "Sessions ended" in response.get_data(as_text=True)
    after = member.get("/me/postings")
    assert after.status_code in (302, 303) and "/login" in after.headers["Location"]
    with app.app_context():
        row = db.session.query(AuditLog).one()
        assert (row.action, row.actor_id, row.target_type, row.target_id) == (
            "end_sessions",
            world["admin"],
            "user",
            world["tj"],
        )
        assert db.session.get(User, world["tj"]).active  # logged out, not deactivated
    assert other.get("/me/postings").status_code == 200  # other users keep their sessions


def test_end_sessions_is_for_admins_only(client, app, world):
    login(client, app, world["bj"])
    assert client.post(f"/admin/users/{world['tj']}/end-sessions").status_code == 403
    login(client, app, world["admin"])
    client.post(f"/admin/users/{world['admin']}/end-sessions")  # not yourself: a message, nothing changes
    assert client.get("/admin/users").status_code == 200
    with app.app_context():
        assert db.session.query(AuditLog).count() == 0


def test_role_changes_need_password_and_keep_one_admin(client, app, world):
    login(client, app, world["admin"])
    client.post(f"/admin/users/{world['bj']}/role", data={"role": "admin", "password": "wrong"})
    with app.app_context():
        assert db.session.get(User, world["bj"]).role == "member"
    client.post(f"/admin/users/{world['bj']}/role", data={"role": "admin", "password": PASSWORD})
    with app.app_context():
        assert db.session.get(User, world["bj"]).role == "admin"
    login(client, app, world["bj"])
    client.post(f"/admin/users/{world['bj']}/role", data={"role": "member", "password": PASSWORD})
    login(client, app, world["admin"])
    client.post(f"/admin/users/{world['admin']}/role", data={"role": "member", "password": PASSWORD})
    with app.app_context():
        assert db.session.query(User).filter_by(role="admin").count() == 1
        assert db.session.get(User, world["admin"]).role == "admin"  # the last admin stays
        assert [r.action for r in db.session.query(AuditLog)] == ["role_change", "role_change"]


def test_recommend_and_dismiss_pairs(client, app, world, make):
    need = make.need(world["hb_org"])
    first = make.achievement(world["bj_org"])
    second = make.achievement(world["tj_org"], title="正极材料表面包覆改性技术", keywords=["正极材料", "包覆"])
    login(client, app, world["admin"])
    assert client.get("/admin/pairs").status_code == 200
    client.post("/admin/pairs", data={"need_id": need, "achievement_id": second, "decision": "recommended"})
    client.post("/admin/pairs", data={"need_id": need, "achievement_id": first, "decision": "dismissed"})
    login(client, app, world["hb"])
    page = client.get(f"/needs/{need}").get_data(as_text=True)
    assert f'<a href="/achievements/{second}">' in page and f'<a href="/achievements/{first}">' not in page
    assert "平台推荐" in page
    with app.app_context():
        assert db.session.query(Notification).filter_by(event="pair_recommended").count() == 2


def test_expire_warns_then_archives_idempotently(app, runner, world, make):
    past = make.need(world["hb_org"], title="已过截止日期的需求", deadline=date.today() - timedelta(days=1))
    fresh = make.need(world["hb_org"], title="仍在有效期的需求")
    first = runner.invoke(args=["pool", "expire"])
    assert "warned: 1" in first.output and "archived: 0" in first.output
    again = runner.invoke(args=["pool", "expire"])
    assert "warned: 0" in again.output and "archived: 0" in again.output
    with app.app_context():
        need = db.session.get(Need, past)
        assert need.status == "published" and need.expiry_notice_at is not None
        need.expiry_notice_at -= timedelta(days=8)  # the grace period has passed
        db.session.commit()
    third = runner.invoke(args=["pool", "expire"])
    assert "archived: 1" in third.output
    assert "archived: 0" in runner.invoke(args=["pool", "expire"]).output
    with app.app_context():
        assert db.session.get(Need, past).status == "archived" and db.session.get(Need, fresh).status == "published"
        assert db.session.query(AuditLog).filter_by(action="archive").count() == 1


def test_owner_renews_an_archived_posting(client, app, world, make):
    posting = make.achievement(world["bj_org"], status="archived")
    login(client, app, world["tj"])
    assert client.post(f"/achievements/{posting}/renew").status_code == 404
    login(client, app, world["bj"])
    client.post(f"/achievements/{posting}/renew")
    with app.app_context():
        assert db.session.get(Achievement, posting).status == "pending"


def test_audit_log_page_filters(client, app, world, make):
    posting = make.need(world["hb_org"], status="pending")
    login(client, app, world["admin"])
    client.post(f"/admin/need/{posting}/review", data={"decision": "reject", "reason": "信息不完整"})
    page = client.get("/admin/audit?action=reject").get_data(as_text=True)
    assert "信息不完整" in page and "admin@example.com" in page
    assert "信息不完整" not in client.get("/admin/audit?action=publish").get_data(as_text=True)
    assert client.get("/admin/audit?action=bogus").status_code == 400


def test_admin_contact_view_is_audited(client, app, world, make):
    posting = make.achievement(world["bj_org"])
    login(client, app, world["admin"])
    assert "wang.contact@example.com" in client.get(f"/achievements/{posting}").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AuditLog).filter_by(action="contact_reveal", target_id=posting).count() == 1


def test_audit_rows_cannot_be_changed(app, world, make, ctx):
    from matchmaker.services import audit

    audit.record(db.session.get(User, world["admin"]), "verify", db.session.get(Organization, world["hb_org"]))
    db.session.commit()
    row = db.session.query(AuditLog).one()
    row.reason = "篡改"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.query(AuditLog).one())
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()


def test_audit_table_is_append_only_in_the_database(app, world, ctx):
    """LG-3: below the ORM too: raw SQL may INSERT, but UPDATE and DELETE are refused by a trigger."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    db.session.execute(
        text(
            "INSERT INTO audit_log (actor_id, actor_label, action, target_type, target_id, before, after, "
            "reason, created_at) VALUES (:actor, 'user#1', 'verify', 'organization', 1, '{}', '{}', "
            "'', CURRENT_TIMESTAMP)"
        ),
        {"actor": world["admin"]},
    )
    db.session.commit()
    for statement in (
        "UPDATE audit_log SET reason = '篡改'",
        "DELETE FROM audit_log",
        f"UPDATE audit_log SET actor_id = NULL WHERE actor_id = {world['admin']}",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):  # a user in the log is anonymised, never deleted
        db.session.execute(text(f"DELETE FROM users WHERE id = {world['admin']}"))
    db.session.rollback()
    row = db.session.query(AuditLog).one()
    assert (row.reason, row.actor_id, row.action) == ("", world["admin"], "verify")


def test_dashboard_numbers_and_csv(client, app, world, make):
    need = make.need(world["hb_org"])
    ach = make.achievement(world["bj_org"])
    make.need(
        world["hb_org"],
        title="古建筑彩画数字化修复",
        field="digital_creative",
        keywords=["彩画", "数字化"],
        problem="古建筑彩画褪色剥落",
        key_points="高光谱采集",
        goals="虚拟修复",
    )
    with app.app_context():
        interest = interest_service.express(db.session.get(User, world["hb"]), need, ach, "")
        interest_service.accept(db.session.get(User, world["bj"]), interest)
        interest_service.record_deal(
            db.session.get(User, world["hb"]), interest, interest_service.DealData("license", 80, date.today())
        )
    login(client, app, world["admin"])
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert "区域自给率" in page and 'data-chart="flows"' in page and "charts.js" in page
    assert "与北京或天津的科技成果签约成交的比例" in page  # every figure says what it counts
    csv_text = client.get("/admin/dashboard.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff栏目,项目,指标,数值,代码")  # in words, the codes last for programs
    assert "各地区发布数,河北,技术需求,2,postings_by_region/hebei/need" in csv_text
    assert "地区间成交,北京→河北,成交,1,deal_flows/beijing->hebei/deals" in csv_text
    assert "地区间成交,北京→河北,成交额（万元）,80.0," in csv_text
    assert "河北需求指标,河北,已发布的河北需求,2," in csv_text
    assert "河北需求指标,河北,已对接的,1," in csv_text and "河北需求指标,河北,与京津成果成交的,1," in csv_text
    assert re.search(r"未满足需求,数字创意 · 唐山,需求数,1,unmet_demand/digital_creative@唐山/needs", csv_text)
    assert "postings_by_region,hebei" not in csv_text.split("\n")[1].split(",")[0]
