"""Ranking behaviour on small literal Chinese postings."""

import numpy as np
import pytest
from conftest import BATTERY, NEED, PACKAGING, STEEL

from matchmaker.matching import MatchConfig, Matcher
from matchmaker.matching.text import words


def ids(results):
    return [r[0] if isinstance(r, tuple) else r.id for r in results]


def test_battery_need_ranks_battery_first(matcher):
    ranked = ids(matcher.query(NEED, k=10))
    assert ranked[0] == "a1"
    assert "n1" not in ranked  # opposite kind only
    if "a2" in ranked:
        assert ranked.index("a1") < ranked.index("a2")


def test_scores_best_first_and_query_equals_suggest(matcher):
    q = matcher.query(NEED, k=10)
    s = matcher.suggest(NEED, k=10)
    assert [x[1] for x in q] == sorted((x[1] for x in q), reverse=True)
    assert [(x.id, x.score) for x in s] == q


def test_achievement_gets_needs(matcher):
    assert ids(matcher.query(BATTERY)) == ["n1"]


def test_removed_posting_disappears(matcher):
    assert matcher.remove("a1") is True
    assert "a1" not in ids(matcher.query(NEED))
    assert "a1" not in matcher and matcher.get("a1") is None and len(matcher) == 3
    assert matcher.remove("a1") is False


def test_edit_changes_ranking(matcher):
    before = ids(matcher.query(NEED))
    matcher.remove("a2")
    matcher.add(
        dict(
            PACKAGING,
            title="固态锂离子电池高镍正极材料",
            keywords=["正极材料", "动力电池"],
            description="动力电池正极材料能量密度提升与锂离子电池循环寿命改进。",
            field="materials",
        )
    )
    after = ids(matcher.query(NEED))
    assert after != before and "a2" in after[:2]


def test_add_replaces_same_id(matcher):
    matcher.add(dict(STEEL, description="全新的锂离子电池正极材料"))
    assert len(matcher) == 4
    assert "a3" in ids(matcher.query(NEED))


def test_empty_punctuation_and_stop_words_return_empty(matcher):
    for text in ["", "   ", "，。！？、；：“”（）", "...!!!", "的了和与及其", None]:
        assert matcher.query({"kind": "need", "description": text}) == []
        assert matcher.suggest({"kind": "need", "title": text}) == []
        assert matcher.search(text or "", "achievement") == []
        assert matcher.similar({"kind": "need", "description": text}) == []


def test_corpus_of_one_and_removing_everything():
    m = Matcher().fit([BATTERY])
    assert ids(m.query(NEED)) == ["a1"]
    assert m.similar(BATTERY) == []
    assert ids(m.search("锂离子电池", "achievement")) == ["a1"]
    assert m.search("锂离子电池", "need") == []
    m.remove("a1")
    assert len(m) == 0 and m.query(NEED) == [] and m.search("电池", "achievement") == []
    m.add(PACKAGING)
    assert ids(m.search("聚乳酸 包装", "achievement")) == ["a2"]
    m.compact()
    assert ids(m.search("聚乳酸 包装", "achievement")) == ["a2"] and len(m) == 1


def test_empty_matcher_and_fit_of_nothing():
    for m in (Matcher(), Matcher().fit([])):
        assert len(m) == 0 and m.query(NEED) == [] and m.get("x") is None
        m.add(BATTERY)
        assert ids(m.query(NEED)) == ["a1"]


def test_add_is_searchable_with_new_words(matcher):
    matcher.add({"id": "a9", "kind": "achievement", "title": "氢燃料电池双极板", "field": "energy"})
    assert ids(matcher.search("双极板", "achievement"))[0] == "a9"


def test_search_pages_and_kinds(matcher):
    full = matcher.search("材料 电池 食品 高炉", "achievement", k=10)
    assert len(full) == 3
    assert matcher.search("材料 电池 食品 高炉", "achievement", k=1, offset=1) == full[1:2]
    assert ids(matcher.search("正极材料", "need")) == ["n1"]


def test_similar_finds_near_duplicate_but_not_itself(matcher):
    matcher.add(dict(BATTERY, id="a1-dup", title="高镍三元锂电池正极材料"))
    sim = ids(matcher.similar(BATTERY, k=5))
    assert sim[0] == "a1-dup" and "a1" not in sim and "n1" not in sim


def test_explanations_are_whole_shared_words(matcher):
    best = matcher.suggest(NEED, k=1)[0]
    assert best.shared_terms
    need_words = set(words(" ".join([NEED["title"], NEED["description"], *NEED["keywords"]])))
    ach_words = set(words(" ".join([BATTERY["title"], BATTERY["description"], *BATTERY["keywords"]])))
    for term in best.shared_terms:
        assert term in need_words and term in ach_words
    assert "正极" in best.shared_terms and "正极" not in best.shared_terms[1:]


def test_fit_progress_and_exclude(matcher, config):
    calls = []
    Matcher(config).fit([BATTERY, PACKAGING, NEED], progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    assert "a1" not in ids(matcher.suggest(NEED, exclude=["a1"]))


def test_get_returns_metadata(matcher):
    got = matcher.get("n1")
    assert got["kind"] == "need" and got["title"] == NEED["title"] and got["min_trl"] == 5
    assert got["transfer_modes"] == ["license"] and got["deadline"] == "2031-06-30" and got["region"] == "hebei"
    assert matcher.get("a2")["price_min"] is None


def test_query_many_equals_query(matcher):
    qs = [NEED, BATTERY, PACKAGING] * 150
    assert matcher.query_many(qs, k=5, workers=2) == [matcher.query(q, k=5) for q in qs]


def test_add_then_compact_ranks_like_a_fresh_fit(config):
    fresh = Matcher(config).fit([PACKAGING, STEEL, BATTERY, NEED])
    grown = Matcher(config).fit([PACKAGING, STEEL, NEED])
    grown.add(BATTERY)
    assert ids(grown.query(NEED)) == ids(fresh.query(NEED))
    grown.compact()
    assert ids(grown.query(NEED)) == ids(fresh.query(NEED))
    assert ids(grown.search("可降解 包装 余热", "achievement")) == ids(fresh.search("可降解 包装 余热", "achievement"))


def test_max_df_drops_only_common_bigrams_in_big_kinds():
    from matchmaker.matching import MatchConfig

    docs = [
        {"id": f"a{i}", "kind": "achievement", "title": f"电池材料 样品{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}"}
        for i in range(40)
    ]
    m = Matcher(MatchConfig(max_df=0.5, max_df_min_docs=10)).fit(docs)
    assert m.search("电池材料", "achievement", k=50)  # the words channel still finds them
    assert len(m.search("样品甲", "achievement", k=50)) >= 4


def test_similar_is_relative_to_an_identical_copy(matcher):
    matcher.add(dict(BATTERY, id="a1-copy"))
    matcher.add(dict(BATTERY, id="a1-edit", description=BATTERY["description"].split("，")[0]))
    sim = dict(matcher.similar(BATTERY, k=5))
    assert sim["a1-copy"] == pytest.approx(1.0, abs=1e-6)
    assert 0.5 < sim["a1-edit"] <= 1.0
    assert all(0.0 <= s <= 1.0 for s in sim.values())
    assert sim.get("a2", 0.0) < 0.3


def _medical_pool():
    """Ten medicine postings that all say 患者; one also says 骨折, one 糖尿病; one IT posting on 骨折."""
    docs = [
        {
            "id": f"m{i}",
            "kind": "achievement",
            "field": "medicine",
            "title": f"临床研究{i}",
            "description": f"收治患者{i}例，观察患者术后恢复与护理效果。",
        }
        for i in range(8)
    ]
    docs.append(
        {
            "id": "fracture",
            "kind": "achievement",
            "field": "medicine",
            "title": "骨折内固定",
            "description": "股骨骨折内固定术式比较。",
        }
    )
    docs.append(
        {
            "id": "diabetes",
            "kind": "achievement",
            "field": "medicine",
            "title": "糖尿病管理",
            "description": "糖尿病患者的饮食管理与血糖控制，患者依从性显著提高。",
        }
    )
    docs += [
        {
            "id": f"it{i}",
            "kind": "achievement",
            "field": "it",
            "title": f"软件系统{i}",
            "description": f"分布式数据库与缓存架构设计{i}。",
        }
        for i in range(30)
    ]
    return docs


def test_field_idf_weighs_what_sets_postings_of_the_field_apart():
    """患者 is rare in the pool but common in medicine: within the field it says little."""
    need = {"id": "n", "kind": "need", "field": "medicine", "description": "患者骨折后的护理"}
    m = Matcher().fit(_medical_pool())
    corpus = m._kinds["achievement"]
    cols, names = m._terms(need)
    at = {w: i for i, w in enumerate(names)}
    field = m._field_id("medicine")
    local = corpus.field_idf_of(cols, field, m.config.field_idf_prior)
    overall = corpus.idf_of(cols)
    assert local[at["患者"]] < overall[at["患者"]] and local[at["骨折"]] > local[at["患者"]]
    assert np.allclose(corpus.field_idf_of(cols, field, 0.0), overall)  # prior 0: global idf
    assert np.allclose(corpus.field_idf_of(cols, -1, 100.0), overall)  # no field: global idf
    # Ranking: the fracture posting first; with global idf only the 患者-heavy ones come closer.
    with_field = Matcher().fit(_medical_pool()).query(need, k=3)
    without = Matcher(MatchConfig(field_idf_prior=0)).fit(_medical_pool()).query(need, k=3)
    assert with_field[0][0] == without[0][0] == "fracture"
    gap = lambda r: r[0][1] / r[1][1]  # noqa: E731
    assert gap(with_field) > gap(without)


def test_rank_is_suggest_without_the_explanations(matcher):
    from conftest import NEED as need

    full = matcher.suggest(need, k=3, exclude=("a2",))
    assert matcher.rank(need, k=3, exclude=("a2",)) == [(s.id, s.score, s.text_score) for s in full]
