"""Suggestions, interests, conversations, notifications and saved searches through the pages."""

import re
import threading
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from matchmaker.extensions import db
from matchmaker.models import Interest, Notification, SavedSearch, SuggestionFeedback
from tests.conftest import login

CONTACTS = ("010-5555 1234", "wang.contact@example.com", "0311-5555 6789", "li.need@example.com")


@pytest.fixture
def pair(world, make):
    return {"need": make.need(world["hb_org"]), "ach": make.achievement(world["bj_org"])}


def _express(client, pair, message="希望洽谈许可事宜"):
    return client.post("/interests", data={"need_id": pair["need"], "achievement_id": pair["ach"], "message": message})


def _interest_id(app):
    with app.app_context():
        return db.session.query(Interest).one().id


def test_owner_sees_suggestions_with_shared_terms_and_reasons(client, app, world, pair, make):
    food = make.achievement(
        world["tj_org"],
        title="食品包装膜阻隔涂层",
        field="food",
        keywords=["包装膜", "阻隔"],
        summary="食品包装用高阻隔涂层材料",
        description="PVDC替代涂层，氧气透过率低",
        advantages="环保",
        applications="食品包装",
    )
    login(client, app, world["hb"])
    page = client.get(f"/needs/{pair['need']}").get_data(as_text=True)
    battery = page.index(f'<a href="/achievements/{pair["ach"]}">')
    assert "推荐的科技成果" in page and "<mark>正极</mark>" in page
    if f'<a href="/achievements/{food}">' in page:  # shares only 材料: ranked below, if at all
        assert battery < page.index(f'<a href="/achievements/{food}">')
    assert "同一领域" in page and "strength-strong" in page
    # Not for others: a third organization sees the need but no suggestions.
    login(client, app, world["tj"])
    assert "推荐的科技成果" not in client.get(f"/needs/{pair['need']}").get_data(as_text=True)


def test_contacts_absent_everywhere_before_acceptance_and_present_after(client, app, world, pair):
    login(client, app, world["hb"])
    _express(client, pair)
    interest_id = _interest_id(app)
    public_pages = [
        "/",
        "/achievements/",
        "/needs/",
        f"/achievements/{pair['ach']}",
        f"/needs/{pair['need']}",
        "/achievements/?q=锂电池",
        f"/interests/{interest_id}",
        "/interests",
        "/me/suggestions",
    ]
    # Before acceptance: the firm sees its own contact but not the institution's.
    for url in public_pages:
        page = client.get(url).get_data(as_text=True)
        assert "010-5555 1234" not in page and "wang.contact@example.com" not in page, url
    anonymous = app.test_client()
    for url in public_pages[:6]:
        page = anonymous.get(url).get_data(as_text=True)
        assert not any(c in page for c in CONTACTS), url
    login(client, app, world["bj"])
    response = client.post(f"/interests/{interest_id}/accept")
    assert response.status_code in (302, 303)
    for user in (world["bj"], world["hb"]):
        login(client, app, user)
        page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
        assert all(c in page for c in CONTACTS)
    login(client, app, world["hb"])
    assert "wang.contact@example.com" in client.get(f"/achievements/{pair['ach']}").get_data(as_text=True)
    # Still nothing for the public or a third party.
    for url in public_pages[:6]:
        assert not any(c in anonymous.get(url).get_data(as_text=True) for c in CONTACTS), url
    login(client, app, world["tj"])
    assert client.get(f"/interests/{interest_id}").status_code == 404
    assert "wang.contact@example.com" not in client.get(f"/achievements/{pair['ach']}").get_data(as_text=True)


def test_refusals_through_the_pages(client, app, world, pair, make):
    login(client, app, world["bj"])
    draft = make.need(world["hb_org"], status="draft")
    response = client.post("/interests", data={"need_id": draft, "achievement_id": pair["ach"]})
    assert response.status_code == 404
    login(client, app, world["hb"])
    _express(client, pair)
    again = _express(client, pair)
    assert again.status_code == 409  # the database's unique index decided; the page says why
    assert "已有一个进行中的对接意向" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Interest).count() == 1
    assert client.post("/interests", data={"need_id": "abc", "achievement_id": pair["ach"]}).status_code in (302, 303)
    assert client.get("/interests/999999").status_code == 404
    interest_id = _interest_id(app)
    assert client.post(f"/interests/{interest_id}/accept").status_code == 403  # initiator cannot accept
    assert client.get(f"/interests/{interest_id}/accept").status_code == 405
    anonymous = app.test_client()
    assert anonymous.get(f"/interests/{interest_id}").status_code in (302, 303)


def test_conversation_and_deal_through_the_pages(client, app, world, pair):
    login(client, app, world["hb"])
    _express(client, pair)
    interest_id = _interest_id(app)
    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/accept")
    client.post(f"/interests/{interest_id}/messages", data={"body": "<script>alert(1)</script>欢迎来实验室考察"})
    login(client, app, world["hb"])
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;欢迎来实验室考察" in page and "<script>alert" not in page
    client.post(f"/interests/{interest_id}/status", data={"status": "on_hold", "note": "内部评估"})
    response = client.post(
        f"/interests/{interest_id}/deal",
        data={
            "contract_type": "license",
            "amount_wan": "85.5",
            "signed_on": "2026-11-01",
            "registration_no": "2026110100012345",
            "mark_need_fulfilled": "y",
        },
    )
    assert response.status_code in (302, 303)
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "已成交" in page and "技术许可" in page and "85.5 万元" in page
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.deal.amount_wan == pytest.approx(85.5) and interest.need.status == "fulfilled"
        assert interest.achievement.status == "published"


def test_decline_with_reason_through_the_page(client, app, world, pair):
    login(client, app, world["hb"])
    _express(client, pair)
    interest_id = _interest_id(app)
    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/decline", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Interest, interest_id).status == "proposed"
    client.post(f"/interests/{interest_id}/decline", data={"reason": "该技术暂不对外许可"})
    login(client, app, world["hb"])
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "已婉拒" in page and "该技术暂不对外许可" in page and "wang.contact@example.com" not in page


def test_feedback_dismisses_a_suggestion_for_that_user_only(client, app, world, pair, make):
    colleague = make.user(world["hb_org"])
    link = f'<a href="/achievements/{pair["ach"]}">'
    login(client, app, world["hb"])
    assert link in client.get(f"/needs/{pair['need']}").get_data(as_text=True)
    client.post(
        "/suggestions/feedback",
        data={"need_id": pair["need"], "achievement_id": pair["ach"], "verdict": "irrelevant", "reason": "too_early"},
    )
    with app.app_context():
        row = db.session.query(SuggestionFeedback).one()
        assert row.relevant is False and row.reason == "too_early"
    page = client.get(f"/needs/{pair['need']}").get_data(as_text=True)
    assert "推荐的科技成果" in page and link not in page
    login(client, app, colleague)
    assert link in client.get(f"/needs/{pair['need']}").get_data(as_text=True)
    # Judging a pair you do not own is refused, as if the postings did not exist (drafts stay unseen).
    login(client, app, world["tj"])
    response = client.post(
        "/suggestions/feedback", data={"need_id": pair["need"], "achievement_id": pair["ach"], "verdict": "relevant"}
    )
    assert response.status_code == 404


def test_my_suggestions_lists_new_pairs(client, app, world, pair):
    login(client, app, world["hb"])
    link = f'<a href="/achievements/{pair["ach"]}">'
    page = client.get("/me/suggestions").get_data(as_text=True)
    assert link in page and "动力电池正极材料循环寿命提升" in page
    _express(client, pair)
    assert link not in client.get("/me/suggestions").get_data(as_text=True)


def test_notification_centre_counts_and_reads(client, app, world, pair):
    login(client, app, world["hb"])
    _express(client, pair)
    login(client, app, world["bj"])
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'class="count"[^>]*>1<', page)
    listing = client.get("/me/notifications").get_data(as_text=True)
    assert "发来对接意向" in listing
    with app.app_context():
        note_id = db.session.query(Notification).filter_by(user_id=world["bj"]).one().id
    response = client.post(f"/me/notifications/{note_id}/open")
    assert response.headers["Location"].startswith("/interests/")
    assert 'class="count"' not in client.get("/").get_data(as_text=True)
    login(client, app, world["tj"])
    assert client.post(f"/me/notifications/{note_id}/open").status_code == 404


def test_email_written_to_outbox_unless_opted_out(client, app, world, pair, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    login(client, app, world["bj"])
    client.post("/me/settings/notifications", data={"email_events": ["interest_accepted"]})  # not "received"
    login(client, app, world["hb"])
    _express(client, pair)
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())
    interest_id = _interest_id(app)
    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/accept")
    mails = list((tmp_path / "outbox").iterdir())
    assert len(mails) == 1 and "hb@example.com" in mails[0].read_text()


def test_saved_search_notifies_on_publish(client, app, world, make):
    login(client, app, world["hb"])
    response = client.post("/me/searches/achievements?q=钢渣&field=steel", data={"name": "钢渣利用"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.query(SavedSearch).one().params == {"q": "钢渣", "field": "steel"}
    matching = make.achievement(
        world["bj_org"], status="pending", title="钢渣制备路基材料", field="steel", keywords=["钢渣"]
    )
    other = make.achievement(world["bj_org"], status="pending", title="无关的成果", field="it", keywords=["软件"])
    login(client, app, world["admin"])
    client.post(f"/admin/achievement/{matching}/review", data={"decision": "publish"})
    client.post(f"/admin/achievement/{other}/review", data={"decision": "publish"})
    with app.app_context():
        notes = db.session.query(Notification).filter_by(user_id=world["hb"], event="saved_search").all()
        assert len(notes) == 1 and notes[0].params["title"] == "钢渣制备路基材料"
    login(client, app, world["hb"])
    assert "钢渣利用" in client.get("/me/settings/notifications").get_data(as_text=True)


def test_strong_suggestion_notified_once_per_pair(client, app, world, make):
    need = make.need(world["hb_org"], title="锂电池正极材料共沉淀工艺", keywords=["锂电池", "正极材料", "共沉淀"])
    first = make.achievement(
        world["bj_org"], status="pending", title="锂电池正极材料共沉淀工艺", keywords=["锂电池", "正极材料", "共沉淀"]
    )
    login(client, app, world["admin"])
    client.post(f"/admin/achievement/{first}/review", data={"decision": "publish"})
    with app.app_context():
        strong = db.session.query(Notification).filter_by(event="strong_suggestion").all()
        assert {n.user_id for n in strong} == {world["hb"], world["bj"]}
        assert all(n.dedupe_key == f"{need}:{first}" for n in strong)
    # Unpublish and publish again: no second notification for the same pair.
    client.post(f"/admin/achievement/{first}/review", data={"decision": "unpublish", "reason": "补充材料"})
    client.post(f"/admin/achievement/{first}/review", data={"decision": "publish"})
    with app.app_context():
        assert db.session.query(Notification).filter_by(event="strong_suggestion").count() == 2


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_sixteen_simultaneous_interests_make_one_row(app, world, pair, live_server):
    client = app.test_client()
    login(client, app, world["hb"])
    cookie = client.get_cookie("session").value
    body = urllib.parse.urlencode({"need_id": pair["need"], "achievement_id": pair["ach"], "message": "并发"}).encode()
    barrier = threading.Barrier(16)
    statuses = []

    def click():
        request = urllib.request.Request(
            f"{live_server}/interests", data=body, method="POST", headers={"Cookie": f"session={cookie}"}
        )
        barrier.wait()
        opener = urllib.request.build_opener(NoRedirect)
        try:
            statuses.append(opener.open(request, timeout=30).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=click) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(statuses) == 16 and sorted(statuses) == [303] + [409] * 15, statuses
    with app.app_context():
        assert db.session.query(Interest).count() == 1
        assert db.session.query(Notification).filter_by(event="interest_received").count() == 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_withdrawn_contact_consent_blocks_future_reveals(client, app, world, pair):
    """PR-4 (PIPL art. 15): the institution stops sharing; the firm and the admin no longer see its
    contact (conversation page, posting page), the firm's own contact stays shared, and sharing again works."""
    login(client, app, world["hb"])
    _express(client, pair)
    interest_id = _interest_id(app)
    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/accept")
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "停止共享我的联系方式" in page  # the button is on one's own side only
    assert page.count('name="consent"') == 1

    response = client.post(f"/interests/{interest_id}/contact", data={"consent": "withdraw"})
    assert response.status_code == 303
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "不再向对方显示" in page and "恢复共享我的联系方式" in page
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.achievement_contact_withdrawn_at is not None and interest.need_contact_withdrawn_at is None
        assert interest.status == "negotiating"
        assert "撤回" in interest.events[-1].note and interest.events[-1].actor_id == world["bj"]

    for who in (world["hb"], world["admin"]):
        login(client, app, who)
        page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
        assert "010-5555 1234" not in page and "wang.contact@example.com" not in page
        assert "撤回了联系方式共享授权" in page
        assert "0311-5555 6789" in page  # the firm's own consent stands
    login(client, app, world["hb"])
    posting = client.get(f"/achievements/{pair['ach']}").get_data(as_text=True)
    assert "wang.contact@example.com" not in posting
    # Only the owner's side can give consent again; the other side cannot lift it (its own side is shared).
    assert client.post(f"/interests/{interest_id}/contact", data={"consent": "share"}).status_code == 409
    with app.app_context():
        assert db.session.get(Interest, interest_id).achievement_contact_withdrawn_at is not None
        assert db.session.get(Interest, interest_id).need_contact_withdrawn_at is None

    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/contact", data={"consent": "share"})
    login(client, app, world["hb"])
    assert "wang.contact@example.com" in client.get(f"/interests/{interest_id}").get_data(as_text=True)
    assert "wang.contact@example.com" in client.get(f"/achievements/{pair['ach']}").get_data(as_text=True)


def test_contact_consent_refusals_change_nothing(client, app, world, pair):
    login(client, app, world["hb"])
    _express(client, pair)
    interest_id = _interest_id(app)
    # Before acceptance there is nothing to withdraw.
    refused = client.post(f"/interests/{interest_id}/contact", data={"consent": "withdraw"})
    assert refused.status_code == 409 and "对接意向被接受后才会共享联系方式" in refused.get_data(as_text=True)
    login(client, app, world["bj"])
    client.post(f"/interests/{interest_id}/accept")
    client.post(f"/interests/{interest_id}/contact", data={"consent": "maybe"})
    assert "请选择共享或停止共享" in client.get(f"/interests/{interest_id}").get_data(as_text=True)
    login(client, app, world["admin"])
    assert client.post(f"/interests/{interest_id}/contact", data={"consent": "withdraw"}).status_code == 403
    login(client, app, world["tj"])
    assert client.post(f"/interests/{interest_id}/contact", data={"consent": "withdraw"}).status_code == 404
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.need_contact_withdrawn_at is None and interest.achievement_contact_withdrawn_at is None
        assert [e.to_status for e in interest.events] == ["proposed", "negotiating"]
