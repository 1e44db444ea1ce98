"""The dashboard's figures kept in tables: known answers on a designed pool, and every figure maintained
from changes equal to a full recomputation (``flask pool stats refresh``)."""

from datetime import date

import pytest
from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.models import Achievement, FigureCounter, Need, NeedCoverage, User
from matchmaker.models.base import utcnow
from matchmaker.services import curation, figures, matching
from matchmaker.services import interests as interest_service

WATER = dict(
    title="焦化废水臭氧催化氧化深度处理技术",
    field="environment",
    keywords=["焦化废水", "臭氧催化氧化"],
    summary="焦化废水深度处理",
    description="臭氧催化氧化使焦化废水COD降至50mg/L以下。",
)
PAINT = dict(
    title="古建筑彩画数字化修复",
    field="digital_creative",
    keywords=["彩画", "数字化"],
    problem="古建筑彩画褪色剥落，人工修复周期长。",
    key_points="高光谱采集与色彩还原",
    goals="彩画虚拟修复",
)


@pytest.fixture
def pool(world, make):
    """Four Hebei needs in two cities: two firms need better cathodes (common need), one firm treats coking
    wastewater, and one need about painted timber has no counterpart."""
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "石家庄", name="石家庄新能源电池有限公司")
    ids["battery"] = make.achievement(world["bj_org"])
    ids["water"] = make.achievement(world["tj_org"], **WATER)
    ids["n_battery"] = make.need(world["hb_org"])
    ids["n_battery2"] = make.need(ids["hb2_org"], title="动力电池正极材料循环寿命提升项目")
    ids["n_water"] = make.need(
        ids["hb2_org"],
        title="焦化废水深度处理",
        field="environment",
        keywords=["焦化废水", "深度处理"],
        problem="焦化废水生化出水COD在150mg/L以上。",
        key_points="高级氧化",
        goals="COD≤50mg/L",
    )
    ids["n_paint"] = make.need(world["hb_org"], **PAINT)
    return ids


def comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("computed_at", "pending")}


def everything() -> dict:
    return comparable(figures.read(unmet=(0, 1000), groups=(0, 1000)))


def test_known_answers_after_a_full_refresh(pool, ctx):
    data = figures.refresh(workers=1)
    assert data["self_sufficiency"] == {
        "hebei_needs": 4,
        "with_strong_suggestion": 3,
        "strong_suggestion_rate": 0.75,
        "hebei_needs_all": 4,
        "with_introduction_or_deal": 0,
        "introduction_rate": 0.0,
        "with_regional_deal": 0,
        "self_sufficiency_rate": 0.0,
    }
    assert data["funnel"] == {
        "needs": {"count": 4},
        "with_interest": {"count": 0},
        "accepted": {"count": 0},
        "deal": {"count": 0},
    }
    assert [(c["field"], c["city"], c["needs"], c["titles"]) for c in data["unmet_demand"]] == [
        ("digital_creative", "唐山", 1, ["古建筑彩画数字化修复"])
    ]
    [group] = data["common_needs"]
    assert group["firms"] == ["冀东新材料有限公司", "石家庄新能源电池有限公司"] and group["needs_total"] == 2
    assert group["achievements"][0]["id"] == pool["battery"]  # the best score among its needs first
    assert data["postings_by_region"]["hebei"] == {"achievement": 0, "need": 4}
    assert data["postings_by_field"]["materials"] == {"achievement": 1, "need": 2}
    assert data["pending"] == 0 and all(data["computed_at"].values())
    row = db.session.get(NeedCoverage, pool["n_water"])
    assert row.strong == 1 and row.top[0][0] == pool["water"] and not row.dirty


def test_figures_kept_from_changes_equal_a_full_recomputation(pool, make, ctx):
    figures.refresh(workers=1)
    admin, firm, inst = (db.session.get(User, pool[k]) for k in ("admin", "hb", "bj"))
    # A counterpart for the painted timber appears; the wastewater achievement is withdrawn; one firm
    # rewrites its battery need into something else; an admin dismisses the other battery pair; a deal.
    paint = make.achievement(
        pool["bj_org"],
        title="古建筑彩画数字化修复技术",
        field="digital_creative",
        keywords=["彩画", "数字化修复"],
        summary="古建筑彩画高光谱采集与虚拟修复",
        description="彩画褪色剥落的高光谱采集、色彩还原与虚拟修复。",
    )
    db.session.execute(
        update(Achievement).where(Achievement.id == pool["water"]).values(status="draft", updated_at=utcnow())
    )
    db.session.execute(
        update(Need)
        .where(Need.id == pool["n_battery2"])
        .values(
            title="可降解食品包装薄膜",
            field="food",
            keywords=["食品包装"],
            problem="生鲜包装需可降解。",
            key_points="聚乳酸改性",
            goals="三个月内降解",
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    curation.curate_pair(admin, pool["n_battery"], pool["battery"], "dismissed")
    interest = interest_service.express(firm, pool["n_paint"], paint, "")
    interest_service.accept(inst, interest)
    interest_service.record_deal(firm, interest, interest_service.DealData("license", 80, date.today()))

    kept = comparable(figures.overview(unmet=(0, 1000), groups=(0, 1000)))
    assert kept["self_sufficiency"]["with_strong_suggestion"] == 1  # only the painted timber now
    assert kept["self_sufficiency"]["with_introduction_or_deal"] == 1
    assert {(c["field"], c["city"]) for c in kept["unmet_demand"]} == {
        ("materials", "唐山"),
        ("environment", "石家庄"),
        ("food", "石家庄"),
    }
    assert kept["common_needs"] == [] and kept["deal_flows"][0]["deals"] == 1
    counters = db.session.scalars(
        select(FigureCounter).order_by(FigureCounter.section, FigureCounter.key, FigureCounter.measure)
    ).all()
    before = [(c.section, c.key, c.measure, c.value, c.detail) for c in counters]
    assert figures.refresh(workers=1) and everything() == kept
    after = [
        (c.section, c.key, c.measure, c.value, c.detail)
        for c in db.session.scalars(
            select(FigureCounter).order_by(FigureCounter.section, FigureCounter.key, FigureCounter.measure)
        )
    ]
    assert after == before


def test_a_reader_changes_nothing_when_nothing_changed(pool, app, ctx):
    figures.refresh(workers=1)
    stamp = figures.read()["computed_at"]
    statements = []
    from sqlalchemy import event

    listen = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        with app.test_request_context():
            figures.overview()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert figures.read()["computed_at"] == stamp
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert not [s for s in statements if "need_coverage" in s and "count" not in s.lower()]


def test_cli_refresh_is_idempotent(pool, runner, app):
    first = runner.invoke(args=["pool", "stats", "refresh", "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert "4 Hebei needs, 3 with a strong suggestion, 1 unmet cells, 1 groups of common needs" in first.output
    with app.app_context():
        rows = [(c.section, c.key, c.measure, c.value) for c in db.session.scalars(select(FigureCounter))]
    second = runner.invoke(args=["pool", "stats", "refresh"])
    assert second.exit_code == 0 and "Ranking the needs" in second.output
    with app.app_context():
        assert sorted(rows) == sorted(
            (c.section, c.key, c.measure, c.value) for c in db.session.scalars(select(FigureCounter))
        )


def test_large_backlog_goes_to_the_background(pool, make_app):
    app = make_app(FIGURES_BACKGROUND=True, FIGURES_INLINE_NEEDS=1)
    with app.app_context():
        figures.refresh(workers=1)
        db.session.execute(update(NeedCoverage).values(dirty=True))  # as after a refit: every row waits
        db.session.commit()
    with app.test_request_context():
        data = figures.overview()
        assert data["pending"] == 4  # the reader did not rank them itself
        figures.wait_background(30)
    with app.app_context():
        assert figures.read()["pending"] == 0 and not db.session.scalar(
            select(NeedCoverage).where(NeedCoverage.dirty.is_(True))
        )


def test_best_pairs_read_from_the_rows_equal_ranking_every_need(pool, make, ctx):
    make.achievement(pool["tj_org"], title="正极材料表面包覆改性技术", keywords=["正极材料", "包覆"])
    make.need(pool["hb_org"], title="钢渣综合利用", field="steel", keywords=["钢渣"], problem="钢渣堆存占地。")
    admin = db.session.get(User, pool["admin"])
    curation.curate_pair(admin, pool["n_battery2"], pool["water"], "recommended")  # a weak pair, put first
    expected = sorted(
        (
            (n.id, v.posting.id, round(v.score, 6), v.recommended)  # stored to 6 decimals
            for n in db.session.scalars(select(Need).where(Need.status == "published"))
            for v in matching.suggestions_for(n, k=3)
        ),
        key=lambda p: (-p[2], p[0], p[1]),
    )
    got = [
        (n.id, v.posting.id, v.score, v.recommended)
        for page in (1, 2, 3, 4)
        for n, v in curation.pairs_for_admin(page, per_page=3)
    ]
    assert got == expected and len(got) > 6
    assert (pool["n_battery2"], pool["water"]) in [(n, a) for n, a, _s, rec in got if rec]


def test_first_figures_of_a_large_pool_are_computed_in_the_background(pool, make_app):
    app = make_app(FIGURES_BACKGROUND=True, FIGURES_INLINE_NEEDS=1)
    with app.test_request_context():
        data = figures.overview()  # no figures yet: the reader neither marks nor ranks 4 needs itself
        assert data["computed_at"]["coverage"] is None and data["self_sufficiency"] == {}
        figures.wait_background(30)
    with app.app_context():
        done = figures.read()
        assert done["self_sufficiency"]["hebei_needs"] == 4 and done["pending"] == 0


def test_common_need_groups_are_single_linkage_at_the_similarity_floor():
    from types import SimpleNamespace

    from matchmaker.services.stats import _single_linkage

    def row(need_id, *similar):
        return SimpleNamespace(need_id=need_id, similar=[list(s) for s in similar])

    rows = [
        row(1, (2, 0.5)),
        row(2, (1, 0.5), (3, 0.41)),  # 1–2 listed both ways, 2–3 one way: a chain
        row(3),
        row(4, (5, 0.39)),
        row(5),
        row(6, (6, 1.0)),
        row(7, (99, 0.9)),  # 0.39 < 0.4; itself; not shown
        row(8, (9, 1.0)),
        row(9),
    ]  # identical texts (distance 0) still join
    labels = _single_linkage(rows).tolist()
    groups = sorted(sorted(r.need_id for r, g in zip(rows, labels) if g == label) for label in set(labels))
    assert groups == [[1, 2, 3], [4], [5], [6], [7], [8, 9]]
    assert _single_linkage([]).tolist() == []
