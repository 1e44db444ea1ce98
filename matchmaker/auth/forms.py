"""Registration, login and password-reset forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import PasswordInput

from matchmaker import domain
from matchmaker.forms import BaseForm, valid_credit_code
from matchmaker.i18n import current_lang
from matchmaker.schemas import fields
from matchmaker.services.accounts import password_problem
from matchmaker.templating import choices

PHONE = Regexp(fields.PHONE, message=fields.PHONE_MESSAGE)  # the postings' contact phone rule


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ConfirmForm(BaseForm):
    """The button behind a mailed confirmation link (only its CSRF token)."""


class ForgotForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)])


class ResetForm(BaseForm):
    """The strength rule is the service's (it knows the account's e-mail and name)."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=128)], render_kw={"autocomplete": "new-password"}
    )
    password2 = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=50)])
    email = EmailField(
        _l("E-mail (your login)"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=30), PHONE])
    # Kept in the form when another field has an error (typing a long passphrase twice again is what
    # made people give up); the page is no-store and never cached.
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=128)],
        widget=PasswordInput(hide_value=False),
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        widget=PasswordInput(hide_value=False),
        render_kw={"autocomplete": "new-password"},
    )
    org_mode = RadioField(
        _l("Organization"),
        choices=[
            ("new", _l("Register a new organization")),
            ("existing", _l("Join an organization already registered")),
        ],
        default="new",
    )
    org_name = StringField(_l("Organization name"), validators=[Optional(), Length(max=100)])
    org_kind = SelectField(_l("Kind of organization"), validators=[Optional()])
    org_region = SelectField(_l("Region"), validators=[Optional()])
    org_city = SelectField(_l("City or district"), validators=[Optional()])
    org_credit_code = StringField(_l("Unified social credit code"), validators=[Optional(), valid_credit_code])
    org_profile = TextAreaField(_l("Short profile"), validators=[Optional(), Length(max=1000)])
    existing_credit_code = StringField(
        _l("Credit code of the organization to join"), validators=[Optional(), valid_credit_code]
    )
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my contact details are shown to admins and, after I accept an interest, to the other party."
        ),
        validators=[DataRequired(message=_l("Registration needs your consent to the privacy notice."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_kind.choices = choices("kind")
        self.org_region.choices = choices("region")
        lang = current_lang()
        self.org_city.choices = {
            domain.label(domain.REGIONS, region, lang): [(c, domain.city_label(c, lang)) for c in cities]
            for region, cities in domain.CITIES.items()
        }

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        problem = password_problem(self.password.data or "", self.email.data or "", self.name.data or "")
        if problem:
            self.password.errors = list(self.password.errors) + [problem]
            ok = False
        required = _l("This field is required.")
        if self.org_mode.data == "new":
            for field in (self.org_name, self.org_credit_code):
                if not field.data:
                    field.errors = list(field.errors) + [str(required)]
                    ok = False
            if self.org_city.data not in domain.CITIES.get(self.org_region.data, {}):
                self.org_city.errors = list(self.org_city.errors) + [
                    str(_l("Choose a city or district of the selected region."))
                ]
                ok = False
        elif not self.existing_credit_code.data:
            self.existing_credit_code.errors = list(self.existing_credit_code.errors) + [str(required)]
            ok = False
        return ok
