"""What a new engineer, officer and admin meet in their first minutes (issue #16), through the pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Need, User
from matchmaker.services import interests
from tests.conftest import PASSWORD, login

EN = {"Accept-Language": "en"}


@pytest.fixture
def signed(app, make, world):
    """A need and an achievement that signed a deal, the need marked fulfilled, the achievement transferred."""
    need, ach = (
        make.need(world["hb_org"], title="高炉煤气除尘滤袋寿命提升"),
        make.achievement(world["bj_org"], title="PTFE覆膜滤料长寿命运行技术"),
    )
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), need, ach, "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        interests.record_deal(
            db.session.get(User, world["bj"]),
            interest,
            interests.DealData("license", 120, date(2026, 11, 20), mark_achievement_transferred=True),
        )
    firm = app.test_client()  # the other side closes its own posting from its page
    login(firm, app, world["hb"])
    page = firm.get(f"/needs/{need}").get_data(as_text=True)
    assert f'action="/needs/{need}/close"' in page and "标记为已解决" in page
    assert firm.post(f"/needs/{need}/close").status_code == 303
    assert firm.post(f"/needs/{need}/close").status_code == 409  # once
    return {"need": need, "ach": ach}


def test_postings_stay_public_after_a_deal_with_a_badge(client, signed):
    for url, badge in ((f"/needs/{signed['need']}", "已解决"), (f"/achievements/{signed['ach']}", "已转化")):
        page = client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and badge in text and "已成交" in text, url
        assert "不再接受新的对接意向" in text and "wang.contact@example.com" not in text
    home = client.get("/").get_data(as_text=True)
    assert "成交案例" in home and "PTFE覆膜滤料长寿命运行技术" in home and "高炉煤气除尘滤袋寿命提升" in home
    assert (
        "北京 → 河北" in home
        and "技术许可" in home
        and "2026-11" in home
        and "120" not in home.split("成交案例")[1][:600]
    )


def test_a_draft_needs_only_a_title_and_submitting_asks_for_the_rest(client, app, world):
    login(client, app, world["hb"])
    form = client.get("/needs/new").get_data(as_text=True)
    assert re.search(
        r'<div class="label-row"><label for="keywords">[^<]*</label><span class="req"', form
    )  # on the label's line
    assert '<option selected value="">请选择</option>' in form or '<option value="" selected>请选择</option>' in form
    assert "各成熟度等级是什么意思" in form and "在实际使用环境中运行验证" in form
    budget, deadline = form.index('name="budget_max"'), form.index('name="deadline"')
    assert budget < form.index("两项金额均不填写即为“面议”") < deadline  # the hint sits under the budget
    response = client.post("/needs/new", data={"title": "只写了标题的需求", "save": "保存草稿"})
    assert response.status_code == 303
    with app.app_context():
        need = db.session.scalar(db.select(Need).where(Need.title == "只写了标题的需求"))
        assert need.status == "draft" and need.min_trl is None and need.keywords == [] and need.field == ""
        need_id = need.id
    refused = client.post(f"/needs/{need_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "提交审核前请填写" in refused and "主要问题" in refused and "关键词" in refused
    with app.app_context():
        assert db.session.get(Need, need_id).status == "draft"
    edit = client.get(f"/needs/{need_id}/edit").get_data(as_text=True)
    assert 'value="只写了标题的需求"' in edit


def test_forms_keep_what_was_typed_and_show_errors_at_their_field(client, app, world, make):
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), need, ach, "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        interest_id = interest.id
    login(client, app, world["hb"])
    bad_deal = client.post(
        f"/interests/{interest_id}/deal",
        data={
            "contract_type": "license",
            "amount_wan": "NaN",
            "signed_on": "2026-11-01",
            "registration_no": "2026-ABC",
        },
    )
    page = bad_deal.get_data(as_text=True)
    assert bad_deal.status_code == 400
    assert re.search(r'id="amount_wan"[^>]*value="NaN"|value="NaN"[^>]*id="amount_wan"', page)
    assert 'id="amount_wan-error"' in page and 'value="2026-ABC"' in page and 'value="2026-11-01"' in page
    long = "很长的消息" * 500
    bad_message = client.post(f"/interests/{interest_id}/messages", data={"body": long})
    assert bad_message.status_code == 400 and long in bad_message.get_data(as_text=True)
    registration = app.test_client().post(
        "/register",
        data={
            "name": "周工",
            "email": "zhou@example.com",
            "phone": "bad phone!",
            "password": "a long pass phrase",
            "password2": "a long pass phrase",
            "org_mode": "existing",
            "existing_credit_code": "",
            "consent": "y",
        },
    )
    assert (
        registration.status_code == 400 and registration.get_data(as_text=True).count('value="a long pass phrase"') == 2
    )


def test_calls_to_action_and_the_admin_lands_on_the_review_queue(client, app, world, make):
    ach = make.achievement(world["bj_org"])
    anonymous = client.get(f"/achievements/{ach}").get_data(as_text=True)
    assert "登录或注册后即可表达对接意向" in anonymous and f"/login?next=/achievements/{ach}" in anonymous
    login(client, app, world["hb"])  # a firm without a published need
    page = client.get(f"/achievements/{ach}").get_data(as_text=True)
    assert "请先发布需求" in page and 'href="/needs/new"' in page
    listing = client.get("/achievements/").get_data(as_text=True)
    assert "发布技术需求：平台会为您推荐匹配的成果" in listing and 'href="/achievements/new"' not in listing
    admin = app.test_client()
    response = admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/review")


def test_the_reply_box_and_the_feedback_choice_do_not_lead(client, app, world, make):
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    with app.app_context():
        interest_id = interests.express(db.session.get(User, world["hb"]), need, ach, "").id
    login(client, app, world["bj"])
    page = client.get(f"/interests/{interest_id}").get_data(as_text=True)
    accept, decline = page.index('/accept"'), page.index("说明理由后婉拒")
    assert accept < decline and '<details class="decline-box">' in page  # the reason belongs to declining only
    login(client, app, world["hb"])
    suggestions = client.get(f"/needs/{need}").get_data(as_text=True)
    assert '<option value="" selected>为什么不相关？</option>' in suggestions


def test_audit_log_speaks_in_words_with_links(client, app, world, make):
    pending = make.achievement(world["bj_org"], status="pending")
    login(client, app, world["admin"])
    client.post(f"/admin/achievement/{pending}/review", data={"decision": "publish", "reason": "资料齐全"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "发布" in page and "状态: 待审核 → 已发布" in page and f'href="/achievements/{pending}"' in page
    assert "publish" not in page.split("<tbody>")[1] and "{&#34;status" not in page
    with app.app_context():
        assert db.session.scalar(db.select(AuditLog.reason).where(AuditLog.action == "publish")) == "资料齐全"
    english = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "Published" in english and "status: Pending review → Published" in english


def test_registration_page_filters_cities_and_links_the_notice(client):
    page = client.get("/register").get_data(as_text=True)
    assert "/static/js/forms.js" in page and 'data-org-mode="new"' in page and 'data-org-mode="existing"' in page
    assert 'href="/about#privacy"' in page and "<script>" not in page
    about = client.get("/about").get_data(as_text=True)
    assert 'id="privacy"' in about and "隐私声明（2026-12 版）" in about


def test_english_formats(client, app, world, make):
    ach = make.achievement(world["bj_org"], modes=["license", "joint"])
    org = make.org("institute", "tianjin", "河北区", name="天津河北区研究所")
    page = client.get(f"/achievements/{ach}", headers=EN).get_data(as_text=True)
    assert "Licence, Joint implementation" in page and "、" not in page.split("Transfer modes")[1][:200]
    assert "¥0.5–1.2 million" in page
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.split("Published</dt>")[1][:40])
    with app.app_context():
        from matchmaker import domain

        assert domain.city_label("河北区", "en") == "Hebei District (Tianjin)"
    assert org
    chinese = client.get(f"/achievements/{ach}").get_data(as_text=True)
    assert "许可、合作实施" in chinese and "50–120 万元" in chinese


def test_a_paraphrased_re_post_is_caught_before_it_goes_to_review(client, app, world, make):
    """A firm re-posted its 2号高炉 need in other words: scored 0.636 and was not flagged (threshold 0.8)."""
    make.need(
        world["hb_org"],
        title="2号高炉煤气布袋除尘出口含尘偏高、滤袋寿命短",
        field="steel",
        keywords=["高炉煤气", "布袋除尘", "滤袋"],
        problem="2号高炉煤气干法布袋除尘器出口含尘浓度经常超过10mg/m³，滤袋平均使用寿命不足一年，频繁更换影响TRT发电。",
        key_points="耐高温耐腐蚀滤料、脉冲清灰制度优化、箱体漏风检测。",
        goals="出口含尘稳定低于5mg/m³，滤袋寿命延长到三年以上。",
    )
    login(client, app, world["hb"])
    form = {
        "title": "高炉煤气除尘滤袋寿命不足一年，出口粉尘超标",
        "field": "steel",
        "keywords": "布袋除尘、高炉煤气、滤料",
        "problem": "我厂2号高炉干法布袋除尘的滤袋一年不到就要换，出口含尘经常在10mg/m³以上，影响TRT发电。",
        "key_points": "滤料要耐高温、耐腐蚀；清灰制度需要优化；要能查出箱体漏风。",
        "goals": "出口粉尘稳定在5mg/m³以下，滤袋用三年以上。",
        "min_trl": "6",
        "modes": "development",
        "contact_name": "王建国",
        "contact_phone": "0315-5555 0456",
        "contact_email": "hb@example.com",
        "submit_review": "提交审核",
    }
    asked = client.post("/needs/new", data=form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "是否为同一项" in page and "2号高炉煤气布袋除尘出口含尘偏高" in page
    assert 'name="not_duplicate"' in page and "\n我厂2号高炉干法布袋除尘的滤袋" in page  # what was typed stays
    with app.app_context():
        assert db.session.query(Need).count() == 1  # nothing saved yet
    other = {
        **form,
        "title": "羊绒纱线含绒量检测慢",
        "field": "textile",
        "keywords": "羊绒、含绒量",
        "problem": "羊绒原料含绒量检测要两天，掺假原料难以把关。",
        "key_points": "近红外光谱快速检测。",
        "goals": "十分钟出结果，误差小于百分之二。",
    }
    assert (
        client.post("/needs/new", data=other).status_code == 303
    )  # another text: no stale warning (the probe found one)
    client.post("/logout")
    firm2 = make.org("firm", "hebei", "唐山", name="唐山另一家钢铁有限公司")
    login(client, app, make.user(firm2, email="firm2@example.com"))
    assert client.post("/needs/new", data=form).status_code == 303  # another firm's similar need is no re-post
    client.post("/logout")
    login(client, app, world["hb"])
    confirmed = client.post("/needs/new", data={**form, "not_duplicate": "y"})
    assert confirmed.status_code == 303
    with app.app_context():
        assert db.session.query(Need).filter_by(status="pending").count() == 3
