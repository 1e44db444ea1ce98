"""Forms of challenges and proposals: they parse and bound the input; the services check the rules."""

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
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from matchmaker import domain
from matchmaker.forms import BaseForm, KeywordsField, MultiCheckboxField, an_id, money_in_range
from matchmaker.services.challenge_rules import ChallengeData
from matchmaker.services.proposals import ProposalData
from matchmaker.templating import choices

TEXT = [DataRequired(), Length(max=5000)]


class IndicatorRow(Form):
    name = StringField(_l("Indicator"), validators=[Optional(), Length(max=100)])
    target = StringField(_l("Target value"), validators=[Optional(), Length(max=50)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])


class CriterionRow(Form):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=50)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(min=1, max=100)])


class ShareRow(Form):
    organization_id = IntegerField(validators=[InputRequired(), an_id])
    share_wan = DecimalField(_l("Share (ten-thousand yuan)"), places=2, validators=[InputRequired(), money_in_range])


class ChallengeForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    field = SelectField(_l("Field"), validators=[InputRequired()])
    keywords = KeywordsField(_l("Keywords"))
    problem = TextAreaField(_l("Main problem"), validators=TEXT)
    key_points = TextAreaField(_l("Technical key points"), validators=TEXT)
    goals = TextAreaField(_l("Expected goals"), validators=TEXT)
    indicators = FieldList(FormField(IndicatorRow), min_entries=4, max_entries=10)
    criteria = FieldList(FormField(CriterionRow), min_entries=4, max_entries=10)
    budget_wan = DecimalField(_l("Budget (ten-thousand yuan)"), places=2, validators=[InputRequired(), money_in_range])
    centre_share_wan = DecimalField(
        _l("The centre's share, public money (ten-thousand yuan)"), places=2, validators=[Optional(), money_in_range]
    )
    shares = FieldList(FormField(ShareRow), max_entries=20)
    proposal_deadline = DateField(_l("Proposal deadline"), validators=[InputRequired()])
    delivery_months = IntegerField(_l("Delivery period (months)"), validators=[InputRequired(), NumberRange(1, 60)])
    eligible_regions = MultiCheckboxField(_l("Teams from"), validators=[DataRequired()])
    eligible_kinds = MultiCheckboxField(_l("Organizations that may bid"), validators=[DataRequired()])
    min_trl = SelectField(_l("Minimum maturity now (TRL)"), coerce=int, validators=[InputRequired()])
    ip_terms = TextAreaField(_l("IP terms"), validators=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = choices("field")
        self.eligible_regions.choices = choices("region")
        self.eligible_kinds.choices = [c for c in choices("kind") if c[0] in domain.SUPPLY_KINDS]
        self.min_trl.choices = [(n, domain.trl_label(n)) for n in domain.TRL]

    def defaults(self) -> None:
        """A new challenge's starting values: two months to bid, Beijing and Tianjin teams, four criteria."""
        self.proposal_deadline.data = date.today() + timedelta(days=60)
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

    def to_data(self) -> ChallengeData:
        return ChallengeData(
            title=self.title.data or "",
            field=self.field.data,
            problem=self.problem.data or "",
            key_points=self.key_points.data or "",
            goals=self.goals.data or "",
            keywords=self.keywords.data or [],
            indicators=[dict(row.data) for row in self.indicators],
            criteria=[dict(row.data) for row in self.criteria],
            budget_wan=self.budget_wan.data,
            centre_share_wan=self.centre_share_wan.data or 0,
            shares={row.organization_id.data: row.share_wan.data for row in (r.form for r in self.shares)},
            proposal_deadline=self.proposal_deadline.data,
            delivery_months=self.delivery_months.data,
            eligible_regions=self.eligible_regions.data or [],
            eligible_kinds=self.eligible_kinds.data or [],
            min_trl=self.min_trl.data,
            ip_terms=self.ip_terms.data or "",
        )

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
    title = StringField(_l("Milestone"), validators=[Optional(), Length(max=200)])
    due = DateField(_l("Due date"), validators=[Optional()])
    payment_wan = DecimalField(_l("Payment (ten-thousand yuan)"), places=2, validators=[Optional(), money_in_range])


class ProposalForm(BaseForm):
    lead_person = StringField(_l("Lead person"), validators=[DataRequired(), Length(max=50)])
    team = TextAreaField(_l("Team"), validators=TEXT)
    partner_org_ids = MultiCheckboxField(_l("Partners in a consortium (optional)"), coerce=int)
    approach = TextAreaField(_l("Technical approach"), validators=[DataRequired(), Length(max=10000)])
    indicator_plans = FieldList(TextAreaField(validators=[DataRequired(), Length(max=2000)]), max_entries=10)
    milestones = FieldList(FormField(MilestoneRow), min_entries=4, max_entries=12)
    price_wan = DecimalField(_l("Price (ten-thousand yuan)"), places=2, validators=[InputRequired(), money_in_range])
    trl = SelectField(_l("Maturity of the technology now (TRL)"), coerce=int, validators=[InputRequired()])
    achievement_ids = MultiCheckboxField(_l("Related achievements in the pool"), coerce=int)

    def __init__(self, *args, indicators=(), partners=(), achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trl.choices = [(n, domain.trl_label(n)) for n in domain.TRL]
        self.partner_org_ids.choices = [(o.id, o.name) for o in partners]
        self.achievement_ids.choices = [(a.id, a.title) for a in achievements]
        while len(self.indicator_plans) < len(indicators):
            self.indicator_plans.append_entry()
        for entry, indicator in zip(self.indicator_plans, indicators):
            entry.label.text = f"{indicator['name']}（{indicator['target']}{indicator['unit']}）"

    def to_data(self) -> ProposalData:
        return ProposalData(
            lead_person=self.lead_person.data or "",
            team=self.team.data or "",
            approach=self.approach.data or "",
            indicator_plans=[e.data or "" for e in self.indicator_plans],
            milestones=[dict(row.data) for row in self.milestones],
            price_wan=self.price_wan.data,
            trl=self.trl.data,
            partner_org_ids=self.partner_org_ids.data or [],
            achievement_ids=self.achievement_ids.data or [],
        )

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
    points = FieldList(DecimalField(places=1, validators=[InputRequired()]), max_entries=10)
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        while len(self.points) < len(criteria):
            self.points.append_entry()
        for entry, c in zip(self.points, criteria):
            entry.label.text = f"{c['name']}（0–{c['weight']}）"


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ExpertForm(BaseForm):
    email = StringField(_l("Expert's e-mail"), validators=[DataRequired(), Email(), Length(max=254)])


REGISTRATION = Regexp(r"^[0-9A-Za-z\-]*$", message=_l("Letters, digits and hyphens only."))


class AwardForm(BaseForm):
    proposal_id = IntegerField(validators=[InputRequired(), an_id])
    signed_on = DateField(_l("Contract signing date"), validators=[InputRequired()])
    registration_no = StringField(
        _l("Technology contract registration number (optional)"), validators=[Optional(), Length(max=40), REGISTRATION]
    )


class DeliverForm(BaseForm):
    note = TextAreaField(_l("What was delivered"), validators=[DataRequired(), Length(max=2000)])


class AcceptForm(BaseForm):
    accepted_on = DateField(_l("Acceptance date"), validators=[InputRequired()])
    note = TextAreaField(_l("Acceptance note"), validators=[DataRequired(), Length(max=2000)])


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
