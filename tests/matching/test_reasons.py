"""Structured re-ranking: each reason code, and the weights of MatchConfig."""

import dataclasses

import pytest
from conftest import BATTERY, NEED, TODAY

from matchmaker import domain
from matchmaker.matching import REASONS, MatchConfig, Matcher


def reasons(need, ach, config=None):
    m = Matcher(config or MatchConfig(today=TODAY)).fit([ach])
    (s,) = m.suggest(need, k=1)
    return s


def test_all_reasons_hold_for_a_good_pair():
    s = reasons(NEED, BATTERY)
    assert s.reasons == ["same_field", "trl_ok", "mode_match", "price_overlap", "to_hebei", "deadline_ok"]
    cfg = MatchConfig()
    assert s.score == pytest.approx(s.text_score * (1 + sum(cfg.boost(r) for r in s.reasons)))
    assert set(s.reasons) <= set(REASONS)


@pytest.mark.parametrize(
    "change, lost",
    [
        ({"field": "food"}, "same_field"),
        ({"min_trl": 7}, "trl_ok"),
        ({"transfer_modes": ["equity"]}, "mode_match"),
        ({"price_min": 150.0, "price_max": 300.0}, "price_overlap"),
        ({"region": "tianjin"}, "to_hebei"),
        ({"deadline": "2029-12-31"}, "deadline_ok"),
    ],
)
def test_each_reason_fails_when_its_condition_fails(change, lost):
    s = reasons(dict(NEED, **change), BATTERY)
    assert lost not in s.reasons
    assert len(s.reasons) == 5


def test_open_budget_bounds_and_negotiable_price():
    assert "price_overlap" in reasons(dict(NEED, price_min=90.0, price_max=None), BATTERY).reasons
    s = reasons(dict(NEED, price_min=None, price_max=None), BATTERY)
    assert "price_negotiable" in s.reasons and "price_overlap" not in s.reasons
    s = reasons(NEED, dict(BATTERY, price_min=None, price_max=None))
    assert "price_negotiable" in s.reasons and "price_overlap" not in s.reasons


def test_reasons_from_the_achievement_side():
    m = Matcher(MatchConfig(today=TODAY)).fit([NEED])
    (s,) = m.suggest(BATTERY, k=1)
    assert s.id == "n1"
    assert s.reasons == ["same_field", "trl_ok", "mode_match", "price_overlap", "to_hebei", "deadline_ok"]


def test_missing_structured_fields_give_no_reasons_but_a_text_score():
    m = Matcher().fit([{"id": "x", "kind": "achievement", "title": "锂离子电池正极材料"}])
    (s,) = m.suggest({"kind": "need", "description": "锂离子电池正极材料"}, k=1)
    assert s.reasons == ["price_negotiable"] and 0 < s.text_score <= 1.0


def test_weights_change_the_order():
    near = dict(BATTERY, id="same-field", region=None, field="materials")
    far = dict(BATTERY, id="to-hebei", region="beijing", field="energy")
    need = dict(NEED, region="hebei")
    docs = [near, far]
    default = Matcher(MatchConfig(today=TODAY)).fit(docs)
    assert [i for i, _ in default.query(need)] == ["same-field", "to-hebei"]
    flipped = Matcher(MatchConfig(today=TODAY, same_field=0.01, to_hebei=0.2)).fit(docs)
    assert [i for i, _ in flipped.query(need)] == ["to-hebei", "same-field"]


def test_field_is_a_boost_not_a_filter():
    m = Matcher().fit([dict(BATTERY, field="energy")])
    assert [i for i, _ in m.query(NEED)] == ["a1"]


def test_config_is_one_frozen_dataclass():
    cfg = MatchConfig()
    assert Matcher().config == cfg
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.same_field = 1.0
    assert MatchConfig.from_dict(MatchConfig(today=TODAY, k1=0.9).to_dict()) == MatchConfig(today=TODAY, k1=0.9)
    for r in REASONS:
        assert isinstance(cfg.boost(r), float)


def test_structure_rescales_text_and_cannot_replace_it():
    """A same-field pair whose texts share only stop words, units or numbers stays weak."""
    weld = dict(
        NEED,
        id="weld",
        title="焊接机器人",
        problem=None,
        keywords=[],
        description="用于钢结构焊接，焊缝合格率达到99%，年产约5万吨至10万吨，成本低于每米200元。",
    )
    sand = dict(
        BATTERY,
        id="sand",
        title="树脂砂旧砂焙烧再生",
        keywords=[],
        description="用于铸造车间，旧砂回收率达到95%，年处理约3万吨至5万吨，能耗低于每吨20元。",
    )
    m = Matcher(MatchConfig(today=TODAY)).fit([sand, BATTERY])
    got = {s.id: s for s in m.suggest(weld, k=5)}
    assert "sand" not in got or (got["sand"].text_score < 0.1 and got["sand"].shared_terms == [])


@pytest.mark.parametrize(
    "word", ["用", "至", "年", "约", "月", "毫克", "立方米", "低于", "达到", "99%", "5万吨", "200"]
)
def test_shared_terms_never_show_stop_words_units_or_numbers(word):
    need = {"kind": "need", "description": f"锂离子电池正极材料{word}循环寿命"}
    ach = {"id": "a", "kind": "achievement", "description": f"锂离子电池正极材料{word}能量密度"}
    (s,) = Matcher().fit([ach]).suggest(need, k=1)
    assert word not in s.shared_terms and all(len(t) >= 2 for t in s.shared_terms)
    assert "正极" in s.shared_terms or "正极材料" in s.shared_terms


@pytest.mark.parametrize("mode", list(domain.TRANSFER_MODES))
def test_every_transfer_mode_of_the_domain_earns_its_reason(mode):
    """The matcher reads the modes and regions from domain.py: a mode added there earns mode_match."""
    m = Matcher(MatchConfig(today=TODAY)).fit([dict(BATTERY, transfer_modes=[mode])])
    (s,) = m.suggest(dict(NEED, transfer_modes=[mode]), k=1)
    assert "mode_match" in s.reasons and "to_hebei" in s.reasons
    other = next(o for o in domain.TRANSFER_MODES if o != mode)
    (s,) = m.suggest(dict(NEED, transfer_modes=[other]), k=1)
    assert "mode_match" not in s.reasons


def test_an_unpinned_day_is_beijings(monkeypatch):
    """04:00 in Beijing on 03-02 is 03-01 in UTC: a need whose deadline was 03-01 has passed."""
    import datetime as dt

    from matchmaker import clock

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 3, 1, 20, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Frozen)
    m = Matcher().fit([BATTERY])
    assert "deadline_ok" not in m.suggest(dict(NEED, deadline="2031-03-01"), k=1)[0].reasons
    assert "deadline_ok" in m.suggest(dict(NEED, deadline="2031-03-02"), k=1)[0].reasons
