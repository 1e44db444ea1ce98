"""The OpenAPI document matches the routes, states the forms' limits, and the reference page renders."""

import re

import pytest

from matchmaker import domain
from matchmaker.auth.forms import PHONE
from matchmaker.forms import KEYWORD_SPLIT
from matchmaker.models.posting import POSTING_MODELS
from matchmaker.schemas import fields as f


@pytest.fixture
def doc(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_every_api_route_is_documented_and_nothing_else(app, doc):
    undocumented = {"/api/v1/openapi.json", "/api/v1/docs"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule not in undocumented:
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in doc["paths"].items() for method in item if method != "parameters"}
    assert routes == documented
    assert len(documented) >= 27


def test_limits_and_vocabularies_come_from_the_schemas_and_domain(doc):
    schemas = doc["components"]["schemas"]
    achievement = schemas["AchievementInput"]["properties"]
    assert achievement["title"]["maxLength"] == 200
    assert achievement["description"]["maxLength"] == 5000 and achievement["summary"]["maxLength"] == 500
    assert achievement["field"]["enum"] == list(domain.FIELDS) and achievement["ip_type"]["enum"] == list(
        domain.IP_TYPES
    )
    assert achievement["trl"]["minimum"] == 1 and achievement["trl"]["maximum"] == 9
    assert achievement["keywords"]["minItems"] == 1 and achievement["keywords"]["maxItems"] == 5
    assert achievement["keywords"]["items"]["maxLength"] == 20
    assert achievement["price_min"]["maximum"] == 1_000_000 and achievement["price_min"]["nullable"] is True
    assert achievement["modes"]["items"]["enum"] == list(domain.TRANSFER_MODES)
    assert set(schemas["AchievementInput"]["required"]) >= {"title", "field", "keywords", "trl", "contact_email"}
    assert "required" not in schemas["AchievementPatch"]  # a PATCH sends any subset
    need = schemas["NeedInput"]["properties"]
    assert need["deadline"]["format"] == "date" and need["min_trl"]["maximum"] == 9 and "modes" in need
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/achievements"]["get"]["parameters"]}
    assert set(params) == {"q", "field", "region", "min_trl", "sort", "page", "per_page"}
    assert params["sort"]["enum"] == ["relevance", "newest", "price"]
    need_params = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/needs"]["get"]["parameters"]}
    assert need_params["sort"]["enum"] == ["relevance", "newest", "deadline", "budget"]
    assert params["per_page"]["maximum"] == 100 and params["region"]["enum"] == list(domain.REGIONS)


def test_security_and_error_responses(doc):
    paths = doc["paths"]
    assert paths["/api/v1/achievements"]["get"]["security"] == [{"bearer": []}, {}]
    assert paths["/api/v1/achievements"]["post"]["security"] == [{"bearer": []}]
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    assert {"201", "422", "default"} <= set(paths["/api/v1/achievements"]["post"]["responses"])
    error = doc["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"code", "message", "fields"}
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_reference_page_is_our_own_html_without_scripts(client):
    response = client.get("/api/v1/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<script" not in page and "style=" not in page and "http://" not in page.replace("http://localhost/", "")
    assert "POST /api/v1/achievements" in page and "AchievementInput" in page and "API 参考文档" in page
    assert "浏览已发布的成果或需求" in page  # the summaries are translated (matchmaker/babel_extract.py)
    english = client.get("/api/v1/docs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Browse published postings" in english and "API reference" in english
    assert "Set-Cookie" not in response.headers


# The schema promises nothing the form refuses: the patterns are checked against the forms' own rules.
CHARS = [chr(c) for c in range(0x3100)] + [chr(c) for c in (0xFEFF, 0xFF0C, 0xFF1B, 0x1F600)]


def test_keyword_pattern_excludes_every_separator_and_control_character():
    keyword = re.compile(f.KEYWORD[:-1] + r"\Z")
    control = re.compile(f"[{f.CTRL}]")
    for char in CHARS:
        if keyword.match(char):
            assert not KEYWORD_SPLIT.search(char) and not control.search(char) and not char.isspace(), hex(ord(char))


def test_text_pattern_means_not_blank_after_strip_and_not_only_invisible():
    non_blank = re.compile(f.NON_BLANK[:-1] + r"\Z")
    invisible = re.compile(f"[{f.INVISIBLE}]")
    for char in CHARS:
        shows = bool(char.strip()) and not invisible.match(char)
        assert bool(non_blank.match(char)) == (not re.search(f"[{f.CTRL}]", char) and shows), hex(ord(char))
    assert not non_blank.match("\u200b \ufeff") and non_blank.match("钢渣\u200b")


@pytest.mark.parametrize(
    "phone",
    [
        "12345",
        "010-5555 1234",
        "+86 (311) 8888-1234",
        "1" * 20,
        "(+86)13812345678",
        "010 - 12345678",
        "0311-8888-(801)",
    ],
)
def test_phone_pattern_is_the_account_form_rule(phone):
    assert re.match(f.PHONE, phone) and PHONE.regex.match(phone.strip())


@pytest.mark.parametrize("phone", [" 12345", "1234 ", "1234", "1" * 21, "abc12", "((((((", "++++++", "1-----2"])
def test_phone_pattern_refuses(phone):
    assert not re.match(f.PHONE[:-1] + r"\Z", phone) and not PHONE.regex.match(phone)


def test_every_model_field_is_in_the_api_and_nothing_else(doc):
    schemas = doc["components"]["schemas"]
    for kind, model in POSTING_MODELS.items():
        assert sorted(schemas[f"{kind.title()}Input"]["properties"]) == sorted(model.DATA_FIELDS)
        assert set(model.DATA_FIELDS) <= set(schemas[kind.title()]["properties"])
