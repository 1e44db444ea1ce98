"""The achievement and need forms, and the browse filters (validated, never silently ignored)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from matchmaker import domain
from matchmaker.forms import (
    BaseForm,
    KeywordsField,
    MultiCheckboxField,
    check_range,
    int_or_none,
    money_in_range,
    show_errors,
)
from matchmaker.i18n import current_lang
from matchmaker.models.posting import Achievement, Need, Posting
from matchmaker.schemas import InvalidInput
from matchmaker.schemas import postings as inputs
from matchmaker.services.browse import SORTS, Filters
from matchmaker.templating import choices


def _trl_choices():
    lang = current_lang()
    return [(level, domain.trl_label(level, lang)) for level in domain.TRL]


def _please_choose():
    return ("", _l("Please choose"))


def _money():
    return DecimalField(places=2, validators=[Optional()])


class PostingForm(BaseForm):
    """Renders a posting's fields and shows the errors ``schemas.postings`` finds (``show``).

    Labels, limits, choices and what is required come from ``matchmaker.schemas.postings``; the form
    parses what a browser sends (numbers, dates, the keywords line) and checks nothing else, so the
    services judge a page's input exactly as the API's and the importer's. "Save draft" needs only a
    title; "Submit for review" every required field.
    """

    KIND = ""
    title = StringField()
    field = SelectField(validate_choice=False)
    keywords = KeywordsField()
    modes = MultiCheckboxField(validate_choice=False)
    contact_name = StringField()
    contact_phone = StringField()
    contact_email = EmailField()
    save = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit for review"))

    DATA_FIELDS: tuple[str, ...] = Posting.DATA_FIELDS  # the model's list: forms render it, never restate it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = set(inputs.required(self.KIND))
        for name in self.DATA_FIELDS:
            field = getattr(self, name)
            field.label.text = inputs.label(self.KIND, name)
            field.flags.required = name in required
        self.field.choices = [_please_choose()] + choices("field")
        self.modes.choices = choices("mode")

    def to_data(self) -> dict:
        """The posting's values as typed; a text left empty is "", an unchosen maturity None."""
        data = {name: getattr(self, name).data for name in self.DATA_FIELDS}
        for name, field in ((name, getattr(self, name)) for name in self.DATA_FIELDS):
            if data[name] is None and isinstance(field, StringField) or (name == "field" and not data[name]):
                data[name] = ""
        return data

    def show(self, error: InvalidInput) -> None:
        show_errors(self, error.fields)

    def show_the_rest(self) -> None:
        """When a value the browser sent did not parse (a number, a date): what the schema says of
        the other fields too, now rather than on the next submit."""
        try:
            inputs.load(self.KIND, self.to_data(), complete=self.wants_submit)
        except InvalidInput as error:
            unparsed = {name for name, field in self._fields.items() if field.errors}
            show_errors(self, {k: v for k, v in error.fields.items() if k.split(".")[0] not in unparsed})

    @property
    def wants_submit(self) -> bool:
        return bool(self.submit_review.data)


class AchievementForm(PostingForm):
    KIND = "achievement"
    summary = TextAreaField()
    description = TextAreaField()
    advantages = TextAreaField()
    applications = TextAreaField()
    trl = SelectField(coerce=int_or_none, validate_choice=False)
    ip_type = SelectField(validate_choice=False)
    patent_numbers = StringField()
    price_min = _money()
    price_max = _money()

    DATA_FIELDS = Achievement.DATA_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trl.choices = [_please_choose()] + _trl_choices()
        self.ip_type.choices = choices("ip")


class NeedForm(PostingForm):
    KIND = "need"
    problem = TextAreaField()
    key_points = TextAreaField()
    goals = TextAreaField()
    min_trl = SelectField(coerce=int_or_none, validate_choice=False)
    budget_min = _money()
    budget_max = _money()
    deadline = DateField(validators=[Optional()])

    DATA_FIELDS = Need.DATA_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_trl.choices = [_please_choose()] + _trl_choices()


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
