"""Chinese by default, English on request, and the header switch."""


def test_chinese_by_default_and_for_zh_cn(client):
    for headers in ({}, {"Accept-Language": "zh-CN,zh;q=0.9"}):
        page = client.get("/", headers=headers).get_data(as_text=True)
        assert "京津冀科技成果供需库" in page and "科技成果" in page and 'lang="zh-CN"' in page


def test_english_for_english_browsers(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert "Jing-Jin-Ji Technology Supply and Demand Pool" in page and 'lang="en"' in page
    assert "京津冀科技成果供需库" not in page


def test_switch_sticks_for_the_session_and_back(client):
    response = client.get("/lang/en?next=/needs/")
    assert response.headers["Location"] == "/needs/"
    page = client.get("/needs/").get_data(as_text=True)
    assert "Technology needs" in page
    client.get("/lang/zh")
    assert "技术需求" in client.get("/needs/").get_data(as_text=True)


def test_switch_refuses_offsite_next(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/lang/fr").status_code == 404


def test_vocabulary_and_validation_messages_follow_the_language(client, world, make):
    make.achievement(world["bj_org"], field="materials", trl=6)
    page = client.get("/achievements/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "New materials" in page and "Pilot / engineering prototype" in page
    page = client.get("/achievements/").get_data(as_text=True)
    assert "新材料" in page and "中试/工程样机" in page
    page = client.get("/achievements/?trl=x", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "不是有效的选择" in client.get("/achievements/?trl=x").get_data(as_text=True)


def test_catalogue_is_complete():
    """Every message of the Chinese catalogue is translated (a new string without one fails)."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "matchmaker/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []
