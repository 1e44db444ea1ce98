"""The upload form of the import page (the file's content is checked again by the service)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from matchmaker.forms import BaseForm, valid_credit_code


class ImportForm(BaseForm):
    file = FileField(
        _l("File (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
        ],
    )
    kind = SelectField(
        _l("Postings in the file"),
        choices=[
            ("", _l("Detect from the header")),
            ("achievement", _l("Achievements")),
            ("need", _l("Needs")),
        ],
        validators=[Optional()],
    )
    org_credit_code = StringField(
        _l("Posting organization's credit code (if the file has no such column)"),
        validators=[Optional(), valid_credit_code],
    )
    valid_only = BooleanField(_l("Import the valid rows even if some rows have errors"))
    dry_run = BooleanField(_l("Check only: import nothing"))
