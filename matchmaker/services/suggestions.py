"""Suggestions as users see them: per posting, across my postings, feedback, strong-match alerts."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Posting, SuggestionFeedback, User
from matchmaker.services import matching
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.services.interests import open_pairs_for
from matchmaker.services.links import posting_path
from matchmaker.services.match_index import doc_id
from matchmaker.services.notify import notify, org_members

PER_POSTING = 8
MINE_POSTINGS = 20  # my suggestions come from my organization's newest published postings of each kind


def pair_of(posting: Posting, other: Posting) -> tuple[int, int]:
    """(need_id, achievement_id) for a posting and its counterpart, in either order."""
    return _pair(posting, other.id)


def _pair(posting: Posting, other_id: int) -> tuple[int, int]:
    return (posting.id, other_id) if posting.kind == "need" else (other_id, posting.id)


def dismissed_ids(user: User, posting: Posting) -> set[str]:
    """Matcher ids of counterparts this user marked "not relevant" for ``posting``."""
    if posting.kind == "need":
        rows = db.session.scalars(
            select(SuggestionFeedback.achievement_id).where(
                SuggestionFeedback.user_id == user.id,
                SuggestionFeedback.need_id == posting.id,
                SuggestionFeedback.relevant.is_(False),
            )
        )
        return {f"a{i}" for i in rows}
    rows = db.session.scalars(
        select(SuggestionFeedback.need_id).where(
            SuggestionFeedback.user_id == user.id,
            SuggestionFeedback.achievement_id == posting.id,
            SuggestionFeedback.relevant.is_(False),
        )
    )
    return {f"n{i}" for i in rows}


@dataclass
class Row:
    """A suggestion for display, with what this user already did about the pair."""

    suggestion: matching.SuggestionView
    source: Posting
    feedback: bool | None = None
    has_interest: bool = False

    @property
    def pair(self) -> tuple[int, int]:
        return pair_of(self.source, self.suggestion.posting)


def for_posting(user: User, posting: Posting, k: int = PER_POSTING) -> list[Row]:
    if not permissions.can_see_suggestions(user, posting):
        raise NotFound(_("Posting not found."))
    if not posting.is_public:
        return []
    views = matching.suggestions_for(posting, k=k, exclude=dismissed_ids(user, posting))
    pairs = open_pairs_for(posting.organization_id)
    verdicts = _verdicts(user)
    rows = [Row(v, posting) for v in views]
    for row in rows:
        row.feedback = verdicts.get(row.pair)
        row.has_interest = row.pair in pairs
    return rows


def _verdicts(user: User) -> dict[tuple[int, int], bool]:
    rows = db.session.execute(
        select(SuggestionFeedback.need_id, SuggestionFeedback.achievement_id, SuggestionFeedback.relevant).where(
            SuggestionFeedback.user_id == user.id
        )
    )
    return {(n, a): relevant for n, a, relevant in rows}


def mine(user: User, limit: int = 30) -> list[Row]:
    """The best new suggestions across my organization's published postings: no verdict, no interest yet.

    They come from the ``MINE_POSTINGS`` newest published postings of each kind (an organization with
    thousands of postings is not ranked whole on every visit). Every posting is ranked without
    explanations first; only the postings whose suggestions make the list are explained (what
    ``suggestions_for`` lists for them, so the rows are the same).
    """
    postings: list[Posting] = []
    for model in (Need, Achievement):
        postings += db.session.scalars(
            select(model)
            .where(model.organization_id == user.organization_id, model.status == "published")
            .order_by(model.published_at.desc())
            .limit(MINE_POSTINGS)
        )
    verdicts = _verdicts(user)
    pairs = open_pairs_for(user.organization_id)
    dismissed: dict[tuple[str, int], set[str]] = {}  # what dismissed_ids gives, from the verdicts already read
    for (need_id, achievement_id), relevant in verdicts.items():
        if not relevant:
            dismissed.setdefault(("need", need_id), set()).add(f"a{achievement_id}")
            dismissed.setdefault(("achievement", achievement_id), set()).add(f"n{need_id}")
    best = []
    for posting, ranked in zip(postings, matching.ranked_for(postings, k=5, exclude=dismissed)):
        for key, score, _text in ranked:
            pair = _pair(posting, int(key[1:]))
            if pair not in verdicts and pair not in pairs:
                best.append((score, posting, key))
    best.sort(key=lambda item: item[0], reverse=True)
    best = best[:limit]
    views: dict[int, dict[str, matching.SuggestionView]] = {}
    for posting in dict.fromkeys(p for _s, p, _k in best):
        views[id(posting)] = {
            doc_id(v.posting): v
            for v in matching.suggestions_for(posting, k=5, exclude=dismissed.get((posting.kind, posting.id), ()))
        }
    return [Row(views[id(p)][key], p) for _s, p, key in best if key in views[id(p)]]


def give_feedback(
    user: User, need_id: int, achievement_id: int, relevant: bool, reason: str = "", note: str = ""
) -> None:
    need, achievement = db.session.get(Need, need_id), db.session.get(Achievement, achievement_id)
    if need is None or achievement is None:
        raise NotFound(_("Posting not found."))
    if not (permissions.can_see_suggestions(user, need) or permissions.can_see_suggestions(user, achievement)):
        raise NotFound(_("Posting not found."))  # as for a posting that does not exist: drafts stay unseen
    if not relevant and reason not in domain.FEEDBACK_REASONS:
        raise DomainError(_("Choose why this suggestion is not relevant."))
    if len(note) > 500:
        raise DomainError(_("The note is too long."))
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = dict(
        user_id=user.id,
        need_id=need_id,
        achievement_id=achievement_id,
        relevant=relevant,
        reason="" if relevant else reason,
        note=note.strip(),
    )
    stmt = insert(SuggestionFeedback).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "need_id", "achievement_id"],
        set_={"relevant": stmt.excluded.relevant, "reason": stmt.excluded.reason, "note": stmt.excluded.note},
    )
    db.session.execute(stmt)
    db.session.commit()


def feedback_counts() -> dict[str, int]:
    """Relevant / not relevant totals and per reason, for the dashboard and the matcher's evaluation."""
    counts = {"relevant": 0, "irrelevant": 0}
    rows = db.session.execute(
        select(SuggestionFeedback.relevant, SuggestionFeedback.reason, func.count()).group_by(
            SuggestionFeedback.relevant, SuggestionFeedback.reason
        )
    )
    for relevant, reason, n in rows:
        counts["relevant" if relevant else "irrelevant"] += n
        if not relevant:
            counts[reason] = counts.get(reason, 0) + n
    return counts


def _strong_pairs(posting: Posting) -> list[Posting]:
    """Counterparts that form a strong pair with ``posting``, judged from the need's side.

    Scores are normalised by the query, so a need's short problem statement judges a pair more
    sharply than an achievement's long description: an achievement asks each candidate need.
    """
    views = matching.suggestions_for(posting, k=10)
    if posting.kind == "need":
        return [v.posting for v in views if v.strength == "strong"]
    strong = []
    for view in views:
        back = matching.suggestions_for(view.posting, k=20)
        if any(b.posting.id == posting.id and b.strength == "strong" for b in back):
            strong.append(view.posting)
    return strong


def announce_strong(posting: Posting) -> int:
    """Tell both sides about strong suggestions for a newly published posting, once per pair ever."""
    sent = 0
    for other in _strong_pairs(posting):
        need_id, achievement_id = pair_of(posting, other)
        key = f"{need_id}:{achievement_id}"
        for mine_, theirs in ((posting, other), (other, posting)):
            sent += notify(
                org_members(mine_.organization_id),
                "strong_suggestion",
                {"title": mine_.title, "other": theirs.title},
                posting_path(mine_),
                dedupe_key=key,
            )
    return sent
