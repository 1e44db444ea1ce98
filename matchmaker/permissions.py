"""Who may see and do what: the one place that decides, for pages and (later) the API alike.

Ownership is by organization: every member of the posting organization's desk may edit it. A
person whose request to join is not approved yet has no organization (``organization_id`` None),
so none of the organization's rights reach them (``None`` equals no organization's id).
"""

from __future__ import annotations

from matchmaker.models import Posting, User

EDITABLE_STATUSES = frozenset({"draft", "pending", "needs_revision", "rejected", "published"})


def _is_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user) -> bool:
    return _is_user(user) and user.is_admin


def is_owner(user, posting: Posting) -> bool:
    return _is_user(user) and user.organization_id == posting.organization_id


def can_view(user, posting: Posting) -> bool:
    """Published postings are public, and so stay those closed by a deal (transferred, fulfilled);
    anything else only to its organization and admins."""
    return posting.is_public or posting.is_closed_public or is_owner(user, posting) or is_admin(user)


def can_edit(user, posting: Posting) -> bool:
    return (is_owner(user, posting) or is_admin(user)) and posting.status in EDITABLE_STATUSES


def can_see_contact(user, posting: Posting) -> bool:
    """Contact details are personal information (PIPL): the owner's desk, admins, and the other
    side of an interest on this posting that has been accepted."""
    if is_owner(user, posting) or is_admin(user):
        return True
    if not _is_user(user):
        return False
    from matchmaker.services.interests import shares_contacts

    return shares_contacts(user.organization_id, posting)


def can_view_interest(user, interest) -> bool:
    """A conversation is visible to its two organizations and to admins; to no one else."""
    return _is_user(user) and (user.organization_id in interest.party_org_ids() or user.is_admin)


def can_see_suggestions(user, posting: Posting) -> bool:
    """Suggestions for a posting are for its owner's desk and admins (others get nothing)."""
    return is_owner(user, posting) or is_admin(user)


def can_post(user: User | None, kind: str) -> bool:
    """Achievements come from the supply side, needs from firms; admins may enter either."""
    if not _is_user(user) or user.organization is None:  # a pending member belongs to no organization yet
        return False
    if user.is_admin:
        return True
    return user.organization.is_supply if kind == "achievement" else user.organization.is_demand


def can_review(user, posting: Posting) -> bool:
    """Admins review, but never their own organization's postings."""
    return is_admin(user) and not is_owner(user, posting)
