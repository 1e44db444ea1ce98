"""Who hears of a new challenge: the institutions whose published achievements the matcher finds fit it.

The challenge is put to the matcher as the need it is (its title, three-part problem, field,
maturity and budget, from its lead sponsor's region), through the one door every page uses
(``matching.suggestions_for``). Each institution with an achievement of at least medium strength is
told once (a dedupe key per challenge and organization, a constraint), with the achievement and the
reasons the matcher gave; its page lists the same fits to the institution's members.
"""

from __future__ import annotations

from matchmaker import domain
from matchmaker.models import Challenge, Need, User
from matchmaker.services import matching
from matchmaker.services.links import path_for
from matchmaker.services.notify import notify, org_members

DEPTH = 30  # suggestions asked for; the best per institution are kept


def as_need(challenge: Challenge) -> Need:
    """A transient need (never added to the session) carrying the challenge's text for the matcher."""
    need = Need(
        title=challenge.title,
        field=challenge.field,
        keywords=list(challenge.keywords or []),
        problem=challenge.problem,
        key_points=challenge.key_points,
        goals=challenge.goals,
        min_trl=challenge.min_trl,
        budget_min=None,
        budget_max=challenge.budget_wan,
        deadline=challenge.proposal_deadline,
    )
    need.modes = ["development"]
    need.organization = challenge.lead_org
    return need


def fits(challenge: Challenge, k: int = DEPTH) -> list[matching.SuggestionView]:
    """The published achievements that fit the challenge well (medium or strong), of eligible bidders."""
    if challenge.lead_org is None:
        return []
    try:
        found = matching.suggestions_for(as_need(challenge), k=k)
    except ValueError:  # an empty vocabulary: nothing in the pool to compare with
        return []
    eligible = set(challenge.eligible_kinds), set(challenge.eligible_regions)
    return [
        s
        for s in found
        if s.strength != "weak"
        and s.posting.organization.kind in eligible[0]
        and s.posting.organization.region in eligible[1]
        and s.posting.organization_id not in challenge.sponsor_org_ids
    ]


def fits_for(user: User | None, challenge: Challenge) -> list[matching.SuggestionView]:
    """The fits among ``user``'s organization's achievements (what its members see on the page)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.organization_id is None:
        return []
    return [s for s in fits(challenge) if s.posting.organization_id == user.organization_id]


def notify_institutions(challenge: Challenge) -> int:
    """Tell each fitting institution once (the caller commits); how many were told now."""
    best: dict[int, matching.SuggestionView] = {}
    for suggestion in fits(challenge):
        best.setdefault(suggestion.posting.organization_id, suggestion)
    told = 0
    for org_id, suggestion in best.items():
        reasons = suggestion.reasons[:3]
        params = {
            "title": challenge.title,
            "other": suggestion.posting.title,
            "reasons_zh": "、".join(domain.label(domain.MATCH_REASONS, r, "zh") for r in reasons) or "文本相近",
            "reasons_en": ", ".join(domain.label(domain.MATCH_REASONS, r, "en") for r in reasons) or "similar text",
        }
        link = path_for("challenges.detail", challenge_id=challenge.id)
        if notify(org_members(org_id), "challenge_opened", params, link, dedupe_key=f"challenge:{challenge.id}"):
            told += 1
    return told
