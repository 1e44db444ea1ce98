"""The achievement and need forms, and the browse filters (validated, never silently ignored)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from matchmaker import domain
from matchmaker.auth.forms import PHONE
from matchmaker.forms import BaseForm, KeywordsField, MultiCheckboxField, check_range, int_or_none, money_in_range
from matchmaker.i18n import current_lang
from matchmaker.models.posting import Achievement, Need, Posting
from matchmaker.services.browse import SORTS, Filters
from matchmaker.templating import choices

LONG = 5000


def _trl_choices():
    lang = current_lang()
    return [(level, domain.trl_label(level, lang)) for level in domain.TRL]


def _please_choose():
    return ("", _l("Please choose"))


def _money(label):
    return DecimalField(label, places=2, validators=[Optional(), money_in_range])


class PostingForm(BaseForm):
    """Fields both kinds share; subclasses add their own and list them in ``DATA_FIELDS``.

    "Save draft" needs only a title (what is given is still checked: lengths, choices, amounts);
    "Submit for review" needs every required field (``services.postings`` checks again on submit).
    """

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    field = SelectField(_l("Field"), validators=[DataRequired(message=_l("Choose a field."))])
    keywords = KeywordsField(_l("Keywords (1–5, separated by 、 or commas)"))
    modes = MultiCheckboxField(_l("Transfer modes"), validators=[DataRequired(message=_l("Choose at least one."))])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), PHONE])
    contact_email = EmailField(
        _l("Contact e-mail"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    save = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit for review"))

    DATA_FIELDS: tuple[str, ...] = Posting.DATA_FIELDS  # the model's list: forms render it, never restate it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [_please_choose()] + choices("field")
        self.modes.choices = choices("mode")

    def validate(self, extra_validators=None) -> bool:
        if not self.wants_submit:
            self._only_title_required()
        return super().validate(extra_validators)

    def _only_title_required(self) -> None:
        for field in self:
            if field.name in ("title", "csrf_token") or field.type == "SubmitField":
                continue
            kept = [v for v in field.validators if not isinstance(v, (DataRequired, InputRequired))]
            field.validators = [Optional()] + kept if kept != list(field.validators) else kept
        self.keywords.optional = True

    def to_data(self) -> dict:
        """The posting's values; a text left empty (a draft) is "", an unchosen maturity None."""
        data = {name: getattr(self, name).data for name in self.DATA_FIELDS}
        for name, field in ((name, getattr(self, name)) for name in self.DATA_FIELDS):
            if data[name] is None and isinstance(field, StringField) or (name == "field" and not data[name]):
                data[name] = ""
        return data

    @property
    def wants_submit(self) -> bool:
        return bool(self.submit_review.data)


class AchievementForm(PostingForm):
    summary = TextAreaField(_l("Summary (one or two sentences)"), validators=[DataRequired(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=LONG)])
    advantages = TextAreaField(_l("Technical advantages and innovation"), validators=[DataRequired(), Length(max=LONG)])
    applications = TextAreaField(_l("Application scenarios"), validators=[Optional(), Length(max=LONG)])
    trl = SelectField(
        _l("Maturity (TRL)"), coerce=int_or_none, validators=[InputRequired(message=_l("Choose a maturity level."))]
    )
    ip_type = SelectField(_l("Intellectual property"), validators=[InputRequired()])
    patent_numbers = StringField(_l("Patent or registration numbers"), validators=[Optional(), Length(max=500)])
    price_min = _money(_l("Price from (ten-thousand yuan)"))
    price_max = _money(_l("Price up to (ten-thousand yuan)"))

    DATA_FIELDS = Achievement.DATA_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trl.choices = [_please_choose()] + _trl_choices()
        self.ip_type.choices = choices("ip")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return check_range(self.price_min, self.price_max) and ok


class NeedForm(PostingForm):
    problem = TextAreaField(_l("Main problem"), validators=[DataRequired(), Length(max=LONG)])
    key_points = TextAreaField(_l("Key technical points"), validators=[DataRequired(), Length(max=LONG)])
    goals = TextAreaField(_l("Expected goals"), validators=[DataRequired(), Length(max=LONG)])
    min_trl = SelectField(
        _l("Lowest acceptable maturity (TRL)"),
        coerce=int_or_none,
        validators=[InputRequired(message=_l("Choose a maturity level."))],
    )
    budget_min = _money(_l("Budget from (ten-thousand yuan)"))
    budget_max = _money(_l("Budget up to (ten-thousand yuan)"))
    deadline = DateField(_l("Deadline"), validators=[Optional()])

    DATA_FIELDS = Need.DATA_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_trl.choices = [_please_choose()] + _trl_choices()
        self.modes.label.text = _l("Cooperation modes wanted")

    def validate_deadline(self, field):
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("The deadline must not be in the past."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return check_range(self.budget_min, self.budget_max) and ok


# The posting forms by kind (views, the API and the importer read this one map).
FORMS = {"achievement": AchievementForm, "need": NeedForm}


class FilterForm(BaseForm):
    """Browse filters from the query string; a bad value is reported on the page, not ignored."""

    class Meta:
        csrf = False

    q = StringField(_l("Keywords"), validators=[Optional(), Length(max=100)])
    field = SelectField(_l("Field"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    trl = SelectField(_l("Maturity"), validators=[Optional()])
    mode = SelectField(_l("Transfer mode"), validators=[Optional()])
    price_min = DecimalField(_l("Amount from"), places=2, validators=[Optional(), money_in_range])
    price_max = DecimalField(_l("Amount up to"), places=2, validators=[Optional(), money_in_range])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    SORT_LABELS = {
        "relevance": _l("Relevance"),
        "newest": _l("Newest"),
        "deadline": _l("Deadline"),
        "budget": _l("Budget"),
        "price": _l("Price"),
    }

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        sorts = SORTS[kind] if kind else tuple(dict.fromkeys(s for names in SORTS.values() for s in names))
        self.sort.choices = [("", _l("Default (relevance with keywords, else newest)"))] + [
            (s, self.SORT_LABELS[s]) for s in sorts
        ]
        anything = ("", _l("Any"))
        self.field.choices = [anything] + choices("field")
        self.region.choices = [anything] + choices("region")
        self.mode.choices = [anything] + choices("mode")
        self.trl.choices = [anything] + [(str(level), label) for level, label in _trl_choices()]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return check_range(self.price_min, self.price_max) and ok

    @classmethod
    def params(cls, args) -> dict[str, str]:
        """Only the filters' own query parameters (never ``**request.args`` into ``url_for``: a parameter
        named ``kind``, ``endpoint`` or ``_method`` would collide with its arguments)."""
        names = ("q", "field", "region", "trl", "mode", "price_min", "price_max", "sort")
        return {name: args[name] for name in names if args.get(name)}

    def to_filters(self) -> Filters:
        return Filters(
            q=self.q.data or "",
            field=self.field.data or "",
            region=self.region.data or "",
            trl=int(self.trl.data) if self.trl.data else None,
            mode=self.mode.data or "",
            price_min=self.price_min.data,
            price_max=self.price_max.data,
            sort=self.sort.data or "",
        )
