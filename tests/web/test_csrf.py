"""With CSRF on (as in production), a POST without the token is refused and changes nothing."""

import re

from matchmaker.extensions import db
from matchmaker.models import Need, User
from tests.conftest import PASSWORD, login


def test_post_without_token_is_refused(make_app, world, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "hb@example.com", "password": PASSWORD})
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)

    posting_id = make.need(world["hb_org"], status="draft")
    login(client, app, world["hb"])
    assert client.post(f"/needs/{posting_id}/submit").status_code == 400
    assert client.post("/logout").status_code == 400
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "draft"

    page = client.get(f"/needs/{posting_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/needs/{posting_id}/submit", data={"csrf_token": token}).status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "pending"
        assert db.session.query(User).count() == 4
