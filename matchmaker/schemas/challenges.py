"""Inputs of open challenges (揭榜挂帅): the challenge, a proposal, a score, the award, the steps between.

Field names are the models' (``models/challenge.py``). What one row of input can say is checked
here, rules that span fields of the same input too (the criteria's weights add up to 100, the
milestones' payments to the price); what depends on the challenge or on the database (the deadline,
who may bid, a criterion's own maximum, conflicts of interest) is checked by the services.
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import validate

from matchmaker import clock, domain
from matchmaker.schemas import fields as f
from matchmaker.schemas.base import Input

LONG = 5000
MAX_INDICATORS = MAX_CRITERIA = 10
MAX_MILESTONES = 12
MAX_PARTNERS = 5
MAX_ACHIEVEMENTS = 10
# An indicator's target states a number (≥ 90%, ≤ 0.5 mm, 3 个月).
MEASURABLE = rf"^[^{f.CTRL}]*[0-9][^{f.CTRL}]*$"
BIDDER_KINDS = tuple(k for k in domain.ORG_KINDS if k in domain.SUPPLY_KINDS)


def _positive(field: ma.fields.Field) -> ma.fields.Field:
    """An amount above 0 (a budget, a price): at least a cent, as amounts are kept to the cent."""
    field.validators.append(validate.Range(min=f.CENT, error=_l("Must be more than 0.")))
    return field


def Rows(schema: type[ma.Schema], maximum: int, required: bool = True, **metadata) -> ma.fields.List:
    """1 to ``maximum`` objects of ``schema``."""
    return ma.fields.List(
        ma.fields.Nested(schema),
        required=required,
        validate=validate.Length(min=1, max=maximum, error=_l("Give 1 to {max} of them.")),
        error_messages=f._errors(invalid=_l("Must be an array.")),
        metadata=metadata,
    )


def Ids(maximum: int, **metadata) -> ma.fields.List:
    return ma.fields.List(
        f.Id(),
        validate=[validate.Length(max=maximum, error=_l("Give at most {max}.")), f.Unique()],
        error_messages=f._errors(invalid=_l("Must be an array.")),
        metadata={"uniqueItems": True, **metadata},
    )


class _Points(f._Money):
    """Points on one criterion: a number, kept to one decimal."""

    def _validated(self, value):
        amount = super()._validated(value)
        return amount.quantize(f.CENT * 10) if abs(amount) <= 100 else amount


def _future(value: date, message) -> None:
    if value <= clock.today():
        raise ma.ValidationError(str(message))


class IndicatorInput(Input):
    name = f.Text(100, required=True, label=_l("Indicator"))
    target = f.Text(
        50,
        required=True,
        pattern=MEASURABLE,
        message=_l("The target must be measurable: state a number."),
        label=_l("Target value"),
        example="≥ 90",
    )
    unit = f.Text(20, label=_l("Unit"))


class CriterionInput(Input):
    name = f.Text(50, required=True, label=_l("Criterion"))
    weight = f.Integer(1, 100, required=True, label=_l("Weight"))


class ShareInput(Input):
    organization_id = f.Id()
    share_wan = f.Money(required=True, label=_l("Share (ten-thousand yuan)"))


class ChallengeInput(Input):
    """What a sponsor (or the centre) writes."""

    title = f.Text(200, required=True, label=_l("Title"))
    field = f.Choice(domain.FIELDS, required=True, label=_l("Field"))
    keywords = f.Keywords(label=_l("Keywords"))
    problem = f.Text(LONG, required=True, label=_l("Main problem"))
    key_points = f.Text(LONG, required=True, label=_l("Technical key points"))
    goals = f.Text(LONG, required=True, label=_l("Expected goals"))
    indicators = Rows(
        IndicatorInput, MAX_INDICATORS, description="Measurable technical indicators: each target states a number."
    )
    criteria = Rows(
        CriterionInput,
        MAX_CRITERIA,
        description="Evaluation criteria; their weights add up to 100 (a criterion is scored 0 … its weight).",
    )
    budget_wan = _positive(f.Money(required=True, label=_l("Budget (ten-thousand yuan)")))
    centre_share_wan = f.Money(
        label=_l("The centre's share, public money (ten-thousand yuan)"),
        description="Public money in the budget; not above budget_wan. Null or absent: 0.",
    )
    shares = Rows(
        ShareInput,
        20,
        required=False,
        description="Each sponsoring firm's share (an administrator's, for a challenge of several firms). A firm's "
        "own challenge: its share is the budget less the centre's, and this is ignored.",
    )
    proposal_deadline = f.Day(
        required=True,
        label=_l("Proposal deadline"),
        description="YYYY-MM-DD, not in the past (after today to be submitted for review); proposals are accepted "
        "until the end of that day, Beijing time.",
    )
    delivery_months = f.Integer(1, 60, required=True, label=_l("Delivery period (months)"))
    eligible_regions = f.Choices(domain.REGIONS, required=True, label=_l("Teams from"))
    eligible_kinds = f.Choices(BIDDER_KINDS, required=True, label=_l("Organizations that may bid"))
    min_trl = f.Integer(min(domain.TRL), max(domain.TRL), required=True, label=_l("Minimum maturity now (TRL)"))
    ip_terms = f.Text(LONG, required=True, label=_l("IP terms"))

    @ma.validates("proposal_deadline")
    def not_past(self, value, **_kwargs):
        if value < clock.today():
            raise ma.ValidationError(str(_l("The deadline must not be in the past.")))

    @ma.validates_schema(skip_on_field_errors=True)
    def sums(self, data, **_kwargs):
        if "criteria" in data and sum(c["weight"] for c in data["criteria"]) != 100:
            raise ma.ValidationError(str(_l("The weights of the criteria must add up to 100.")), "criteria")
        centre = data.get("centre_share_wan")
        if centre is not None and "budget_wan" in data and centre > data["budget_wan"]:
            raise ma.ValidationError(str(_l("The centre's share cannot exceed the budget.")), "centre_share_wan")


class MilestonePlanInput(Input):
    title = f.Text(200, required=True, label=_l("Milestone"))
    due = f.Day(required=True, label=_l("Due date"), description="YYYY-MM-DD, after today.")
    payment_wan = f.Money(required=True, label=_l("Payment (ten-thousand yuan)"))

    @ma.validates("due")
    def ahead(self, value, **_kwargs):
        _future(value, _l("A milestone's due date must be in the future."))


class ProposalInput(Input):
    """A team's bid: its plan for each indicator (in the challenge's order), milestones, price, partners."""

    lead_person = f.Text(50, required=True, label=_l("Lead person"))
    team = f.Text(LONG, required=True, label=_l("Team"))
    approach = f.Text(LONG * 2, required=True, label=_l("Technical approach"))
    indicator_plans = ma.fields.List(
        f.Text(2000, required=True),
        required=True,
        validate=validate.Length(min=1, max=MAX_INDICATORS, error=_l("Give 1 to {max} of them.")),
        error_messages=f._errors(invalid=_l("Must be an array.")),
        metadata={
            "description": "How each of the challenge's indicators will be reached, one per indicator, in order."
        },
    )
    milestones = Rows(
        MilestonePlanInput,
        MAX_MILESTONES,
        description="In the order of their dates; their payments add up to price_wan.",
    )
    price_wan = _positive(
        f.Money(
            required=True,
            label=_l("Price (ten-thousand yuan)"),
            description="Not above the challenge's budget_wan.",
        )
    )
    trl = f.Integer(
        min(domain.TRL),
        max(domain.TRL),
        required=True,
        label=_l("Maturity of the technology now (TRL)"),
        description="At least the challenge's min_trl.",
    )
    partner_org_ids = Ids(MAX_PARTNERS, label=_l("Partners in a consortium (optional)"))
    achievement_ids = Ids(MAX_ACHIEVEMENTS, label=_l("Related achievements in the pool"))

    @ma.validates_schema(skip_on_field_errors=True)
    def plan(self, data, **_kwargs):
        rows = data.get("milestones") or []
        if [m["due"] for m in rows] != sorted(m["due"] for m in rows):
            raise ma.ValidationError(str(_l("List the milestones in the order of their dates.")), "milestones")
        if "price_wan" in data and rows and sum(m["payment_wan"] for m in rows) != data["price_wan"]:
            raise ma.ValidationError(str(_l("The milestones' payments must add up to the price.")), "milestones")


class ScoreInput(Input):
    points = ma.fields.List(
        _Points(validate=f.Between(min=0, max=100), error_messages=f._errors(invalid=_l("Must be a number."))),
        required=True,
        validate=validate.Length(min=1, max=MAX_CRITERIA, error=_l("Give 1 to {max} of them.")),
        error_messages=f._errors(invalid=_l("Must be an array.")),
        metadata={"description": "One number per criterion of the challenge, in order, each from 0 to its weight."},
    )
    comment = f.Text(2000, label=_l("Comment"))


class ReasonInput(Input):
    """Closing a challenge without an award, or sending it back to its sponsors: the reason they are told."""

    reason = f.Text(2000, required=True, label=_l("Reason"))


CloseInput = ReasonInput


class ExpertInput(Input):
    email = f.Email(label=_l("Expert's e-mail"))


class AwardInput(Input):
    proposal_id = f.Id()
    signed_on = f.PastDay(
        _l("Contract signing date"), _l("The signing date cannot be in the future."), _l("Enter the real signing date.")
    )
    registration_no = f.RegistrationNo()
    amount_wan = _positive(
        f.Money(label=_l("Amount (ten-thousand yuan)"), description="The contract's amount; absent or null: the price.")
    )


class DeliverInput(Input):
    note = f.Text(2000, required=True, label=_l("What was delivered"))


class MilestoneAcceptInput(Input):
    accepted_on = f.PastDay(_l("Acceptance date"), _l("The acceptance date cannot be in the future."))
    note = f.Text(2000, required=True, label=_l("Acceptance note"))
