"""Journey 9 (issue #18): the centre turns a common need into a challenge, a Beijing team bids, the
sponsors score, the centre awards, a sponsor accepts the first milestone. Screenshots at 1366 and 390 px."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.story import ADMIN, FIRM  # noqa: E402
from tests.e2e.support import shoot  # noqa: E402

JOURNEY = "9-challenge"
TITLE = "烧结与熟料烟气脱硝超低排放联合攻关"
INSTITUTION = "bj-inst@example.com"  # 京华理工大学, Beijing
CEMENT = "wu.qiang@xtjc.example.com"  # 邢台太行新型建材, the other firm of the common need


def _ids(app, *externals):
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Need

    with app.app_context():
        found = dict(db.session.execute(select(Need.external_id, Need.id).where(Need.external_id.in_(externals))).all())
        db.session.remove()
    return [found[e] for e in externals]


def _close_the_call(app, title: str) -> None:
    """The deadline passes (a day in the life of a challenge the test cannot wait for)."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Challenge
    from matchmaker.services.challenge_rules import today

    with app.app_context():
        challenge = db.session.scalar(select(Challenge).where(Challenge.title == title))
        challenge.proposal_deadline = today() - timedelta(days=1)
        db.session.commit()
        db.session.remove()


def test_9_common_need_to_challenge_to_award_to_milestone(story, e2e_app):
    sinter, clinker = _ids(e2e_app, "DEMO-N-002", "DEMO-N-026")
    admin = story.actor("admin", ADMIN)
    admin.visit(f"/challenges/new?needs={sinter},{clinker}")
    page = admin.page
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("指标 1", exact=True).fill("烟气氮氧化物排放浓度")
    page.get_by_label("目标值 1", exact=True).fill("≤ 50")
    page.get_by_label("单位 1", exact=True).fill("mg/m³")
    page.get_by_label("指标 2", exact=True).fill("氨逃逸")
    page.get_by_label("目标值 2", exact=True).fill("≤ 2.5")
    page.get_by_label("单位 2", exact=True).fill("mg/m³")
    page.get_by_label("榜单金额（万元）").fill("400")
    page.get_by_label("服务中心出资（政府出资，万元）").fill("100")
    page.get_by_label("冀东新型钢铁材料有限公司").fill("180")
    page.get_by_label("邢台太行新型建材有限公司").fill("120")
    page.get_by_label("知识产权约定").fill("背景知识产权归原单位；新产生的知识产权由出资企业与揭榜单位共有。")
    shoot(admin, JOURNEY, "1-from-common-need")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flashes")).to_contain_text("榜单已保存为草稿")
    admin.check()
    challenge_url = page.url

    firm = story.actor("firm", FIRM)
    firm.visit(challenge_url)
    firm.page.get_by_role("button", name="确认本单位出资：180 万元").click()
    expect(firm.page.locator(".flashes")).to_contain_text("已确认")
    cement = story.actor("cement", CEMENT)
    cement.visit(challenge_url)
    cement.page.get_by_role("button", name="确认本单位出资：120 万元").click()
    cement.page.get_by_role("button", name="提交审核").click()
    expect(cement.page.locator(".flashes")).to_contain_text("已提交服务中心审核")
    admin.visit(challenge_url)
    admin.page.get_by_role("button", name="发榜").click()
    expect(admin.page.locator(".flashes")).to_contain_text("已发榜")
    admin.check()

    team = story.actor("institution", INSTITUTION)
    team.visit("/challenges/")
    expect(team.page.locator(".challenge-card").filter(has_text=TITLE)).to_contain_text("剩余")
    shoot(team, JOURNEY, "2-list")
    team.page.get_by_role("link", name=TITLE).click()
    team.check()
    shoot(team, JOURNEY, "3-challenge")
    team.page.get_by_role("link", name="提交揭榜方案").click()
    team.check()
    bid = team.page
    bid.get_by_label("负责人").fill("刘敏")
    bid.get_by_label("团队").fill("京华理工大学环境工程系烟气治理团队，教授2人、博士后1人。")
    bid.get_by_label("技术方案").fill("中低温SCR催化剂配合分区喷氨与流场优化。")
    bid.get_by_label("烟气氮氧化物排放浓度（≤ 50mg/m³）").fill("中低温SCR，入口温度220℃下脱硝效率90%。")
    bid.get_by_label("氨逃逸（≤ 2.5mg/m³）").fill("分区喷氨闭环控制，氨逃逸2mg/m³以下。")
    due = [(date.today() + timedelta(days=d)).isoformat() for d in (90, 300)]
    bid.get_by_label("里程碑 1", exact=True).fill("催化剂小试与流场模拟")
    bid.get_by_label("完成日期 1", exact=True).fill(due[0])
    bid.get_by_label("付款（万元） 1", exact=True).fill("120")
    bid.get_by_label("里程碑 2", exact=True).fill("烧结机工业示范通过验收")
    bid.get_by_label("完成日期 2", exact=True).fill(due[1])
    bid.get_by_label("付款（万元） 2", exact=True).fill("240")
    bid.get_by_label("报价（万元）").fill("360")
    bid.get_by_label("技术目前的成熟度（TRL）").select_option("6")
    shoot(team, JOURNEY, "4-proposal-form")
    bid.get_by_role("button", name="提交方案").click()
    expect(bid.locator(".flashes")).to_contain_text("揭榜方案已提交")
    team.check()
    shoot(team, JOURNEY, "5-proposal")
    proposal_url = bid.url
    other = story.fresh("other-bidder")
    other.login("tj-inst@example.com", "demo-2026-pool")
    assert other.page.goto(proposal_url).status == 404  # another bidder never reads it

    _close_the_call(e2e_app, TITLE)
    firm.visit(challenge_url)
    firm.page.get_by_role("button", name="截止揭榜，开始评审").click()
    expect(firm.page.locator(".flashes")).to_contain_text("评审开始")
    firm.visit(proposal_url)
    scores = firm.page.locator("form").filter(has=firm.page.get_by_role("button", name="提交评分"))
    inputs = scores.locator("input[name^=points]")
    for i, value in enumerate(("36", "22", "12", "17")):
        inputs.nth(i).fill(value)
    shoot(firm, JOURNEY, "6-score")
    firm.page.get_by_role("button", name="提交评分").click()
    expect(firm.page.locator(".flashes")).to_contain_text("评分已记录")
    expect(firm.page.locator("table.ranking")).to_contain_text("87.0")
    firm.check()
    shoot(firm, JOURNEY, "7-ranking")

    admin.visit(challenge_url.rstrip("/") + "/proposals")
    admin.page.get_by_label("技术合同登记号（选填）").fill("2026110100456")
    admin.page.get_by_role("button", name="授榜").click()
    expect(admin.page.locator(".flashes")).to_contain_text("已授榜")
    admin.check()

    firm.visit(challenge_url)
    first = firm.page.locator("article.milestone").first
    first.get_by_label("验收意见").fill("小试催化剂脱硝效率91%，流场模拟报告齐全，同意验收。")
    first.get_by_role("button", name="验收里程碑").click()
    expect(firm.page.locator(".flashes")).to_contain_text("里程碑已验收")
    expect(firm.page.locator("article.milestone").first).to_contain_text("已验收")
    firm.check()
    shoot(firm, JOURNEY, "8-milestone-accepted")
    admin.visit("/admin/dashboard#challenges")
    expect(admin.page.locator("#challenges")).to_contain_text("已授榜")
    shoot(admin, JOURNEY, "9-dashboard")
