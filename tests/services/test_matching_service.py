"""The index follows the database: publish, edit, withdraw by anyone show in the next read."""

import re
from pathlib import Path

from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need
from matchmaker.models.base import utcnow
from matchmaker.services import match_index, matching


def _ids(need_id, k=10):
    need = db.session.get(Need, need_id)
    return [s.posting.id for s in matching.suggestions_for(need, k=k)]


def test_publish_withdraw_and_edit_are_followed(world, make, ctx):
    need = make.need(
        world["hb_org"],
        title="焦化废水深度处理",
        keywords=["焦化废水", "深度处理"],
        problem="焦化废水生化出水COD在150mg/L以上，难以达标。",
        key_points="高级氧化",
        goals="COD≤50mg/L",
    )
    water = make.achievement(
        world["bj_org"],
        status="pending",
        title="焦化废水臭氧催化氧化深度处理技术",
        keywords=["焦化废水", "臭氧催化氧化"],
        field="environment",
        summary="焦化废水深度处理",
        description="臭氧催化氧化使COD降至50mg/L以下",
    )
    battery = make.achievement(world["bj_org"])  # published, unrelated
    assert water not in _ids(need)  # pending: never suggested
    # Another process publishes it (a plain UPDATE, as any worker's commit would look).
    db.session.execute(
        update(Achievement).where(Achievement.id == water).values(status="published", updated_at=utcnow())
    )
    db.session.commit()
    ranked = _ids(need)
    assert ranked[0] == water
    # Withdrawn: gone from the next read, no restart.
    db.session.execute(update(Achievement).where(Achievement.id == water).values(status="draft", updated_at=utcnow()))
    db.session.commit()
    assert water not in _ids(need)
    # An edit that changes the text changes the ranking.
    db.session.execute(
        update(Achievement)
        .where(Achievement.id == battery)
        .values(title="焦化废水深度处理成套装备", keywords=["焦化废水", "深度处理"], updated_at=utcnow())
    )
    db.session.commit()
    assert _ids(need)[0] == battery


def test_index_is_persisted_and_reused(app, world, make, ctx):
    posting_id = make.achievement(world["bj_org"])
    match_index.current_matcher()
    index_dir = Path(app.config["MATCHING_INDEX_DIR"])
    version = (index_dir / "CURRENT").read_text()
    assert (index_dir / version / "app-meta.json").exists()
    match_index._STATES.clear()  # a fresh process: loads the saved index instead of refitting
    matcher = match_index.current_matcher()
    assert (index_dir / "CURRENT").read_text() == version  # no refit on restart
    assert f"a{posting_id}" in matcher and len(matcher) == 1


def test_rebuild_swaps_atomically_and_prunes(app, world, make, ctx):
    make.achievement(world["bj_org"])
    first = match_index.build_index()
    second = match_index.build_index()
    index_dir = Path(app.config["MATCHING_INDEX_DIR"])
    assert (index_dir / "CURRENT").read_text() == second != first
    assert not (index_dir / first).exists()


def _page(client, url: str) -> str:
    """The page's text with the search marks taken out (the cards mark the matched words)."""
    return re.sub(r"</?mark[^>]*>", "", client.get(url).get_data(as_text=True))


def test_search_ranks_and_keeps_substring_hits(client, world, make):
    make.achievement(world["bj_org"], title="锂电池隔膜涂覆技术", keywords=["锂电池", "隔膜"], field="materials")
    make.achievement(world["bj_org"], title="废旧锂电池回收湿法冶金", keywords=["锂电池", "回收"], field="environment")
    make.achievement(
        world["tj_org"], title="高炉煤气干法除尘", keywords=["除尘"], field="steel", applications="高炉煤气净化。"
    )  # the default text names 动力电池, an equivalent of 锂电池
    page = _page(client, "/achievements/?q=锂电池 回收")
    assert page.index("废旧锂电池回收湿法冶金") < page.index("锂电池隔膜涂覆技术")
    assert "高炉煤气干法除尘" not in page
    assert "锂电池隔膜涂覆技术" in _page(client, "/achievements/?q=电池")


def test_substring_hits_come_from_the_index_not_a_scan(client, app, world, make):
    """A keyword inside a longer word, in a posting the ranking drops: found from the index's gram lists,
    with no ILIKE over the pool (the statements the search runs are recorded)."""
    from sqlalchemy import event

    make.achievement(
        world["bj_org"],
        title="高温合金叶片精密铸造",
        keywords=["高温合金"],
        field="materials",
        summary="叶片",
        description="单晶高温合金叶片，用于燃气轮机。",
    )
    published = make.achievement(
        world["bj_org"],
        status="pending",
        title="燃气轮机叶片修复",
        keywords=["叶片"],
        field="equipment",
        summary="激光熔覆",
        description="熔覆修复",
    )
    statements = []
    with app.app_context():
        listen = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            page = _page(client, "/achievements/?q=温合")  # inside 高温合金: no word of its own
            assert "高温合金叶片精密铸造" in page and "燃气轮机叶片修复" not in page
            db.session.execute(
                update(Achievement).where(Achievement.id == published).values(status="published", updated_at=utcnow())
            )
            db.session.commit()
            assert "燃气轮机叶片修复" in _page(client, "/achievements/?q=轮机叶")
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    scans = [s for s in statements if "LIKE" in s.upper() and ("achievements" in s or "needs" in s)]
    assert statements and not scans  # the one LIKE left reads organization names (searchable by name)


def test_index_of_an_older_format_is_rebuilt_on_read(app, world, make, ctx):
    import json

    make.achievement(world["bj_org"], title="锂电池隔膜涂覆技术")
    old = match_index.build_index()
    index_dir = Path(app.config["MATCHING_INDEX_DIR"])
    meta = index_dir / old / "meta.json"
    meta.write_text(json.dumps(dict(json.loads(meta.read_text()), format=1)))  # as a previous release saved it
    match_index._STATES.clear()
    assert match_index.current_matcher().containing(["隔膜"], "achievement")
    assert (index_dir / "CURRENT").read_text() != old and not (index_dir / old).exists()


def test_cli_rebuild_and_suggest(app, runner, world, make):
    need = make.need(world["hb_org"])
    make.achievement(world["bj_org"])
    result = runner.invoke(args=["matching", "rebuild"])
    assert result.exit_code == 0 and "built" in result.output
    result = runner.invoke(args=["matching", "suggest", "need", str(need)])
    assert result.exit_code == 0 and "高性能锂电池正极材料制备技术" in result.output and "same_field" in result.output
    assert runner.invoke(args=["matching", "suggest", "need", "999"]).exit_code != 0


def test_rebuild_crashing_halfway_keeps_the_old_index(app, runner, world, make, ctx, monkeypatch):
    """DF-11: a rebuild that dies mid-write leaves the previous index current and serving."""
    need = make.need(world["hb_org"])
    make.achievement(world["bj_org"])
    make.achievement(
        world["tj_org"], title="高炉煤气干法除尘", keywords=["除尘"], field="steel", applications="高炉煤气净化。"
    )  # the default text names 动力电池, an equivalent of 锂电池
    first = match_index.build_index()
    before = _ids(need)
    assert before
    index_dir = Path(app.config["MATCHING_INDEX_DIR"])

    from matchmaker.matching import Matcher

    real_save = Matcher.save

    def save_then_die(self, path):
        real_save(self, path)  # the new version's files are written ...
        raise OSError("No space left on device")  # ... then the process fails before the swap

    monkeypatch.setattr(Matcher, "save", save_then_die)
    result = runner.invoke(args=["matching", "rebuild"])
    assert result.exit_code == 1 and "previous index stays in use: No space left on device" in result.output
    monkeypatch.undo()

    assert (index_dir / "CURRENT").read_text() == first
    match_index._STATES.clear()  # a fresh worker also opens the old version
    assert _ids(need) == before
    assert (index_dir / "CURRENT").read_text() == first
    # The next good rebuild swaps in and prunes the half-written version.
    second = match_index.build_index()
    assert sorted(p.name for p in index_dir.iterdir() if p.is_dir()) == [second]
    assert _ids(need) == before
