"""Contact details are personal information (PIPL): who may see them, and a trace whenever an admin does.

Pages and the API both ask here, so an admin reading a contact leaves one ``contact_reveal`` audit
row whichever door they used. The rules themselves live in ``permissions`` (a posting's contact:
its organization, admins, the other side of an accepted interest that still has the owner's
consent) and on ``Interest`` (which side shares its contact through the conversation now).

Withdrawing consent on an interest (PIPL art. 15) stops the sharing with the other side: the
contact disappears from that conversation (for everyone, admins included) and from the posting's
page for that side. Admins keep seeing a posting's own contact on its page and in the API: the
organization gave it to the platform for the review of the posting, not through the interest.
"""

from __future__ import annotations

from matchmaker import permissions
from matchmaker.models import Interest, Posting, User
from matchmaker.services import audit


def card(posting: Posting) -> dict:
    return {"name": posting.contact_name, "phone": posting.contact_phone, "email": posting.contact_email}


def of_posting(viewer: User | None, posting: Posting) -> dict | None:
    """The posting's contact for ``viewer``, or None; an admin outside the organization is audited."""
    if not permissions.can_see_contact(viewer, posting):
        return None
    if permissions.is_admin(viewer) and not permissions.is_owner(viewer, posting):
        audit.contact_reveal(viewer, posting, "posting contact")
    return card(posting)


def of_interest(viewer: User, interest: Interest) -> dict[str, dict]:
    """The contacts shared through an accepted interest, per side ("need", "achievement"), for its two
    organizations and admins; a side that withdrew its consent is left out. Admins are audited."""
    if not interest.contacts_shared or not permissions.can_view_interest(viewer, interest):
        return {}
    shown = {
        side: card(posting)
        for side, posting in (("need", interest.need), ("achievement", interest.achievement))
        if interest.shows_contact(side)
    }
    if shown and viewer.organization_id not in interest.party_org_ids():
        audit.contact_reveal(viewer, interest, "interest contacts")
    return shown
