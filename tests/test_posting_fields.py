"""Every place a posting's field must appear (issue #17): the model declares what a poster writes
(``DATA_FIELDS``); the services, the form, the import template and the API read or must carry it.

Adding a field today: the model (its column and ``DATA_FIELDS``), a migration, the form's field (with its
label, limits and choices), the import column, the API's property, and the templates that show it. This
test names the places so that a field missing from one fails here rather than in a user's hands."""

import pytest

from matchmaker.api.fields import CONTACT_FIELDS, RENAMED, posting_properties
from matchmaker.models.posting import POSTING_MODELS
from matchmaker.postings.forms import FORMS
from matchmaker.services.postings import FIELDS
from matchmaker.transfer.columns import BY_NAME


@pytest.mark.parametrize("kind", list(POSTING_MODELS))
def test_every_data_field_appears_in_every_place_that_must_carry_it(kind, app):
    model = POSTING_MODELS[kind]
    assert FIELDS[kind] == model.DATA_FIELDS  # the services read the model's list, not a copy
    assert FORMS[kind].DATA_FIELDS == model.DATA_FIELDS  # and so does the form
    with app.test_request_context():
        form = FORMS[kind](meta={"csrf": False})
        api_name = {service: api for api, service in {**RENAMED[kind], **CONTACT_FIELDS}.items()}
        api = set(posting_properties(kind)) | {f"contact.{n}" for n in CONTACT_FIELDS}
    for name in model.DATA_FIELDS:
        assert hasattr(model, name), f"{kind}.{name}: no model attribute"
        assert name in form._fields, f"{kind}.{name}: no form field"
        assert name in BY_NAME[kind], f"{kind}.{name}: no column in the import template"
        shown = api_name.get(name, name)
        assert shown in api or f"contact.{shown}" in api, f"{kind}.{name}: no API property ({shown})"


def test_no_place_carries_a_field_the_model_does_not_declare(app):
    for kind, model in POSTING_MODELS.items():
        platform = {"external_id", "org_credit_code"}  # the importer's own columns: which row, which organization
        assert set(BY_NAME[kind]) - platform == set(model.DATA_FIELDS), kind
        with app.test_request_context():
            form = FORMS[kind](meta={"csrf": False})
        inputs = {n for n, f in form._fields.items() if f.type not in ("SubmitField", "CSRFTokenField")}
        assert inputs == set(model.DATA_FIELDS), kind
