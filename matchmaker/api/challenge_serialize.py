"""Challenges, proposals and scores as JSON: what each reader may see, decided by the challenge services.

A challenge's review note is its sponsors' and the admins'; its agreement (winner and milestones)
the parties'. A proposal is only ever serialized for someone ``proposals.can_read`` lets read it.
"""

from __future__ import annotations

from flask import url_for

from matchmaker.api.serialize import day, money, organization, timestamp
from matchmaker.models import Challenge, Proposal, ProposalScore
from matchmaker.services import challenge_delivery, challenge_rules

FIELDS = (
    "title",
    "field",
    "problem",
    "key_points",
    "goals",
    "delivery_months",
    "min_trl",
    "ip_terms",
)


def challenge(item: Challenge, viewer) -> dict:
    out = {
        "id": item.id,
        "url": url_for("challenges.detail", challenge_id=item.id, _external=True),
        "status": item.status,
        **{name: getattr(item, name) for name in FIELDS},
        "keywords": list(item.keywords or []),
        "indicators": [
            {"name": i["name"], "target": i["target"], "unit": i.get("unit", "")} for i in item.indicators or []
        ],
        "criteria": [{"name": c["name"], "weight": c["weight"]} for c in item.criteria or []],
        "budget_wan": money(item.budget_wan),
        "centre_share_wan": money(item.centre_share_wan) or 0.0,
        "proposal_deadline": day(item.proposal_deadline),
        "eligible_regions": item.eligible_regions,
        "eligible_kinds": item.eligible_kinds,
        "sponsors": [
            {
                "organization": organization(s.organization),
                "share_wan": money(s.share_wan),
                "confirmed": s.confirmed_at is not None,
            }
            for s in item.sponsors
        ],
        "close_reason": item.close_reason or "",
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
        "opened_at": timestamp(item.opened_at),
        "decided_at": timestamp(item.decided_at),
    }
    if challenge_rules.can_manage(viewer, item):
        out["review_note"] = item.review_note or ""
    if item.status == "awarded" and challenge_delivery.can_see_agreement(viewer, item):
        winner = item.awarded_proposal
        out["awarded_proposal_id"] = winner.id if winner else None
        out["milestones"] = [
            {
                "id": m.id,
                "seq": m.seq,
                "title": m.title,
                "due_on": day(m.due_on),
                "payment_wan": money(m.payment_wan),
                "status": m.status,
                "accepted_on": day(m.accepted_on),
            }
            for m in item.milestones
        ]
    return out


def proposal(item: Proposal) -> dict:
    return {
        "id": item.id,
        "url": url_for("challenges.proposal", proposal_id=item.id, _external=True),
        "challenge_id": item.challenge_id,
        "status": item.status,
        "organization": organization(item.lead_org),
        "partner_org_ids": list(item.partner_org_ids or []),
        "lead_person": item.lead_person,
        "team": item.team,
        "approach": item.approach,
        "indicator_plans": list(item.indicator_plans or []),
        "milestones": [
            {"title": m["title"], "due": m["due"], "payment_wan": float(m["payment_wan"])} for m in item.milestones
        ],
        "price_wan": money(item.price_wan),
        "trl": item.trl,
        "achievement_ids": list(item.achievement_ids or []),
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
    }


def score(row: ProposalScore) -> dict:
    return {
        "proposal_id": row.proposal_id,
        "role": row.role,
        "points": [float(p) for p in row.points],
        "total": money(row.total),
        "comment": row.comment or "",
        "created_at": timestamp(row.created_at),
    }
