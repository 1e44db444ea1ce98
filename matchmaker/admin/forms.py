"""Forms of the admin area."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from matchmaker.forms import BaseForm, an_id


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
    # The updated_at of the version on the reviewer's screen: an edit made since is not published unseen.
    version = StringField(validators=[Optional(), Length(max=40)])

    def validate_version(self, field):
        if field.data:
            try:
                datetime.fromisoformat(field.data)
            except ValueError:
                raise ValidationError(_l("Reload the page and review the posting again.")) from None

    @property
    def version_seen(self) -> datetime | None:
        return datetime.fromisoformat(self.version.data) if self.version.data else None

    def validate_reason(self, field):
        if self.decision.data in ("revise", "reject") and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason the poster can act on."))


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason or note"), validators=[Length(max=1000)])


class MergeForm(BaseForm):
    keep = IntegerField(validators=[InputRequired(), an_id])
    reason = TextAreaField(_l("Note"), validators=[Length(max=1000)])
    confirm = BooleanField(
        _l(
            "I checked: both describe the same thing. The other posting is archived for good (it cannot be renewed) "
            "and its interests move to the one kept."
        ),
        validators=[DataRequired(message=_l("Confirm the merge by ticking the box."))],
    )


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=[("member", _l("Member")), ("admin", _l("Administrator"))])
    password = PasswordField(_l("Your password (to confirm)"), validators=[InputRequired(), Length(max=128)])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


class PairForm(BaseForm):
    need_id = IntegerField(validators=[InputRequired(), an_id])
    achievement_id = IntegerField(validators=[InputRequired(), an_id])
    decision = HiddenField(validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Length(max=500)])


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    target_type = SelectField(_l("Target"), validators=[Optional()])
    actor = StringField(_l("Actor e-mail"), validators=[Optional(), Length(max=254)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
