"""What the challenge operations answer, and the list's query: marshmallow schemas for flask-smorest."""

from __future__ import annotations

import re
from decimal import Decimal

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from matchmaker import domain
from matchmaker.api.schemas import Day, OrganizationOut, Out, Timestamp, query_integer
from matchmaker.schemas import fields as f
from matchmaker.schemas.challenges import BIDDER_KINDS

MONEY_QUERY = r"^[0-9]{1,7}(\.[0-9]{1,2})?$"


class QueryMoney(fields.String):
    """An amount in 万元 written in a query string (digits, at most two decimals)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(MONEY_QUERY, text):
            raise ma.ValidationError(str(_l("Must be a number.")))
        return Decimal(text)


ChallengeQuery = ma.Schema.from_dict(
    {
        "field": f.Choice(domain.FIELDS),
        "region": f.Choice(domain.REGIONS, description="Region of a sponsoring firm."),
        "budget_min": QueryMoney(
            metadata={
                "pattern": MONEY_QUERY,
                "maxLength": 10,
                "description": "Challenges with at least this budget (10,000 yuan).",
            },
        ),
        "deadline_before": f.Day(description="Challenges whose proposal deadline is on or before this day."),
        "status": f.Choice(domain.PUBLIC_CHALLENGE_STATUSES),
        "page": query_integer(1, 100_000, load_default=1),
        "per_page": query_integer(1, 100, load_default=20),
    },
    name="ChallengeQuery",
)


class IndicatorOut(Out):
    name = fields.String(required=True)
    target = fields.String(required=True)
    unit = fields.String(required=True)


class CriterionOut(Out):
    name = fields.String(required=True)
    weight = fields.Integer(required=True)


class SponsorOut(Out):
    organization = fields.Nested(OrganizationOut, required=True)
    share_wan = fields.Float(required=True)
    confirmed = fields.Boolean(required=True)


class MilestoneOut(Out):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    title = fields.String(required=True)
    due_on = Day(required=True)
    payment_wan = fields.Float(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.MILESTONE_STATUSES))
    accepted_on = Day(required=True, allow_none=True)


class ChallengeOut(Out):
    id = fields.Integer(required=True)
    url = fields.Url(required=True, metadata={"description": "The challenge's page on the site."})
    status = fields.String(required=True, validate=validate.OneOf(domain.CHALLENGE_STATUSES))
    title = fields.String(required=True)
    field = fields.String(required=True, validate=validate.OneOf(domain.FIELDS))
    keywords = fields.List(fields.String(), required=True)
    problem = fields.String(required=True)
    key_points = fields.String(required=True)
    goals = fields.String(required=True)
    indicators = fields.List(fields.Nested(IndicatorOut), required=True)
    criteria = fields.List(fields.Nested(CriterionOut), required=True)
    budget_wan = fields.Float(required=True)
    centre_share_wan = fields.Float(required=True)
    proposal_deadline = Day(required=True)
    delivery_months = fields.Integer(required=True)
    eligible_regions = fields.List(fields.String(validate=validate.OneOf(domain.REGIONS)), required=True)
    eligible_kinds = fields.List(fields.String(validate=validate.OneOf(BIDDER_KINDS)), required=True)
    min_trl = fields.Integer(required=True)
    ip_terms = fields.String(required=True)
    sponsors = fields.List(fields.Nested(SponsorOut), required=True)
    close_reason = fields.String(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)
    opened_at = Timestamp(required=True, allow_none=True)
    decided_at = Timestamp(required=True, allow_none=True)
    review_note = fields.String(metadata={"description": "The reviewer's note: for the sponsors and admins only."})
    awarded_proposal_id = fields.Integer(
        allow_none=True, metadata={"description": "Once awarded: for the sponsors, the winning team and admins."}
    )
    milestones = fields.List(
        fields.Nested(MilestoneOut),
        metadata={
            "description": "The agreement's milestones, once awarded: for the sponsors, the winning team and admins."
        },
    )


class ChallengePageOut(Out):
    items = fields.List(fields.Nested(ChallengeOut), required=True)
    total = fields.Integer(required=True, validate=validate.Range(min=0))
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))


class MilestonePlanOut(Out):
    title = fields.String(required=True)
    due = Day(required=True)
    payment_wan = fields.Float(required=True)


class ProposalOut(Out):
    """Confidential: the bidding organizations, the sponsors, the appointed experts and admins read it."""

    id = fields.Integer(required=True)
    url = fields.Url(required=True)
    challenge_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(domain.PROPOSAL_STATUSES))
    organization = fields.Nested(OrganizationOut, required=True, metadata={"description": "The lead organization."})
    partner_org_ids = fields.List(fields.Integer(), required=True)
    lead_person = fields.String(required=True)
    team = fields.String(required=True)
    approach = fields.String(required=True)
    indicator_plans = fields.List(fields.String(), required=True)
    milestones = fields.List(fields.Nested(MilestonePlanOut), required=True)
    price_wan = fields.Float(required=True)
    trl = fields.Integer(required=True)
    achievement_ids = fields.List(fields.Integer(), required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class ProposalsOut(Out):
    items = fields.List(fields.Nested(ProposalOut), required=True)
    total = fields.Integer(required=True, validate=validate.Range(min=0))


class ScoreOut(Out):
    proposal_id = fields.Integer(required=True)
    role = fields.String(required=True, validate=validate.OneOf(("sponsor", "expert", "admin")))
    points = fields.List(fields.Float(), required=True)
    total = fields.Float(required=True)
    comment = fields.String(required=True)
    created_at = Timestamp(required=True)
