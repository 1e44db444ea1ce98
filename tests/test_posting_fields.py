"""Every place a posting's field must appear (issue #17).

Adding a field: the model (its column and ``DATA_FIELDS``), a migration, the field in the input schema
(``schemas/postings.py``: label, limits, choices, required or not), and its place in the form's template
(``templates/postings/form.html``) and the detail page. The web form, the services, the API (its input,
answer and OpenAPI document) and the import template all read the schema or the model's list; the form
keeps one line per field for its widget, and the import template one column with its Chinese heading
and note. This test names those places so that a field missing from one fails here, not in a user's hands.
"""

import pytest

from matchmaker.api.schemas import POSTING_OUT
from matchmaker.models.posting import POSTING_MODELS
from matchmaker.postings.forms import FORMS
from matchmaker.schemas.postings import INPUTS, label
from matchmaker.services.postings import FIELDS
from matchmaker.transfer.columns import BY_NAME

PLACES = ("the model", "the input schema", "the API's answer", "the form's widget", "the import template")


@pytest.mark.parametrize("kind", list(POSTING_MODELS))
def test_every_data_field_appears_in_every_place_that_must_carry_it(kind, app):
    model = POSTING_MODELS[kind]
    assert FIELDS[kind] == model.DATA_FIELDS  # the services read the model's list, not a copy
    assert FORMS[kind].DATA_FIELDS == model.DATA_FIELDS  # and so does the form
    schema, answer = INPUTS[kind](), POSTING_OUT[kind]()
    with app.test_request_context():
        form = FORMS[kind](meta={"csrf": False})
        for name in model.DATA_FIELDS:
            assert hasattr(model, name), f"{kind}.{name}: no model attribute"
            assert name in schema.fields, f"{kind}.{name}: not in the input schema"
            assert name in answer.fields, f"{kind}.{name}: not in the API's answer"
            assert name in form._fields, f"{kind}.{name}: no form widget"
            assert name in BY_NAME[kind], f"{kind}.{name}: no column in the import template"
            assert str(form[name].label.text) == str(label(kind, name)), f"{kind}.{name}: the form restates its label"


def test_no_place_carries_a_field_the_model_does_not_declare(app):
    for kind, model in POSTING_MODELS.items():
        platform = {"external_id", "org_credit_code"}  # the importer's own columns: which row, which organization
        assert set(BY_NAME[kind]) - platform == set(model.DATA_FIELDS), kind
        assert set(INPUTS[kind]().fields) == set(model.DATA_FIELDS), kind
        with app.test_request_context():
            form = FORMS[kind](meta={"csrf": False})
        inputs = {n for n, f in form._fields.items() if f.type not in ("SubmitField", "CSRFTokenField")}
        assert inputs == set(model.DATA_FIELDS), kind
