"""Keyword search rules (matching.query) on a small pool: every word first, distinctive before
generic, equivalents, whole Latin tokens, segmentation; and generic words in suggestions."""

import pytest

from matchmaker.matching import query
from matchmaker.matching.generic import curated
from matchmaker.matching.matcher import Matcher

DOCS = [
    dict(id="a1", kind="achievement", field="energy", title="碱性电解水制氢系统", summary="千标方级电解槽，制氢能耗低"),
    dict(id="a2", kind="achievement", field="energy", title="焦炉煤气提纯氢气", summary="变压吸附提纯焦炉煤气中的氢气"),
    dict(
        id="a3", kind="achievement", field="materials", title="钢渣复合胶凝材料", summary="钢渣微粉替代水泥的新型材料"
    ),
    dict(id="a4", kind="achievement", field="materials", title="高镍三元正极材料", summary="锂电池正极材料的包覆改性"),
    dict(id="a5", kind="achievement", field="it", title="PLC 控制柜远程运维", summary="基于PLC的设备联网"),
    dict(id="a6", kind="achievement", field="bio", title="RPLC 色谱纯化工艺", summary="反相色谱 rplc 分离蛋白"),
    dict(id="a7", kind="achievement", field="steel", title="高炉煤气布袋除尘滤料", summary="延长滤袋寿命的覆膜滤料"),
    dict(id="n1", kind="need", field="steel", title="高炉煤气除尘滤袋寿命短", problem="滤袋三个月就破，材料不耐高温"),
]
EQUIVALENTS = {"氢能": ["制氢", "氢气", "储氢"]}


@pytest.fixture(scope="module")
def matcher():
    return Matcher().fit(DOCS)


def search(matcher, q, kind="achievement", **kw):
    return query.search(matcher, kind, q, expand=lambda w: [w] + EQUIVALENTS.get(w, []), generic=curated(), **kw)


def test_equivalents_find_what_the_word_stands_for(matcher):
    result = search(matcher, "氢能")
    assert set(result.ids) == {"a1", "a2"} and result.complete == 2
    assert {"制氢", "氢气"} <= set(result.highlights())


def test_every_word_first_then_partial_by_weight(matcher):
    result = search(matcher, "锂电池 正极材料")
    assert result.ids[0] == "a4" and result.complete == 1
    assert "a3" not in result.ids  # 钢渣复合胶凝材料 holds neither word (材料 alone is not 正极材料)
    partial = search(matcher, "氢气 钢渣")
    assert partial.partial and set(partial.ids) == {"a2", "a3"}


def test_generic_word_alone_does_not_find_while_distinctive_does(matcher):
    result = search(matcher, "钢渣 材料")
    assert result.ids[0] == "a3"
    assert "a4" not in result.ids  # holds only 材料, while a3 holds 钢渣
    assert search(matcher, "正极 材料", kind="need").ids == []  # no need holds 正极: 材料 alone finds nothing
    assert set(search(matcher, "材料").ids) >= {"a3", "a4"}  # a generic word on its own still searches


def test_latin_words_are_whole_tokens_without_case(matcher):
    assert search(matcher, "plc").ids == ["a5"]
    assert search(matcher, "PLC").ids == ["a5"]
    assert search(matcher, "RPLC").ids == ["a6"]
    assert search(matcher, "LC").ids == []
    assert query.has_token("基于plc的", "PLC") and not query.has_token("rplc分离", "plc")


def test_typed_without_spaces_is_segmented(matcher):
    result = search(matcher, "高炉煤气除尘滤袋寿命短")
    assert result.ids[0] == "a7" and [t.word for t in result.terms][:2] == ["高炉", "煤气"]
    assert search(matcher, "高炉煤气除尘滤袋寿命短", kind="need").ids == ["n1"]


def test_structured_hits_count_as_the_word(matcher):
    result = search(matcher, "河北", extra=lambda w: ["a3"] if w == "河北" else [])
    assert result.ids == ["a3"] and result.complete == 1


def test_no_words_no_results(matcher):
    assert search(matcher, "   ").ids == [] and search(matcher, "量子计算").ids == []


def test_learned_generic_words_are_spread_over_fields():
    docs = [
        dict(id=f"a{f}{i}", kind="achievement", field=f, title=f"{topic}工艺改进", summary=f"{topic}{i} 采用新工艺")
        for f, topic in (("steel", "炼钢"), ("energy", "光伏"), ("bio", "发酵"), ("it", "芯片"))
        for i in range(6)
    ]
    spread = Matcher().fit(docs).spread_words()
    assert "工艺" in spread and not {"炼钢", "光伏", "发酵", "芯片"} & spread


def test_suggestions_never_rest_on_generic_words_alone():
    docs = [
        dict(
            id="n1",
            kind="need",
            field="steel",
            title="轧辊磨损快",
            problem="热轧工作辊表面磨损快，需要修复，形成新工艺",
        ),
        dict(
            id="a1", kind="achievement", field="steel", title="轧辊激光熔覆修复", summary="热轧工作辊激光熔覆修复，耐磨"
        ),
        dict(id="a2", kind="achievement", field="food", title="山楂果丹皮工艺", summary="改进工艺，降低成本，形成规模"),
    ]
    matcher = Matcher().fit(docs)
    found = {s.id: s for s in matcher.suggest(docs[0], k=5)}
    assert "a1" in found and not set(found["a1"].shared_terms) & curated()
    assert "a2" not in found  # shares only 工艺, a generic word


def test_equivalents_learnt_from_the_pool_for_a_word_it_seldom_says():
    docs = [
        dict(id=f"a{i}", kind="achievement", field="energy", title=f"第{i}号能耗优化", summary="降低能耗，提高能效")
        for i in range(30)
    ]
    docs += [
        dict(id="h1", kind="achievement", field="energy", title="碱性电解水制氢", summary="制氢电耗低，氢气纯度高"),
        dict(id="h2", kind="achievement", field="energy", title="焦炉煤气提纯氢气", summary="变压吸附制氢，电耗低"),
    ]
    matcher = Matcher().fit(docs)
    learned = matcher.anchored_words("氢能")
    assert {"制氢", "氢气"} <= set(learned) and "能耗" not in learned
    assert matcher.anchored_words("能耗") == []  # a word the pool says often learns nothing
    found = query.search(matcher, "achievement", "氢能", generic=curated(), learn=matcher.anchored_words)
    assert set(found.ids) == {"h1", "h2"}
    assert query.search(matcher, "achievement", "氢能", generic=curated()).ids == []  # without learning: nothing


def test_punctuation_symbols_and_emoji_are_not_part_of_a_word(matcher):
    assert query.split_words("钢渣？ 🔥氢能，\ufeff高炉。") == ["钢渣", "氢能", "高炉"]
    assert query.split_words("PM2.5 C++ Wi-Fi #5G") == ["pm2.5", "c++", "wi-fi", "5g"]
    assert query.split_words("% ！？ 🔥") == []
    assert search(matcher, "氢能？").ids == search(matcher, "氢能").ids != []


def test_a_suggestion_needs_a_shared_word_not_only_character_pairs():
    docs = [
        dict(id="n1", kind="need", field="steel", title="转炉炼钢终点控制", problem="转炉终点碳温命中率低"),
        dict(
            id="a1", kind="achievement", field="steel", title="炉温命令系统", summary="炉温命令下发"
        ),  # 炉温, 命令: pairs only
    ]
    shared = {s.id: s.shared_terms for s in Matcher().fit(docs).suggest(docs[0], k=5)}
    assert "a1" not in shared, shared  # it shares 炉温 and 命令 as character pairs only: no word to show


def test_a_words_rows_are_remembered_only_until_the_pool_changes():
    m = Matcher().fit(DOCS)
    first = m.containing_any(["煤气"], "achievement")
    assert set(first) == {"a2", "a7"} and m.containing_any(["煤气"], "achievement") == first  # remembered
    m.add(dict(id="a8", kind="achievement", field="steel", title="转炉煤气回收", summary="煤气柜"))
    assert set(m.containing_any(["煤气"], "achievement")) == {"a2", "a7", "a8"}  # a change forgets
    m.remove("a2")
    assert set(m.containing_any(["煤气"], "achievement")) == {"a7", "a8"}
    rows = m.containing_rows(["煤气", "滤料"], "achievement")
    assert m.ids_of("achievement", rows) == m.containing_any(["煤气", "滤料"], "achievement")
    assert list(m.rows_of("achievement", ["a7", "a8", "nope", "a2"])) == sorted(rows.tolist())


def test_the_remembered_rows_stay_within_their_budget(monkeypatch):
    from matchmaker.matching import matcher as matcher_module

    monkeypatch.setattr(matcher_module, "TERM_CACHE_ROWS", 3)
    m = Matcher().fit(DOCS)
    m.containing_any(["煤气"], "achievement")  # 2 rows
    m.containing_any(["钢渣"], "achievement")  # 1 row: 3 held
    assert len(m._kinds["achievement"].term_rows) == 2
    assert set(m.containing_any(["材料"], "achievement")) == {"a3", "a4"}  # over the budget: forgets first
    assert list(m._kinds["achievement"].term_rows) == [("材料", False)]
