"""Forms of the interest → deal flow."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from matchmaker.forms import BaseForm, an_id, money_in_range
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
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


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
    contract_type = SelectField(_l("Contract type"), validators=[InputRequired()])
    amount_wan = DecimalField(_l("Amount (ten-thousand yuan)"), places=2, validators=[InputRequired(), money_in_range])
    signed_on = DateField(_l("Signing date"), validators=[InputRequired()])
    registration_no = StringField(
        _l("Technology contract registration number (optional)"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9A-Za-z\-]+$", message=_l("Letters, digits and hyphens only.")),
        ],
    )
    mark_achievement_transferred = BooleanField(_l("Mark the achievement as transferred"))
    mark_need_fulfilled = BooleanField(_l("Mark the need as fulfilled"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract_type.choices = choices("contract")

    def validate_signed_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The signing date cannot be in the future."))
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Enter the real signing date."))
