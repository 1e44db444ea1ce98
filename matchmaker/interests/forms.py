"""Forms of the interest → deal flow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from matchmaker.forms import BaseForm, an_id
from matchmaker.schemas.interests import DealInput
from matchmaker.templating import choices


class ExpressForm(BaseForm):
    need_id = IntegerField(validators=[InputRequired(), an_id])
    achievement_id = IntegerField(validators=[InputRequired(), an_id])
    message = TextAreaField(
        _l("Message to the other side"),
        validators=[Length(max=2000)],
        description=_l(
            "Say what interests you and what you would like to discuss. Contacts are shared only if they accept."
        ),
    )


class DeclineForm(BaseForm):
    """Renders ``DeclineInput`` (which judges it)."""

    reason = TextAreaField(_l("Reason"))


class StatusForm(BaseForm):
    status = SelectField(_l("New status"), choices=[("negotiating", ""), ("on_hold", ""), ("closed_no_deal", "")])
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [
            c for c in choices("interest_status") if c[0] in ("negotiating", "on_hold", "closed_no_deal")
        ]


class ContactConsentForm(BaseForm):
    """Withdraw or give again one side's consent to show its contact through an interest."""

    consent = SelectField(
        choices=[("withdraw", ""), ("share", "")],
        validators=[InputRequired()],
        validate_choice=True,
    )


class MessageForm(BaseForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=2000)])


class DealForm(BaseForm):
    """Renders ``schemas.interests.DealInput``, which judges it; the form only parses what is typed."""

    contract_type = SelectField(validate_choice=False)
    amount_wan = DecimalField(places=2, validators=[Optional()])
    signed_on = DateField(validators=[Optional()])
    registration_no = StringField()
    mark_achievement_transferred = BooleanField()
    mark_need_fulfilled = BooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_type.choices = choices("contract")
        fields = DealInput().fields
        for field in self:
            if field.name in fields:
                field.label.text = fields[field.name].metadata.get("label", field.label.text)
                field.flags.required = fields[field.name].required

    def to_data(self) -> dict:
        return {
            "contract_type": self.contract_type.data or "",
            "amount_wan": self.amount_wan.data,
            "signed_on": self.signed_on.data,
            "registration_no": self.registration_no.data or "",
            "mark_achievement_transferred": bool(self.mark_achievement_transferred.data),
            "mark_need_fulfilled": bool(self.mark_need_fulfilled.data),
        }
