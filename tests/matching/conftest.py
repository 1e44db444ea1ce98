"""Small literal postings shared by the matcher tests (no app, no database)."""

from datetime import date

import pytest

from matchmaker.matching import MatchConfig, Matcher

BATTERY = {
    "id": "a1",
    "kind": "achievement",
    "title": "高镍三元锂离子电池正极材料",
    "description": "一种高镍三元锂离子电池正极材料及其制备方法，显著提高动力电池的能量密度和循环寿命。",
    "keywords": ["锂离子电池", "正极材料"],
    "field": "materials",
    "region": "beijing",
    "trl": 6,
    "transfer_modes": ["license", "assignment"],
    "price_min": 50.0,
    "price_max": 100.0,
}
PACKAGING = {
    "id": "a2",
    "kind": "achievement",
    "title": "可降解食品包装薄膜",
    "description": "以聚乳酸为基材的可降解食品包装薄膜，阻隔性能好，适用于生鲜食品保鲜。",
    "keywords": ["食品包装", "聚乳酸"],
    "field": "food",
    "region": "tianjin",
    "trl": 7,
    "transfer_modes": ["equity"],
    "price_min": None,
    "price_max": None,
}
STEEL = {
    "id": "a3",
    "kind": "achievement",
    "title": "高炉炼铁余热回收技术",
    "description": "回收高炉煤气和炉渣余热用于发电，降低钢铁企业能耗。",
    "keywords": ["余热回收", "高炉"],
    "field": "steel",
    "region": "beijing",
    "trl": 8,
}
NEED = {
    "id": "n1",
    "kind": "need",
    "title": "动力电池正极材料技术需求",
    "problem": "我公司生产动力电池，正极材料能量密度不足。",
    "description": "我公司生产动力电池，正极材料能量密度不足。希望提高锂离子电池循环寿命。",
    "keywords": ["正极材料"],
    "field": "materials",
    "region": "hebei",
    "min_trl": 5,
    "transfer_modes": ["license"],
    "price_min": 30.0,
    "price_max": 80.0,
    "deadline": "2031-06-30",
}
TODAY = date(2030, 1, 1)


@pytest.fixture
def config():
    return MatchConfig(today=TODAY)


@pytest.fixture
def matcher(config):
    return Matcher(config=config).fit([BATTERY, PACKAGING, STEEL, NEED])
