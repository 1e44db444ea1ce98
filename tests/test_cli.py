"""Command-line tools: the demo seed, the first admin and the retention purge."""

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need, Notification, Organization, User
from matchmaker.services import accounts
from matchmaker.services.seed import DEMO_PASSWORD


def test_seed_demo_loads_once_and_demo_accounts_log_in(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Achievement.id))) == 60
        assert db.session.scalar(select(func.count(Need.id))) == 41
        regions = dict(
            db.session.execute(select(Organization.region, func.count()).group_by(Organization.region)).all()
        )
        assert regions["hebei"] >= 15 and regions["beijing"] + regions["tianjin"] >= 12
        assert len(set(db.session.scalars(select(Achievement.field)))) >= 8
        for email, role in [
            ("admin@example.com", "admin"),
            ("bj-inst@example.com", "member"),
            ("tj-inst@example.com", "member"),
            ("hb-firm@example.com", "member"),
        ]:
            user = accounts.authenticate(email, DEMO_PASSWORD)
            assert user is not None and user.role == role
        assert db.session.scalar(select(User).where(User.email == "hb-firm@example.com")).organization.region == "hebei"
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code != 0 and "not empty" in again.output
    quiet = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert quiet.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Achievement.id))) == 60


def test_demo_pages_render(app, runner, client):
    runner.invoke(args=["seed", "demo"])
    home = client.get("/").get_data(as_text=True)
    assert "北京" in home and "河北" in home
    for url in ("/achievements/", "/needs/", "/achievements/?q=钢", "/needs/?region=hebei"):
        assert client.get(url).status_code == 200


def test_create_admin_prompts_for_password(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "chief@example.com", "--name", "主任"],
        input="a long admin passphrase\na long admin passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chief@example.com"))
        assert user.is_admin and user.password_hash.startswith("$argon2id$")
    weak = runner.invoke(
        args=["users", "create-admin", "--email", "x@example.com", "--name", "x"], input="admin\nadmin\n"
    )
    assert weak.exit_code != 0


def test_pool_purge_dry_run_then_purge_then_nothing(app, runner, make):
    from datetime import datetime

    from matchmaker.models import AuditLog

    org = make.org("university")
    make.user(org, last_login_at=datetime(2020, 1, 1), email="gone@example.com")
    kept = make.user(org, email="here@example.com")  # registered today, never logged in: not stale
    old = make.achievement(org, status="rejected", updated_at=datetime(2020, 1, 1))
    recent = make.achievement(org, status="rejected")
    dry = runner.invoke(args=["pool", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "nothing changed" in dry.output
        and "Postings purged: 1" in dry.output
        and "accounts anonymised: 1" in dry.output
    )
    with app.app_context():
        assert db.session.get(Achievement, old) is not None
        assert db.session.scalar(select(User.id).where(User.email == "gone@example.com")) is not None
    result = runner.invoke(args=["pool", "purge"])
    assert "Postings purged: 1" in result.output and "accounts anonymised: 1" in result.output
    with app.app_context():
        assert db.session.get(Achievement, old) is None and db.session.get(Achievement, recent) is not None
        assert db.session.scalar(select(User.id).where(User.email == "gone@example.com")) is None
        assert db.session.get(User, kept).email == "here@example.com"
        audited = db.session.scalar(select(func.count(AuditLog.id)))
    again = runner.invoke(args=["pool", "purge"])
    assert "Postings purged: 0" in again.output and "accounts anonymised: 0" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id))) == audited == 2


def test_demo_connections_show_every_stage_to_the_demo_desks(app, runner, client):
    """The demo pool has interests at each stage, with history, messages and deals the pages show."""
    from matchmaker.demo.connections import CONNECTIONS
    from tests.conftest import login

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(Interest)).all()
        assert len(rows) == len(CONNECTIONS)
        statuses = {i.need.title: i.status for i in rows}
        assert statuses["棒材加热炉煤气单耗高、钢坯烧损大"] == "proposed"
        assert statuses["球墨铸铁泵体铸件缩松、气孔多，废品率高"] == "on_hold"
        assert statuses["流转土地中有3000亩轻中度盐碱地，小麦产量低"] == "declined"
        deals = db.session.scalars(select(Deal).where(Deal.interest_id.is_not(None))).all()  # and one challenge's
        assert len(deals) == 4 and {d.interest.achievement.organization.region for d in deals} == {"beijing", "tianjin"}
        for interest in rows:
            assert interest.events[0].to_status == "proposed" and interest.events[-1].to_status == interest.status
            assert (interest.accepted_at is not None) == (interest.status not in ("proposed", "declined"))
            assert all(interest.accepted_at <= m.created_at for m in interest.messages)
        bj, hb = (
            db.session.scalar(select(User).where(User.email == e))
            for e in ("bj-inst@example.com", "hb-firm@example.com")
        )
        waiting = {n.event for n in db.session.scalars(select(Notification).where(Notification.user_id == bj.id))}
        assert {e for e in waiting if not e.startswith(("challenge", "proposal"))} == {"interest_received"}
        hb_events = {n.event for n in db.session.scalars(select(Notification).where(Notification.user_id == hb.id))}
        assert {e for e in hb_events if not e.startswith(("challenge", "proposal"))} == {
            "interest_received",
            "new_message",
            "join_requested",
        }  # and a colleague asks to join the firm (the challenge it sponsors adds its own)
        proposed = next(i.id for i in rows if i.status == "proposed" and i.recipient_org_id == bj.organization_id)
        signed = next(i.id for i in rows if i.status == "deal_signed" and i.need.organization_id == hb.organization_id)
        bj_id, hb_id = bj.id, hb.id
    login(client, app, bj_id)
    page = client.get(f"/interests/{proposed}").get_data(as_text=True)
    assert "邯郸峰泉特钢有限公司" in page and "煤气单耗约1.35GJ/t" in page
    assert f'action="/interests/{proposed}/accept"' in page  # bj-inst@ can reply
    login(client, app, hb_id)
    page = client.get(f"/interests/{signed}").get_data(as_text=True)
    assert "2026130203000187" in page and "钢渣成分化验单" in page and "022-5555" in page
    assert "已接受：联系方式已向双方共享。" in page
    page = client.get("/me/organization").get_data(as_text=True)
    assert "李欣" in page and "设备部新入职的工程师" in page and "/approve" in page  # the demo's request to join
