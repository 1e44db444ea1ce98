"""The review decision form."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import Length, ValidationError

from matchmaker.forms import BaseForm


class ReviewForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            ("publish", _l("Publish")),
            ("revise", _l("Ask for revision")),
            ("reject", _l("Reject")),
            ("unpublish", _l("Unpublish")),
        ],
    )
    reason = TextAreaField(_l("Reason or comment for the poster"), validators=[Length(max=1000)])

    def validate_reason(self, field):
        if self.decision.data in ("revise", "reject") and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason the poster can act on."))
