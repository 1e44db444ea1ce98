"""The curated equivalents: whole words only, per field and for every field, Latin without case."""

from matchmaker.matching.equivalents import Equivalents


def test_hydrogen_energy_finds_its_words():
    words = Equivalents.load().expand("氢能", "energy")
    assert words[0] == "氢能" and {"制氢", "氢气", "储氢", "燃料电池"} <= set(words)
    assert {"制氢", "氢气提纯"} <= set(Equivalents.load().expand("氢能"))  # every field's groups


def test_generic_words_expand_to_nothing_and_latin_ignores_case():
    assert Equivalents.load().expand("材料") == ["材料"]
    assert Equivalents.load().expand("技术", "steel") == ["技术"]
    assert Equivalents.load().expand("plc")[:2] == ["plc", "可编程控制器"]
    assert "SCR" not in Equivalents.load().expand("SNCR")


def test_every_group_names_a_known_field():
    from matchmaker import domain

    groups = Equivalents.load().groups
    assert set(groups) - {"*"} <= set(domain.FIELDS)
    assert sum(len(rows) for rows in groups.values()) >= 80
