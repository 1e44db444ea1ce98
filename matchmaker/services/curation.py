"""Admin curation: quality checklist, near-duplicates and merging, curated pairs.

Every action writes an audit row in its own transaction; the caller's view only parses input.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from matchmaker import clock, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, CuratedPair, DuplicateVerdict, Interest, Need, Posting, User
from matchmaker.models.base import utcnow
from matchmaker.models.interest import OPEN_STATUSES
from matchmaker.services import audit, matching, transitions
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import posting_path
from matchmaker.services.notify import notify, org_members

KEEPABLE = ("pending", "published", "needs_revision")
PAIRS_PER_NEED = 3  # the admin's best pairs: at most this many per need (need_coverage.best_score is over these)
DUPLICATE_SIMILARITY = (
    0.40  # relative similarity (identical = 1.0) from which postings are flagged: bench/duplicates.py
)


def _require_admin(user: User) -> None:
    if not permissions.is_admin(user):
        raise Forbidden(_("Only administrators can do this."))


@dataclass
class Check:
    label: str
    ok: bool


def checklist(posting: Posting) -> list[Check]:
    """What a reviewer checks before publishing, computed from the posting."""
    checks = [
        Check(_("Title, field and 1–5 keywords given"), bool(posting.title and posting.field and posting.keywords)),
        Check(
            _("Contact person, phone and e-mail present"),
            bool(posting.contact_name and posting.contact_phone and posting.contact_email),
        ),
        Check(_("Organization verified"), posting.organization.verified),
    ]
    if isinstance(posting, Achievement):
        checks += [
            Check(_("Maturity (TRL) stated"), bool(posting.trl)),
            Check(_("Technical advantages described"), len(posting.advantages or "") >= 10),
            Check(_("Description of at least 50 characters"), len(posting.description or "") >= 50),
        ]
    else:
        checks += [
            Check(
                _("Three-part problem statement complete"),
                all(len(t or "") >= 5 for t in (posting.problem, posting.key_points, posting.goals)),
            ),
            Check(_("Lowest acceptable maturity stated"), bool(posting.min_trl)),
            Check(_("Deadline not passed"), posting.deadline is None or posting.deadline >= clock.today()),
        ]
    return checks


def _judged(kind: str, posting_id: int) -> set[int]:
    rows = db.session.scalars(
        select(DuplicateVerdict.other_id).where(
            DuplicateVerdict.kind == kind, DuplicateVerdict.posting_id == posting_id
        )
    )
    return set(rows)


def possible_duplicates(posting: Posting, k: int = 3) -> list[tuple[Posting, float]]:
    """Published postings of the same kind whose text is very close, minus pairs already judged."""
    judged = _judged(posting.kind, posting.id)
    return [
        (other, score)
        for other, score in matching.similar_postings(posting, k=k + len(judged))
        if score >= DUPLICATE_SIMILARITY and other.id != posting.id and other.id not in judged
    ][:k]


def duplicates_before_submit(
    user: User, kind: str, data: dict, posting: Posting | None = None
) -> list[tuple[Posting, float]]:
    """Published postings of the poster's own organization that what it is about to submit looks like
    (a paraphrased re-post of the same need is the common case): the form asks "is it the same one?"
    before it goes to review. Another organization's similar posting is no re-post (it may be a common
    need): the admins see such pairs in the review queue."""
    from matchmaker.services.postings import FIELDS, MODELS

    probe = MODELS[kind]()
    for name in FIELDS[kind]:
        setattr(probe, name, data.get(name, getattr(posting, name, None) if posting is not None else None))
    probe.id = posting.id if posting is not None else None
    probe.organization = posting.organization if posting is not None else user.organization
    try:
        return [
            (other, score)
            for other, score in possible_duplicates(probe, k=10)
            if other.organization_id == probe.organization.id
        ][:3]
    finally:
        if probe in db.session:
            db.session.expunge(probe)


def _verdict(admin: User, kind: str, a: int, b: int, verdict: str) -> None:
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for first, second in ((a, b), (b, a)):
        stmt = insert(DuplicateVerdict).values(
            kind=kind, posting_id=first, other_id=second, verdict=verdict, admin_id=admin.id
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["kind", "posting_id", "other_id"], set_={"verdict": verdict, "admin_id": admin.id}
            )
        )


def mark_not_duplicate(admin: User, posting: Posting, other: Posting) -> None:
    _require_admin(admin)
    if posting.kind != other.kind or posting.id == other.id:
        raise DomainError(_("Choose two different postings of the same kind."))
    _verdict(admin, posting.kind, posting.id, other.id, "not_duplicate")
    audit.record(admin, "not_duplicate", posting, {}, {"other_id": other.id})
    db.session.commit()


def merge(admin: User, keep: Posting, drop: Posting, reason: str = "") -> int:
    """Keep one posting, archive the other and move its interests over; returns interests moved.

    Only within one organization: an interest is consent between two organizations about their
    postings, so moving it onto another organization's posting would show that organization's
    contact to the other side (and hide the conversation from the side that held it). Postings of
    two organizations that say the same thing stay two postings (mark them "not a duplicate", or
    ask one organization to withdraw its copy).
    """
    _require_admin(admin)
    if keep.kind != drop.kind or keep.id == drop.id:
        raise DomainError(_("Choose two different postings of the same kind."))
    if keep.organization_id != drop.organization_id:
        raise Conflict(
            _(
                "These postings belong to two organizations: they cannot be merged, since their "
                "conversations and contacts belong to each organization. Ask one of them to withdraw "
                "its copy, or mark the pair as not a duplicate."
            )
        )
    if drop.status in ("archived", "transferred", "fulfilled"):
        raise Conflict(_("That posting is already closed."))
    if keep.status not in KEEPABLE:
        raise Conflict(_("The posting to keep must be under review or published."))
    before = {"status": drop.status}
    # Both rows held in id order: two opposite merges of one pair run one after the other (no deadlock),
    # and the second finds its "keep" archived by the first.
    transitions.lock(type(keep), keep.id, drop.id)
    changed = _("That posting was changed a moment ago: reload the page.")
    transitions.advance(keep, {"status": keep.status}, {}, changed, where=[type(keep).status.in_(KEEPABLE)])
    transitions.advance(
        drop,
        {"status": drop.status},
        {"status": "archived", "merged_into_id": keep.id, "updated_at": utcnow()},
        changed,
    )
    column = Interest.posting_column(keep.kind)
    other_column = Interest.posting_column("achievement" if keep.kind == "need" else "need")
    moved = 0
    for interest in db.session.scalars(select(Interest).where(column == drop.id)):
        clash = db.session.scalar(
            select(Interest.id).where(
                column == keep.id,
                other_column == getattr(interest, other_column.key),
                Interest.status.in_(OPEN_STATUSES),
            )
        )
        if clash is not None and interest.status in OPEN_STATUSES:
            interest.status = "withdrawn"  # the kept posting already has this conversation open
            continue
        setattr(interest, column.key, keep.id)
        moved += 1
    _verdict(admin, keep.kind, keep.id, drop.id, "merged")
    audit.record(
        admin, "merge", drop, before, {"status": "archived", "merged_into": keep.id, "interests_moved": moved}, reason
    )
    notify(
        org_members(drop.organization_id),
        "posting_merged",
        {"title": drop.title, "other": keep.title},
        posting_path(keep),
    )
    db.session.commit()
    return moved


def curate_pair(admin: User, need_id: int, achievement_id: int, decision: str, note: str = "") -> CuratedPair:
    """Recommend a pair to both sides (highlighted, notified) or dismiss it for everyone."""
    _require_admin(admin)
    if decision not in ("recommended", "dismissed"):
        raise DomainError(_("Unknown decision."))
    need, achievement = db.session.get(Need, need_id), db.session.get(Achievement, achievement_id)
    if need is None or achievement is None or not (need.is_public and achievement.is_public):
        raise NotFound(_("Only published postings can be paired."))
    pair = db.session.scalar(
        select(CuratedPair).where(CuratedPair.need_id == need_id, CuratedPair.achievement_id == achievement_id)
    )
    before = {"decision": pair.decision} if pair else {}
    if pair is None:
        pair = CuratedPair(need_id=need_id, achievement_id=achievement_id)
        db.session.add(pair)
    pair.decision, pair.admin_id, pair.note = decision, admin.id, note.strip()
    audit.record(admin, "curate_pair", need, before, {"decision": decision, "achievement_id": achievement_id}, note)
    if decision == "recommended":
        key = f"{need_id}:{achievement_id}"
        for mine, other in ((need, achievement), (achievement, need)):
            notify(
                org_members(mine.organization_id),
                "pair_recommended",
                {"title": mine.title, "other": other.title},
                posting_path(mine),
                dedupe_key=key,
            )
    db.session.commit()
    return pair


def recommended_pairs() -> list[CuratedPair]:
    return list(db.session.scalars(select(CuratedPair).order_by(CuratedPair.id.desc())))


def titles_of(pairs: list[CuratedPair]) -> dict[tuple[str, int], str]:
    """("need" | "achievement", id) → title, for a list of curated pairs (two queries)."""
    out: dict[tuple[str, int], str] = {}
    for kind, model, ids in (
        ("need", Need, {p.need_id for p in pairs}),
        ("achievement", Achievement, {p.achievement_id for p in pairs}),
    ):
        if ids:
            out.update(
                {(kind, i): t for i, t in db.session.execute(select(model.id, model.title).where(model.id.in_(ids)))}
            )
    return out


def close_interests_of(posting: Posting) -> None:
    """When a posting leaves the pool, its unanswered interests are withdrawn (not deleted)."""
    column = Interest.posting_column(posting.kind)
    db.session.execute(
        update(Interest).where(column == posting.id, Interest.status == "proposed").values(status="withdrawn")
    )


def pairs_for_admin(page: int = 1, per_page: int = 50) -> list[tuple[Need, matching.SuggestionView]]:
    """One page of the best suggested pairs across published needs (up to three per need), best first.

    Read from the figures' rows (``need_coverage``: each need's ranked suggestions and the best score
    of its first three), so no need is ranked here: the best ``page * per_page`` pairs are all among
    the pairs of the needs with the best ``page * per_page`` such scores.
    """
    from matchmaker.models import NeedCoverage
    from matchmaker.services import figures

    figures.follow()
    wanted = page * per_page
    rows = db.session.execute(
        select(NeedCoverage.need_id, NeedCoverage.top)
        .where(NeedCoverage.status == "published")
        .order_by(NeedCoverage.best_score.desc(), NeedCoverage.need_id)
        .limit(wanted)
    ).all()
    candidates = [
        (need_id, a, score, text) for need_id, top in rows for a, score, text, _supply in top[:PAIRS_PER_NEED]
    ]
    talking = _pairs_with_interests({n for n, *_rest in candidates})  # already in touch: nothing to curate
    pairs = sorted((p for p in candidates if (p[0], p[1]) not in talking), key=lambda p: (-p[2], p[0], p[1]))[
        (page - 1) * per_page : wanted
    ]
    needs = {
        n.id: n
        for n in db.session.scalars(select(Need).where(Need.id.in_({p[0] for p in pairs}), Need.status == "published"))
    }
    found = {
        a.id: a
        for a in db.session.scalars(
            select(Achievement).where(Achievement.id.in_({p[1] for p in pairs}), Achievement.status == "published")
        )
    }
    picks = matching.curated_for(list(needs))
    return [
        (needs[n], matching.SuggestionView(found[a], score, text, [], [], f"a{a}" in picks[n]["recommended"]))
        for n, a, score, text in pairs
        if n in needs and a in found
    ]


def _pairs_with_interests(need_ids: set[int]) -> set[tuple[int, int]]:
    """(need, achievement) pairs that have an open interest or a deal."""
    if not need_ids:
        return set()
    rows = db.session.execute(
        select(Interest.need_id, Interest.achievement_id).where(
            Interest.need_id.in_(need_ids), Interest.status.in_(OPEN_STATUSES + ("deal_signed",))
        )
    )
    return {(n, a) for n, a in rows}


def find_posting(kind: str, posting_id: int) -> Posting:
    model = Achievement if kind == "achievement" else Need
    posting = db.session.get(model, posting_id)
    if posting is None:
        raise NotFound(_("Posting not found."))
    return posting
