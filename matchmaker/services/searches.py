"""Saved searches: a user keeps a set of filters and is told when a new posting matches them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Posting, SavedSearch, User
from matchmaker.services import browse
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.services.links import posting_path
from matchmaker.services.notify import notify

LIMIT_PER_USER = 20


def save(user: User, kind: str, name: str, filters: browse.Filters) -> SavedSearch:
    count = db.session.scalar(select(func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id))
    if count >= LIMIT_PER_USER:
        raise DomainError(_("You can keep at most 20 saved searches."))
    name = name.strip() or filters.q or _("My search")
    search = SavedSearch(user_id=user.id, kind=kind, name=name[:100], params=browse.filters_to_params(filters))
    db.session.add(search)
    db.session.commit()
    return search


def delete(user: User, search_id: int) -> None:
    search = db.session.get(SavedSearch, search_id)
    if search is None or search.user_id != user.id:
        raise NotFound(_("Saved search not found."))
    db.session.delete(search)
    db.session.commit()


def for_user(user: User) -> list[SavedSearch]:
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.id)))


def announce(posting: Posting) -> int:
    """Notify owners of saved searches that a just-published posting matches (same rules as browsing)."""
    model = type(posting)
    sent = 0
    searches = db.session.scalars(select(SavedSearch).where(SavedSearch.kind == posting.kind))
    for search in searches:
        if search.user_id and db.session.get(User, search.user_id).organization_id == posting.organization_id:
            continue  # nobody needs an alert about their own posting
        stmt = browse.published_query(posting.kind, browse.params_to_filters(search.params)).where(
            model.id == posting.id
        )
        if db.session.scalar(stmt) is None:
            continue
        link = posting_path(posting)
        sent += notify(
            [db.session.get(User, search.user_id)],
            "saved_search",
            {"name": search.name, "title": posting.title},
            link,
            dedupe_key=f"{search.id}:{posting.id}",
        )
    return sent
