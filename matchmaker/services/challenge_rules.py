"""What a challenge must say, and who may see or act on one: checks every door (pages, API, demo) shares.

The data of a challenge is one dataclass, ``ChallengeData``, checked here field by field with a
message in the reader's language (a ``DomainError``: 422 in the API, a form error on the page), so
an API built later calls the same services with the same plain values and gets the same refusals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask_babel import gettext as _

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.forms import CONTROL_CHARS, MONEY_LIMIT
from matchmaker.models import Challenge, ChallengeExpert, User
from matchmaker.services.errors import DomainError, Forbidden, NotFound

BEIJING = timezone(timedelta(hours=8))
TEXT_LIMIT = 5000
MAX_INDICATORS = MAX_CRITERIA = 10
MAX_MILESTONES = 12
MEASURABLE = re.compile(r"\d")  # an indicator's target states a number (≥ 90%, ≤ 0.5 mm, 3 个月)


def today() -> date:
    """Today in Beijing: a proposal deadline is a Beijing calendar day, open until its end."""
    return datetime.now(BEIJING).date()


@dataclass
class ChallengeData:
    """What a sponsor (or the centre) writes; ``shares`` maps a sponsor organization's id to its 万元."""

    title: str
    field: str
    problem: str
    key_points: str
    goals: str
    indicators: list[dict]
    criteria: list[dict]
    budget_wan: Decimal
    proposal_deadline: date
    delivery_months: int
    eligible_regions: list[str]
    eligible_kinds: list[str]
    min_trl: int
    ip_terms: str = ""
    keywords: list[str] = field(default_factory=list)
    centre_share_wan: Decimal = Decimal("0")
    shares: dict[int, Decimal] = field(default_factory=dict)


def clean_text(value, name: str, limit: int, required: bool = True) -> str:
    """A stripped text of at most ``limit`` characters without control characters."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise DomainError(_("%(name)s is required.", name=name))
    if len(text) > limit:
        raise DomainError(_("%(name)s has at most %(num)d characters.", name=name, num=limit))
    if CONTROL_CHARS.search(text):
        raise DomainError(_("%(name)s contains control characters that are not allowed.", name=name))
    return text


def money(value, name: str, positive: bool = False) -> Decimal:
    """An amount in 万元: a finite number from 0 (or above 0) to 1,000,000, two decimals."""
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        raise DomainError(_("%(name)s: enter an amount in ten-thousand yuan.", name=name)) from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_LIMIT or (positive and amount == 0):
        raise DomainError(_("%(name)s: enter an amount between 0 and 1,000,000 (ten-thousand yuan).", name=name))
    return amount.quantize(Decimal("0.01"))


def whole(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(_("%(name)s: enter a whole number from %(low)d to %(high)d.", name=name, low=low, high=high))
    return value


def check(data: ChallengeData) -> ChallengeData:
    """``data`` with its texts stripped and amounts rounded, or the first rule it breaks."""
    data.title = clean_text(data.title, _("Title"), 200)
    if data.field not in domain.FIELDS:
        raise DomainError(_("Choose a field."))
    data.problem = clean_text(data.problem, _("Main problem"), TEXT_LIMIT)
    data.key_points = clean_text(data.key_points, _("Technical key points"), TEXT_LIMIT)
    data.goals = clean_text(data.goals, _("Expected goals"), TEXT_LIMIT)
    data.ip_terms = clean_text(data.ip_terms, _("IP terms"), TEXT_LIMIT)
    data.keywords = [clean_text(k, _("Keywords"), 20) for k in (data.keywords or [])][:5]
    data.indicators = _indicators(data.indicators)
    data.criteria = _criteria(data.criteria)
    data.budget_wan = money(data.budget_wan, _("Budget"), positive=True)
    data.centre_share_wan = money(data.centre_share_wan or 0, _("The centre's share"))
    if data.centre_share_wan > data.budget_wan:
        raise DomainError(_("The centre's share cannot exceed the budget."))
    data.shares = {int(k): money(v, _("A sponsor's share")) for k, v in (data.shares or {}).items()}
    if not isinstance(data.proposal_deadline, date):
        raise DomainError(_("Give the proposal deadline."))
    data.delivery_months = whole(data.delivery_months, _("Delivery period (months)"), 1, 60)
    if not data.eligible_regions or not set(data.eligible_regions) <= set(domain.REGIONS):
        raise DomainError(_("Choose the regions whose teams may bid."))
    if not data.eligible_kinds or not set(data.eligible_kinds) <= domain.SUPPLY_KINDS:
        raise DomainError(_("Choose which kinds of organization may bid (universities, institutes, agencies)."))
    data.eligible_regions = [r for r in domain.REGIONS if r in data.eligible_regions]
    data.eligible_kinds = [k for k in domain.ORG_KINDS if k in data.eligible_kinds]
    data.min_trl = whole(data.min_trl, _("Minimum maturity now (TRL)"), 1, 9)
    return data


def _indicators(rows) -> list[dict]:
    out = []
    for row in rows or []:
        name = clean_text(row.get("name"), _("Indicator"), 100, required=False)
        target = clean_text(row.get("target"), _("Target value"), 50, required=False)
        unit = clean_text(row.get("unit"), _("Unit"), 20, required=False)
        if not (name or target or unit):
            continue  # an empty row of the form
        if not name or not target:
            raise DomainError(_("Each indicator needs a name and a target value."))
        if not MEASURABLE.search(target):
            raise DomainError(_("The target of “%(name)s” must be measurable: state a number.", name=name))
        out.append({"name": name, "target": target, "unit": unit})
    if not out:
        raise DomainError(_("Give at least one technical indicator to reach."))
    if len(out) > MAX_INDICATORS:
        raise DomainError(_("Give at most %(num)d indicators.", num=MAX_INDICATORS))
    return out


def _criteria(rows) -> list[dict]:
    out = []
    for row in rows or []:
        name = clean_text(row.get("name"), _("Criterion"), 50, required=False)
        weight = row.get("weight")
        if not name and weight in (None, "", 0):
            continue
        if not name:
            raise DomainError(_("Each evaluation criterion needs a name."))
        out.append({"name": name, "weight": whole(weight, _("Weight of “%(name)s”", name=name), 1, 100)})
    if not out or len(out) > MAX_CRITERIA:
        raise DomainError(_("Give 1 to %(num)d evaluation criteria.", num=MAX_CRITERIA))
    if sum(c["weight"] for c in out) != 100:
        raise DomainError(_("The weights of the criteria must add up to 100."))
    return out


# -- who ------------------------------------------------------------------------------------------


def is_sponsor(user, challenge: Challenge) -> bool:
    """A member of one of the challenge's sponsoring firms."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.organization_id is not None
        and user.organization_id in challenge.sponsor_org_ids
    )


def is_expert(user, challenge: Challenge) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and db.session.query(ChallengeExpert.id).filter_by(challenge_id=challenge.id, user_id=user.id).first()
        is not None
    )


def can_manage(user, challenge: Challenge) -> bool:
    return is_sponsor(user, challenge) or permissions.is_admin(user)


def get_visible(user, challenge_id: int) -> Challenge:
    """A published challenge for anyone; a draft or one in review for its sponsors and admins only."""
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or not (challenge.is_public or can_manage(user, challenge)):
        raise NotFound(_("Challenge not found."))
    return challenge


def get_managed(user: User, challenge_id: int) -> Challenge:
    """The challenge if ``user`` may change it (sponsor or admin); others: 404 if they cannot see it, else 403."""
    challenge = get_visible(user, challenge_id)
    if not can_manage(user, challenge):
        raise Forbidden(_("Only the sponsoring firms and administrators can do this."))
    return challenge


def require_admin(user) -> None:
    if not permissions.is_admin(user):
        raise Forbidden(_("Only administrators can do this."))
