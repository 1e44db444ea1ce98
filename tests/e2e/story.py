"""The pool's main story, step by step, as people do it in a browser.

Each step runs at most once per session and first runs the steps it depends on, so any journey
test can run alone (``pytest tests/e2e -k deal``) and still find the world it needs. Steps click and
type; the database is only read, to assert outcomes.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.models import Achievement, Interest, Need, Organization, User
from tests.e2e.support import Actor, shoot

DEMO_PASSWORD = "demo-2026-pool"
ADMIN = "admin@example.com"
FIRM = "hb-firm@example.com"

OFFICER = {
    "name": "赵思远",
    "email": "zhao.siyuan@jxcl-e2e.example.com",
    "phone": "010-6275 0001",
    "password": "basalt river 2026 spring",
    "org_name": "京西新材料大学（E2E）",
    "credit_code": make_credit_code(777_001),
}
ACHIEVEMENT = {
    "title": "玄武岩纤维增强复合筋材连续拉挤成型技术",
    "summary": "以玄武岩纤维为增强体、环氧树脂为基体，连续拉挤成型制备耐腐蚀复合筋材，替代钢筋用于海工与道桥。",
    "description": "玄武岩纤维经浸胶、预成型、拉挤固化和在线缠绕肋纹，连续生产直径6–32mm的复合筋材；拉伸强度≥1100MPa，"
    "弹性模量≥50GPa，生产线速度1.2m/min。",
    "advantages": "耐氯盐腐蚀，密度为钢筋的四分之一；在线缠绕肋纹使粘结强度提高30%；拉挤成型能耗低。",
    "applications": "跨海桥梁、码头、盐碱地路基、化工厂房地坪。",
    "keywords": "玄武岩纤维、复合筋材、拉挤成型",
    "contact_name": "赵思远",
    "contact_phone": "010-6275 8899",
    "contact_email": "basalt.office@jxcl-e2e.example.com",
}
NEED = {
    "title": "玄武岩纤维复合筋材规模化拉挤成型生产工艺",
    "problem": "公司计划建设玄武岩纤维复合筋材生产线，用于沿海码头和盐碱地路基，但现有拉挤成型工艺速度慢、筋材粘结强度不足。",
    "key_points": "玄武岩纤维浸胶均匀性、拉挤成型固化速度、复合筋材表面肋纹成型。",
    "goals": "复合筋材拉伸强度≥1000MPa，拉挤成型线速度≥1m/min，年产复合筋材5000吨。",
    "keywords": "玄武岩纤维、复合筋材、拉挤成型",
    "contact_name": "王建国",
    "contact_phone": "0315-6688 1234",
    "contact_email": "basalt.buyer@jdgt-e2e.example.com",
}
MESSAGES = ("请提供复合筋材的检测报告和中试线参数。", "检测报告已上传至共享盘，欢迎下周到校参观中试线。")
DEAL = {"contract": "license", "amount": "85", "registration_no": "2026110108000123"}


class Story:
    """The actors and the steps; ``done`` remembers which steps already ran (and their results)."""

    def __init__(self, browser: Browser, base_url: str, app):
        self.browser, self.base_url, self.app = browser, base_url, app
        self.actors: dict[str, Actor] = {}
        self.done: dict[str, object] = {}

    # -- helpers --------------------------------------------------------------------------------
    def actor(self, key: str, email: str | None = None, password: str = DEMO_PASSWORD) -> Actor:
        """The actor ``key``; logged in as ``email`` the first time it is asked for."""
        if key not in self.actors:
            self.actors[key] = Actor.start(self.browser, key, self.base_url)
            if email:
                self.actors[key].login(email, password)
        return self.actors[key]

    def fresh(self, key: str, **context_args) -> Actor:
        """A new anonymous actor (closing an earlier one of that name)."""
        if key in self.actors:
            self.actors.pop(key).close()
        self.actors[key] = Actor.start(self.browser, key, self.base_url, **context_args)
        return self.actors[key]

    def close(self) -> None:
        for actor in self.actors.values():
            actor.close()

    def once(self, name: str, run):
        if name not in self.done:
            self.done[name] = run()
        return self.done[name]

    def read(self, fn):
        """Read the database the server writes (assertions only)."""
        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def achievement(self) -> Achievement:
        return self.read(
            lambda: db.session.scalar(select(Achievement).where(Achievement.title == ACHIEVEMENT["title"]))
        )

    def need(self) -> Need:
        return self.read(lambda: db.session.scalar(select(Need).where(Need.title == NEED["title"])))

    def dashboard_figures(self) -> dict[tuple[str, str, str], str]:
        response = self.actor("admin", ADMIN).page.request.get("/admin/dashboard.csv")
        assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
        assert rows[0] == ["栏目", "项目", "指标", "数值", "代码（栏目/项目/指标）"], rows[0]
        return {tuple(r[4].split("/", 2)): r[3] for r in rows[1:]}

    def mailed_link(self, to: str, prefix: str) -> str:
        """The path of the newest link starting with ``prefix`` mailed to ``to`` (the outbox's .eml files)."""
        from email import policy
        from email.parser import BytesParser
        from pathlib import Path

        folder = Path(self.app.config["MAIL_OUTBOX_DIR"])
        for path in sorted(folder.iterdir(), reverse=True):
            mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            found = re.search(rf"https?://\S+?({re.escape(prefix)}\S+)", mail.get_content())
            if mail["To"] == to and found:
                return found.group(1)
        raise AssertionError(f"no mail to {to} with {prefix}")

    @staticmethod
    def assert_funnel_proportional(page) -> None:
        """Each funnel bar is as long as its stage's count, relative to the first (the table's numbers)."""
        counts = [int(c) for c in page.locator("#table-funnel td").all_inner_texts()]
        widths = [
            float(w)
            for w in page.locator("figure[data-chart=funnel] rect").evaluate_all(
                "rects => rects.map(r => r.getAttribute('width'))"
            )
        ]
        assert len(widths) == len(counts) and counts[0] > 0, (counts, widths)
        assert counts == sorted(counts, reverse=True), counts  # nested stages never grow
        for count, width in zip(counts, widths):
            expected = widths[0] * count / counts[0]
            assert (count == 0 and width == 0) or abs(width - max(3.0, expected)) < 0.5, (counts, widths)

    @staticmethod
    def deals_total(figures) -> int:
        return sum(
            int(v)
            for (section, _key, measure), v in figures.items()
            if section == "funnel_by_month" and measure == "deals"
        )

    def publish_from_queue(self, title: str, shot: str | None = None) -> None:
        """The admin opens the review queue, finds ``title`` and publishes it."""
        admin = self.actor("admin", ADMIN)
        admin.visit("/")
        admin.page.get_by_role("navigation", name="主导航").get_by_role("link", name="管理后台").click()
        admin.check()  # the admin area opens on the review queue
        expect(admin.page.get_by_role("heading", level=1)).to_have_text("审核队列")
        card = admin.page.locator("article.review-item").filter(has=admin.page.get_by_role("heading", name=title))
        expect(card).to_have_count(1)
        expect(card.locator(".checklist")).to_be_visible()
        if shot:
            shoot(admin, "2-admin-review", shot)
        verify = card.locator("form.verify-org")
        if verify.count():  # a new organization: the admin checks it before its first posting goes public
            verify.get_by_role("textbox").fill("已在国家企业信用信息公示系统核对信用代码，并电话核实。")
            verify.get_by_role("button", name="认证该机构").click()
            expect(admin.page.locator(".flashes")).to_contain_text("已认证")
            admin.check()
            card = admin.page.locator("article.review-item").filter(has=admin.page.get_by_role("heading", name=title))
            expect(card.locator("form.verify-org")).to_have_count(0)
        card.get_by_label("给发布方的理由或意见").fill("资料齐全，予以发布。")
        card.get_by_role("button", name="发布", exact=True).click()
        expect(admin.page.locator(".flashes")).to_contain_text(f"已发布：{title}")
        admin.check()

    # -- 1. an institution officer registers a new organization and submits an achievement ---------
    def register_institution(self) -> Actor:
        def run():
            inst = self.fresh("institution")
            inst.visit("/")
            shoot(inst, "1-institution", "home", docs="home")
            inst.page.locator(".header-tools").get_by_role("link", name="注册", exact=True).click()
            inst.check()
            page = inst.page
            expect(page.get_by_role("heading", level=1)).to_have_text("注册")
            page.get_by_label("姓名").fill(OFFICER["name"])
            page.get_by_label("电子邮箱（用于登录）").fill(OFFICER["email"])
            page.get_by_label("电话", exact=True).fill(OFFICER["phone"])
            page.get_by_label("密码", exact=True).fill(OFFICER["password"])
            page.get_by_label("确认密码").fill(OFFICER["password"])
            page.get_by_role("radio", name="注册新机构").check()
            page.get_by_label("机构名称").fill(OFFICER["org_name"])
            page.get_by_label("机构类型").select_option("university")
            page.get_by_label("地区", exact=True).select_option("beijing")
            page.get_by_label("城市或区县").select_option("海淀区")
            page.get_by_label("统一社会信用代码", exact=True).fill(OFFICER["credit_code"])
            page.locator("#consent").check()
            shoot(inst, "1-institution", "register")
            page.get_by_role("button", name="创建账号").click()
            expect(page.locator(".flashes")).to_contain_text(f"我们已向 {OFFICER['email']} 发送链接")
            inst.check()
            inst.visit(self.mailed_link(OFFICER["email"], "/register/confirm/"))  # the officer opens the e-mail
            inst.check()
            page.get_by_role("button", name="确认并开通账号").click()
            expect(page.locator(".flashes")).to_contain_text("邮箱已确认")
            inst.check()
            expect(page.get_by_role("heading", level=1)).to_have_text("我的发布")

            user = self.read(lambda: db.session.scalar(select(User).where(User.email == OFFICER["email"])))
            org = self.read(lambda: db.session.get(Organization, user.organization_id))
            assert (org.name, org.kind, org.region, org.city, org.credit_code) == (
                OFFICER["org_name"],
                "university",
                "beijing",
                "海淀区",
                OFFICER["credit_code"],
            )
            assert user.consent_version and user.consent_at is not None
            return inst

        return self.once("register_institution", run)

    def submit_achievement(self) -> Achievement:
        def run():
            inst = self.register_institution()
            page = inst.page
            inst.visit("/me/postings")
            page.get_by_role("link", name="发布科技成果").first.click()
            inst.check()
            expect(page.get_by_role("heading", level=1)).to_have_text("发布科技成果")
            page.get_by_label("标题").fill(ACHIEVEMENT["title"])
            page.get_by_label("摘要（一两句话）").fill(ACHIEVEMENT["summary"])
            page.get_by_label("成果简介").fill(ACHIEVEMENT["description"])
            page.get_by_label("技术优势与创新点").fill(ACHIEVEMENT["advantages"])
            page.get_by_label("应用场景").fill(ACHIEVEMENT["applications"])
            page.get_by_label("领域").select_option("materials")
            page.get_by_label(re.compile("^关键词")).fill(ACHIEVEMENT["keywords"])
            page.get_by_label("成熟度（技术就绪水平）").select_option("7")
            page.get_by_label("知识产权").select_option("invention")
            page.get_by_role("checkbox", name="许可", exact=True).check()
            page.get_by_role("checkbox", name="转让", exact=True).check()
            page.get_by_label("价格下限（万元）").fill("60")
            page.get_by_label("价格上限（万元）").fill("120")
            page.get_by_label("联系人").fill(ACHIEVEMENT["contact_name"])
            page.get_by_label("联系电话").fill(ACHIEVEMENT["contact_phone"])
            page.get_by_label("联系邮箱").fill(ACHIEVEMENT["contact_email"])
            shoot(inst, "1-institution", "achievement-form")
            page.get_by_role("button", name="提交审核").click()
            expect(page.locator(".flashes")).to_contain_text("已提交审核。")
            inst.check()
            expect(page.get_by_role("heading", level=1)).to_have_text(ACHIEVEMENT["title"])
            expect(page.locator(".owner-actions .badge")).to_have_text("待审核")
            shoot(inst, "1-institution", "achievement-submitted")

            achievement = self.achievement()
            assert (
                achievement.status == "pending"
                and achievement.trl == 7
                and set(achievement.modes) == {"license", "assignment"}
            )
            assert achievement.keywords == ["玄武岩纤维", "复合筋材", "拉挤成型"]
            assert achievement.organization_id == self.read(
                lambda: db.session.scalar(select(User.organization_id).where(User.email == OFFICER["email"]))
            )
            return achievement

        return self.once("submit_achievement", run)

    # -- 2. the admin publishes it from the review queue ----------------------------------------
    def publish_achievement(self) -> Achievement:
        def run():
            self.submit_achievement()
            self.publish_from_queue(ACHIEVEMENT["title"], shot="review-queue")
            achievement = self.achievement()
            assert achievement.status == "published" and achievement.published_at is not None
            return achievement

        return self.once("publish_achievement", run)

    # -- 3. a Hebei firm posts a need, it is published, the firm expresses interest -------------
    def publish_need(self) -> Need:
        def run():
            self.publish_achievement()
            firm = self.actor("firm", FIRM)
            page = firm.page
            firm.visit("/me/postings")
            page.get_by_role("link", name="发布技术需求").first.click()
            firm.check()
            page.get_by_label("标题").fill(NEED["title"])
            page.get_by_label("主要问题").fill(NEED["problem"])
            page.get_by_label("关键技术难点").fill(NEED["key_points"])
            page.get_by_label("预期目标").fill(NEED["goals"])
            page.get_by_label("领域").select_option("materials")
            page.get_by_label(re.compile("^关键词")).fill(NEED["keywords"])
            page.get_by_label("可接受的最低成熟度（技术就绪水平）").select_option("6")
            page.get_by_role("checkbox", name="许可", exact=True).check()
            page.get_by_label("预算下限（万元）").fill("50")
            page.get_by_label("预算上限（万元）").fill("150")
            page.get_by_label("截止日期").fill(f"{date.today().year + 1}-06-30")
            page.get_by_label("联系人").fill(NEED["contact_name"])
            page.get_by_label("联系电话").fill(NEED["contact_phone"])
            page.get_by_label("联系邮箱").fill(NEED["contact_email"])
            page.get_by_role("button", name="提交审核").click()
            expect(page.locator(".flashes")).to_contain_text("已提交审核。")
            firm.check()
            assert self.need().status == "pending"

            self.publish_from_queue(NEED["title"])
            need = self.need()
            assert need.status == "published"
            return need

        return self.once("publish_need", run)

    def express_interest(self) -> Interest:
        def run():
            need = self.publish_need()
            firm = self.actor("firm", FIRM)
            page = firm.page
            firm.visit("/me/postings")
            page.get_by_role("link", name=NEED["title"]).click()
            firm.check()
            expect(page.get_by_role("heading", level=1)).to_have_text(NEED["title"])
            suggestions = page.locator("section.suggestions")
            expect(suggestions.get_by_role("heading", level=2)).to_have_text("推荐的科技成果")
            card = suggestions.locator("article.suggestion").filter(has_text=OFFICER["org_name"])
            expect(card).to_have_count(1)
            expect(card.get_by_role("heading", level=3)).to_have_text(ACHIEVEMENT["title"])
            marks = card.locator("mark").all_inner_texts()
            assert {"玄武岩", "筋材"} <= set(marks), f"shared terms not highlighted: {marks}"
            assert card.locator("h3 mark").count() > 0, "the title's shared terms are not highlighted"
            shoot(
                firm,
                "3-firm",
                "need-with-suggestions",
                docs="need-suggestions",
                docs_focus="section.suggestions",
                docs_phone=True,
            )
            card.get_by_label("给对方的留言").fill("我公司拟建复合筋材生产线，希望洽谈技术许可。")
            card.get_by_role("button", name="表达对接意向").click()
            expect(page.locator(".flashes")).to_contain_text("对接意向已发送")
            firm.check()
            expect(page.locator(".meta .badge")).to_have_text("待回复")
            shoot(firm, "3-firm", "interest-sent")

            interest = self.read(lambda: db.session.scalar(select(Interest).where(Interest.need_id == need.id)))
            assert interest is not None and interest.status == "proposed"
            assert interest.achievement_id == self.achievement().id and interest.accepted_at is None
            return interest

        return self.once("express_interest", run)

    # -- 4. the institution accepts; contacts, messages, a deal; the dashboard counts it ---------
    def accept_and_sign(self) -> Interest:
        def run():
            self.express_interest()
            deals_before = self.deals_total(self.dashboard_figures())
            inst, firm = self.register_institution(), self.actor("firm", FIRM)

            # Before acceptance neither side sees the other's contacts.
            inst.visit("/")
            inst.page.get_by_role("navigation", name="主导航").get_by_role("link", name="对接意向").click()
            inst.check()
            inst.page.get_by_role("link", name=NEED["title"]).click()
            inst.check()
            page = inst.page
            body = page.locator("body")
            expect(body).not_to_contain_text(NEED["contact_phone"])
            page.get_by_role("button", name="接受", exact=True).click()
            expect(page.locator(".flashes")).to_contain_text("已接受")
            inst.check()
            contacts = page.locator("section.contact")
            expect(contacts).to_contain_text(NEED["contact_phone"])
            expect(contacts).to_contain_text(NEED["contact_email"])

            firm.page.goto(page.url)
            firm.check()
            expect(firm.page.locator("section.contact")).to_contain_text(ACHIEVEMENT["contact_phone"])
            expect(firm.page.locator("section.contact")).to_contain_text(ACHIEVEMENT["contact_email"])

            # The conversation: one message each way.
            firm.page.get_by_label("消息", exact=True).fill(MESSAGES[0])
            firm.page.get_by_role("button", name="发送").click()
            firm.check()
            expect(firm.page.locator(".conversation .message.mine")).to_contain_text(MESSAGES[0])
            page.reload()
            inst.check()
            expect(page.locator(".conversation .message.theirs")).to_contain_text(MESSAGES[0])
            page.get_by_label("消息", exact=True).fill(MESSAGES[1])
            page.get_by_role("button", name="发送").click()
            inst.check()
            expect(page.locator(".conversation .message")).to_have_count(2)

            # The deal.
            page.get_by_label("合同类型").select_option(DEAL["contract"])
            page.get_by_label("金额（万元）").fill(DEAL["amount"])
            page.get_by_label("签订日期").fill(date.today().isoformat())
            page.get_by_label("技术合同登记号（选填）").fill(DEAL["registration_no"])
            page.get_by_label("将该科技成果标记为已转化").check()  # each side marks only its own posting
            expect(page.get_by_label("将该技术需求标记为已解决")).to_have_count(0)
            page.get_by_role("button", name="登记成交").click()
            expect(page.locator(".flashes")).to_contain_text("成交已登记")
            inst.check()
            expect(page.locator(".meta .badge")).to_have_text("已成交")
            shoot(inst, "4-deal", "interest-deal")
            firm.page.reload()
            firm.check()
            expect(firm.page.locator(".conversation .message.theirs")).to_contain_text(MESSAGES[1])
            expect(firm.page.locator("aside")).to_contain_text(DEAL["registration_no"])
            shoot(firm, "4-deal", "interest-deal-firm")

            interest = self.read(lambda: db.session.scalar(select(Interest).where(Interest.need_id == self.need().id)))
            assert interest.status == "deal_signed" and interest.accepted_at is not None
            assert self.achievement().status == "transferred" and self.need().status == "published"

            # The admin dashboard counts it, on the page and in the CSV.
            figures = self.dashboard_figures()
            assert self.deals_total(figures) == deals_before + 1
            assert int(figures[("deal_flows", "beijing->hebei", "deals")]) >= 1
            admin = self.actor("admin", ADMIN)
            admin.visit("/admin/dashboard")
            expect(admin.page.get_by_role("heading", level=1)).to_have_text("区域数据看板")
            funnel = admin.page.locator("#table-funnel")
            expect(funnel.locator("tr").last).to_contain_text(str(int(figures[("funnel", "deal", "count")])))
            self.assert_funnel_proportional(admin.page)
            expect(admin.page.locator("figure[data-chart] svg").first).to_be_visible()
            shoot(admin, "4-deal", "dashboard", docs="dashboard")
            return interest

        return self.once("accept_and_sign", run)
