"""The fixed vocabulary and the credit-code check digit."""

import pytest

from matchmaker import domain


@pytest.mark.parametrize("code", ["911101085923662400", "91110000BK50BUX6R2"])
def test_valid_credit_codes(code):
    assert domain.is_valid_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "911101085923662401",  # wrong check character
        "91110108592366240",  # 17 characters
        "9111010859236624000",  # 19 characters
        "91110108592366240I",  # I is not in the alphabet
        "91110108592366240o",  # lower case
        "",
    ],
)
def test_invalid_credit_codes(code):
    assert not domain.is_valid_credit_code(code)


def test_check_character_wraps_31_to_zero():
    # Find a body whose weighted sum is 0 mod 31: its check character must be "0", not out of range.
    body = "0" * 17
    assert domain.credit_code_check_char(body) == "0"
    assert domain.is_valid_credit_code(body + "0")


def test_generated_codes_are_valid_and_distinct():
    codes = {domain.make_credit_code(n) for n in range(500)}
    assert len(codes) == 500
    assert all(domain.is_valid_credit_code(c) for c in codes)


def test_labels_in_both_languages():
    assert domain.label(domain.FIELDS, "materials") == "新材料"
    assert domain.label(domain.FIELDS, "materials", "en") == "New materials"
    assert domain.trl_label(6) == "TRL 6 · 中试/工程样机"
    assert domain.city_label("雄安新区", "en") == "Xiong'an New Area"
    assert domain.city_label("雄安新区", "zh") == "雄安新区"


def test_hebei_has_eleven_cities_plus_three():
    assert len(domain.CITIES["hebei"]) == 14
    assert {"雄安新区", "定州", "辛集", "石家庄", "衡水"} <= set(domain.CITIES["hebei"])
    assert len(domain.CITIES["beijing"]) == 16 and len(domain.CITIES["tianjin"]) == 16
