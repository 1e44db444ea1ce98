"""Forms of challenges and proposals: they render what ``schemas.challenges`` declares and show its errors.

Labels and required marks come from the input schemas; the forms parse what a browser sends
(numbers, dates, the keywords line, rows of a table, leaving out the empty ones) and judge nothing:
the services load it through the same schemas the API serves.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from matchmaker import clock, domain
from matchmaker.forms import BaseForm, KeywordsField, MultiCheckboxField, money_in_range, show_errors
from matchmaker.schemas import InvalidInput
from matchmaker.schemas import challenges as inputs
from matchmaker.templating import choices


def from_schema(form, schema: type) -> None:
    """Labels and required marks of ``form``'s fields from ``schema`` (nested rows too)."""
    declared = schema().fields
    for field in form:
        spec = declared.get(field.short_name)
        if spec is None:
            continue
        if "label" in spec.metadata:
            field.label.text = spec.metadata["label"]
        field.flags.required = spec.required
        inner = getattr(getattr(spec, "inner", None), "nested", None)
        if isinstance(field, FieldList) and inner is not None:
            for entry in field:
                from_schema(entry.form, inner)


def show(form, error: InvalidInput) -> None:
    """The schema's messages at their fields; those of a table (indicators, milestones …) above the form."""
    rows = {name: message for name, message in error.fields.items() if isinstance(_top(form, name), FieldList)}
    form.form_errors.extend(dict.fromkeys(rows.values()))
    show_errors(form, {name: message for name, message in error.fields.items() if name not in rows})


def parse_errors(form) -> str:
    """What a browser sent that does not parse (a date, a number), in one line for a message."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner)
        else:
            out.append(str(value))

    walk(form.errors)
    return " ".join(dict.fromkeys(out))


def _top(form, name: str):
    return getattr(form, name.split(".")[0], None)


def _filled(rows: list[dict]) -> list[dict]:
    """The rows of a table someone wrote in (a blank row of the form is no row)."""
    return [row for row in rows if any(v not in (None, "") for v in row.values())]


def _given(data: dict) -> dict:
    """What was typed: an empty optional value is left out (the schema's default applies)."""
    return {name: value for name, value in data.items() if value not in (None, [])}


def _optional_number(cls, **kwargs):
    return cls(validators=[Optional()], **kwargs)


class IndicatorRow(Form):
    name = StringField()
    target = StringField()
    unit = StringField()


class CriterionRow(Form):
    name = StringField()
    weight = _optional_number(IntegerField)


class ShareRow(Form):
    organization_id = _optional_number(IntegerField)
    share_wan = _optional_number(DecimalField, label=_l("Share (ten-thousand yuan)"), places=2)


class ChallengeForm(BaseForm):
    title = StringField()
    field = SelectField(validate_choice=False)
    keywords = KeywordsField()
    problem = TextAreaField()
    key_points = TextAreaField()
    goals = TextAreaField()
    indicators = FieldList(FormField(IndicatorRow), min_entries=4, max_entries=10)
    criteria = FieldList(FormField(CriterionRow), min_entries=4, max_entries=10)
    budget_wan = _optional_number(DecimalField, places=2)
    centre_share_wan = _optional_number(DecimalField, places=2)
    shares = FieldList(FormField(ShareRow), max_entries=20)
    proposal_deadline = _optional_number(DateField)
    delivery_months = _optional_number(IntegerField)
    eligible_regions = MultiCheckboxField(validate_choice=False)
    eligible_kinds = MultiCheckboxField(validate_choice=False)
    min_trl = SelectField(coerce=int, validate_choice=False)
    ip_terms = TextAreaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from_schema(self, inputs.ChallengeInput)
        self.field.choices = choices("field")
        self.eligible_regions.choices = choices("region")
        self.eligible_kinds.choices = [c for c in choices("kind") if c[0] in domain.SUPPLY_KINDS]
        self.min_trl.choices = [(n, domain.trl_label(n)) for n in domain.TRL]

    show = show

    def defaults(self) -> None:
        """A new challenge's starting values: two months to bid, Beijing and Tianjin teams, four criteria."""
        self.proposal_deadline.data = clock.today() + timedelta(days=60)
        self.delivery_months.data = 18
        self.eligible_regions.data = ["beijing", "tianjin"]
        self.eligible_kinds.data = ["university", "institute"]
        self.min_trl.data = 4
        for row, (name, weight) in zip(
            self.criteria,
            (
                (_l("Technical approach"), 40),
                (_l("Team and track record"), 25),
                (_l("Price"), 15),
                (_l("Schedule and milestones"), 20),
            ),
        ):
            row.form.name.data, row.form.weight.data = str(name), weight

    def to_data(self) -> dict:
        """The challenge as typed, for ``ChallengeInput``."""
        names = ("title", "field", "problem", "key_points", "goals", "ip_terms", "eligible_regions", "eligible_kinds")
        data = {name: getattr(self, name).data or ([] if name.startswith("eligible") else "") for name in names}
        data.update(
            _given(
                {
                    "keywords": self.keywords.data or None,
                    "budget_wan": self.budget_wan.data,
                    "centre_share_wan": self.centre_share_wan.data,
                    "proposal_deadline": self.proposal_deadline.data,
                    "delivery_months": self.delivery_months.data,
                    "min_trl": self.min_trl.data,
                }
            )
        )
        data["indicators"] = _filled([{k: v or "" for k, v in row.data.items()} for row in self.indicators])
        data["criteria"] = [_given(row) for row in _filled([dict(row.data) for row in self.criteria])]
        shares = [_given(row) for row in _filled([dict(row.data) for row in self.shares])]
        if shares:
            data["shares"] = shares
        return data

    def load(self, challenge) -> None:
        """Fill an edit form from a challenge."""
        for name in ("title", "field", "keywords", "problem", "key_points", "goals", "budget_wan", "centre_share_wan"):
            getattr(self, name).data = getattr(challenge, name)
        for name in (
            "proposal_deadline",
            "delivery_months",
            "eligible_regions",
            "eligible_kinds",
            "min_trl",
            "ip_terms",
        ):
            getattr(self, name).data = getattr(challenge, name)
        for rows, values in ((self.indicators, challenge.indicators), (self.criteria, challenge.criteria)):
            for row, value in zip(rows, values):
                for key, item in value.items():
                    getattr(row.form, key).data = item


class MilestoneRow(Form):
    title = StringField()
    due = _optional_number(DateField)
    payment_wan = _optional_number(DecimalField, places=2)


class ProposalForm(BaseForm):
    lead_person = StringField()
    team = TextAreaField()
    partner_org_ids = MultiCheckboxField(coerce=int, validate_choice=False)
    approach = TextAreaField()
    indicator_plans = FieldList(TextAreaField(), max_entries=10)
    milestones = FieldList(FormField(MilestoneRow), min_entries=4, max_entries=12)
    price_wan = _optional_number(DecimalField, places=2)
    trl = SelectField(coerce=int, validate_choice=False)
    achievement_ids = MultiCheckboxField(coerce=int, validate_choice=False)

    def __init__(self, *args, indicators=(), partners=(), achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trl.choices = [(n, domain.trl_label(n)) for n in domain.TRL]
        self.partner_org_ids.choices = [(o.id, o.name) for o in partners]
        self.achievement_ids.choices = [(a.id, a.title) for a in achievements]
        while len(self.indicator_plans) < len(indicators):
            self.indicator_plans.append_entry()
        from_schema(self, inputs.ProposalInput)
        for entry, indicator in zip(self.indicator_plans, indicators):
            entry.label.text = f"{indicator['name']}（{indicator['target']}{indicator['unit']}）"
            entry.flags.required = True

    show = show

    def to_data(self) -> dict:
        """The proposal as typed, for ``ProposalInput``."""
        data = {name: getattr(self, name).data or "" for name in ("lead_person", "team", "approach")}
        data.update(
            indicator_plans=[e.data or "" for e in self.indicator_plans],
            milestones=[_given(row) for row in _filled([dict(row.data) for row in self.milestones])],
            partner_org_ids=self.partner_org_ids.data or [],
            achievement_ids=self.achievement_ids.data or [],
            **_given({"price_wan": self.price_wan.data, "trl": self.trl.data}),
        )
        return data

    def load(self, proposal) -> None:
        for name in ("lead_person", "team", "approach", "price_wan", "trl", "partner_org_ids", "achievement_ids"):
            getattr(self, name).data = getattr(proposal, name)
        for entry, plan in zip(self.indicator_plans, proposal.indicator_plans):
            entry.data = plan
        for row, m in zip(self.milestones, proposal.milestones):
            row.form.title.data = m["title"]
            row.form.due.data = date.fromisoformat(m["due"])
            row.form.payment_wan.data = Decimal(m["payment_wan"])


class ScoreForm(BaseForm):
    points = FieldList(_optional_number(DecimalField, places=1), max_entries=10)
    comment = TextAreaField(_l("Comment"))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        while len(self.points) < len(criteria):
            self.points.append_entry()
        for entry, c in zip(self.points, criteria):
            entry.label.text = f"{c['name']}（0–{c['weight']}）"
            entry.flags.required = True


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"))


class ExpertForm(BaseForm):
    email = StringField(_l("Expert's e-mail"))


class AwardForm(BaseForm):
    proposal_id = _optional_number(IntegerField)
    signed_on = _optional_number(DateField)
    registration_no = StringField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from_schema(self, inputs.AwardInput)


class DeliverForm(BaseForm):
    note = TextAreaField(_l("What was delivered"))


class AcceptForm(BaseForm):
    accepted_on = _optional_number(DateField)
    note = TextAreaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from_schema(self, inputs.MilestoneAcceptInput)


class ChallengeFilters(Form):
    """The public list's filters (GET): field, sponsors' region, budget, deadline."""

    field = SelectField(_l("Field"), validators=[Optional()])
    region = SelectField(_l("Sponsors' region"), validators=[Optional()])
    budget_min = DecimalField(_l("Budget from"), places=2, validators=[Optional(), money_in_range])
    deadline_before = DateField(_l("Deadline before"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [("", _l("All fields")), *choices("field")]
        self.region.choices = [("", _l("All regions")), *choices("region")]
        self.status.choices = [
            ("", _l("Open and past")),
            *[c for c in choices("challenge_status") if c[0] in domain.PUBLIC_CHALLENGE_STATUSES],
        ]
