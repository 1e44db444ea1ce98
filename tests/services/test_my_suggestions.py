"""My suggestions: ranked once without explanations, explained only for what is shown; same rows as
asking for every posting's suggestions (what the page did before)."""

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, User
from matchmaker.services import interests, matching, suggestions


def reference(user: User, limit: int = 30) -> list[tuple[int, int, float]]:
    """The former algorithm: every posting's explained suggestions, filtered, best first."""
    postings = []
    for model in (Need, Achievement):
        postings += db.session.scalars(
            select(model)
            .where(model.organization_id == user.organization_id, model.status == "published")
            .order_by(model.published_at.desc())
            .limit(suggestions.MINE_POSTINGS)
        )
    verdicts, pairs, best = suggestions._verdicts(user), interests.open_pairs_for(user.organization_id), []
    for posting in postings:
        for view in matching.suggestions_for(posting, k=5, exclude=suggestions.dismissed_ids(user, posting)):
            pair = suggestions.pair_of(posting, view.posting)
            if pair not in verdicts and pair not in pairs:
                best.append((posting.id, view.posting.id, view.score))
    best.sort(key=lambda row: row[2], reverse=True)
    return best[:limit]


def test_same_rows_as_asking_every_posting(world, make, ctx):
    titles = [
        "高镍正极材料包覆",
        "锂电池隔膜涂覆",
        "正极前驱体共沉淀",
        "电池回收湿法冶金",
        "硅碳负极材料",
        "固态电解质",
    ]
    achievements = [
        make.achievement(world["bj_org" if n % 2 else "tj_org"], title=t, keywords=[t[:2], "电池"])
        for n, t in enumerate(titles)
    ]
    needs = [make.need(world["hb_org"], title=f"{t}需求") for t in titles[:4]]
    firm, inst = db.session.get(User, world["hb"]), db.session.get(User, world["bj"])
    suggestions.give_feedback(firm, needs[0], achievements[0], False, "field_mismatch")  # dismissed: leaves the list
    suggestions.give_feedback(firm, needs[1], achievements[2], True)  # judged: leaves "new" suggestions
    interests.express(firm, needs[2], achievements[1], "")
    for user in (firm, inst):
        rows = suggestions.mine(user, limit=7)
        assert [(r.source.id, r.suggestion.posting.id, r.suggestion.score) for r in rows] == reference(user, limit=7)
        assert rows and all(r.suggestion.shared_terms for r in rows)  # the shown ones are explained
    assert (needs[0], achievements[0]) not in [r.pair for r in suggestions.mine(firm)]
