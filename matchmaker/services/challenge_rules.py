"""Who may see or act on a challenge, and the day deadlines are counted in: checks every door shares.

What a challenge or a proposal may say is declared once in ``matchmaker.schemas.challenges`` (the
services load their input through it); what is left here needs the database or the challenge.
"""

from __future__ import annotations

from flask_babel import gettext as _

from matchmaker import clock, permissions
from matchmaker.extensions import db
from matchmaker.models import Challenge, ChallengeExpert, User
from matchmaker.services.errors import Forbidden, NotFound

today = clock.today  # a proposal deadline is a Beijing calendar day, open until its end


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
