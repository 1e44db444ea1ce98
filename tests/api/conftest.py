"""API test helpers: a token per user, and a client that sends it."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import tokens


class Api:
    """``api.get("/achievements", as_="bj")``: requests to /api/v1 with the token of a ``world`` user."""

    def __init__(self, app, client, world):
        self.app, self.client, self.world = app, client, world
        self._tokens: dict[str, str] = {}

    def token(self, who: str | int) -> str:
        key = str(who)
        if key not in self._tokens:
            user_id = self.world[who] if isinstance(who, str) else who
            with self.app.app_context():
                _row, raw = tokens.issue(db.session.get(User, user_id), "tests")
            self._tokens[key] = raw
        return self._tokens[key]

    def headers(self, as_=None, lang=None, extra=None) -> dict:
        headers = dict(extra or {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.token(as_)}"
        if lang:
            headers["Accept-Language"] = lang
        return headers

    def request(self, method: str, path: str, as_=None, lang=None, headers=None, **kwargs):
        return self.client.open("/api/v1" + path, method=method, headers=self.headers(as_, lang, headers), **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(app, client, world) -> Api:
    return Api(app, client, world)


def error_of(response) -> dict:
    """The error object of an API answer, after checking its shape."""
    assert response.mimetype == "application/json", response.data[:200]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]


ACHIEVEMENT = {
    "title": "钢渣微粉制备高性能混凝土掺合料技术",
    "summary": "利用转炉钢渣制备混凝土掺合料。",
    "description": "钢渣经磁选、立磨粉磨至比表面积450m²/kg，28天活性指数≥85%。",
    "advantages": "固废利用率高，成本较矿粉低30%。",
    "applications": "商品混凝土搅拌站。",
    "field": "building_materials",
    "keywords": ["钢渣", "微粉", "掺合料"],
    "trl": 7,
    "ip_type": "invention",
    "patent_numbers": "ZL 2023 1 0000001.1",
    "modes": ["license", "joint"],
    "price_min": 30,
    "price_max": 80.5,
    "contact_name": "陈老师",
    "contact_phone": "010-5555 2222",
    "contact_email": "chen@example.com",
}
NEED = {
    "title": "高炉煤气布袋除尘滤袋寿命短",
    "problem": "滤袋平均寿命不足12个月。",
    "key_points": "耐高温覆膜滤料。",
    "goals": "滤袋寿命≥24个月，排放≤5mg/m³。",
    "field": "environment",
    "keywords": ["滤袋", "除尘"],
    "min_trl": 6,
    "modes": ["development"],
    "budget_min": None,
    "budget_max": None,
    "deadline": "2099-06-30",
    "contact_name": "刘工",
    "contact_phone": "0315-5555 3333",
    "contact_email": "liu@example.com",
}
