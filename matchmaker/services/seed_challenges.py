"""Load the demo's challenges through the challenge services, then move their dates into the past.

Every step a user would take goes through its service (the admin turns the common need into a
challenge, each firm confirms its share, the admin publishes, teams bid, sponsors and experts
score, the admin awards, the team delivers, a sponsor accepts), so the demo passes the rules the
pages enforce. The services refuse dates in the past (a deadline, a milestone due, an acceptance
ahead of today), so a challenge that happened weeks ago is played with dates shifted into the
future and given its real, relative dates afterwards, as the seed does with postings' statuses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from matchmaker.demo import challenges as demo_challenges
from matchmaker.extensions import db
from matchmaker.models import Achievement, Challenge, Deal, Milestone, Need, Organization, Proposal, User
from matchmaker.services import challenge_delivery, challenge_evaluation, challenges, proposals
from matchmaker.services import challenge_rules as rules


def load(today: date) -> dict[str, int]:
    users = {u.email: u for u in db.session.scalars(select(User))}
    admin = next(u for u in users.values() if u.role == "admin")
    orgs = {o.name: o for o in db.session.scalars(select(Organization))}
    keys = {row["key"]: orgs[row["name"]] for row in _org_rows()}
    first_member = {}
    for user in users.values():
        if user.organization_id is not None:
            first_member.setdefault(user.organization_id, user)
    now = rules.today()  # the services check dates against the real day: play against it, then date as loaded
    bids, final_bids = demo_challenges.proposals(now), demo_challenges.proposals(today)
    final_rows = {row["key"]: row for row in demo_challenges.challenges(today)}
    counts = {"challenges": 0, "proposals": 0}
    for row in demo_challenges.challenges(now):
        mine = [b for b in bids if b["challenge"] == row["key"]]
        final_mine = [b for b in final_bids if b["challenge"] == row["key"]]
        shift = _shift(row, mine, now)
        needs = {n.external_id: n for n in db.session.scalars(select(Need).where(Need.external_id.in_(row["needs"])))}
        data = dict(
            title=row["title"],
            field=row["field"],
            problem=row["problem"],
            key_points=row["key_points"],
            goals=row["goals"],
            keywords=row["keywords"],
            indicators=row["indicators"],
            criteria=row["criteria"],
            budget_wan=row["budget_wan"],
            centre_share_wan=row["centre_share_wan"],
            shares=[{"organization_id": keys[k].id, "share_wan": v} for k, v in row["shares"].items()],
            proposal_deadline=row["deadline"] + shift,
            delivery_months=row["delivery_months"],
            eligible_regions=row["regions"],
            eligible_kinds=row["kinds"],
            min_trl=row["min_trl"],
            ip_terms=row["ip_terms"],
        )
        challenge = challenges.create_from_needs(admin, [needs[i].id for i in row["needs"]], data)
        for sponsor in challenge.sponsors:
            challenges.confirm_share(first_member[sponsor.organization_id], challenge.id)
        challenges.submit(first_member[challenge.lead_org_id], challenge.id)
        challenges.publish(admin, challenge.id)
        for email in row["experts"]:
            challenge_evaluation.appoint_expert(admin, challenge.id, email)
        placed = []
        for bid in mine:
            achievements = list(
                db.session.scalars(select(Achievement.id).where(Achievement.external_id.in_(bid["achievements"])))
            )
            proposal = proposals.submit(
                users[bid["author"]],
                challenge.id,
                dict(
                    lead_person=bid["lead_person"],
                    team=bid["team"],
                    approach=bid["approach"],
                    indicator_plans=bid["indicator_plans"],
                    milestones=[{**m, "due": m["due"] + shift} for m in bid["milestones"]],
                    price_wan=bid["price_wan"],
                    trl=bid["trl"],
                    achievement_ids=achievements,
                ),
            )
            placed.append((bid, proposal))
        if row["demo_stage"] == "awarded":
            _award(row, placed, admin, users, now)
        _backdate(challenge, final_rows[row["key"]], [(b, p) for b, (_played, p) in zip(final_mine, placed)])
        counts["challenges"] += 1
        counts["proposals"] += len(placed)
    return counts


def _org_rows():
    from matchmaker import demo

    return demo.organizations()


def _shift(row: dict, bids: list[dict], today: date) -> timedelta:
    """How far into the future to play a challenge so that no date the services check lies in the past."""
    earliest = min([row["deadline"], *(m["due"] for b in bids for m in b["milestones"])])
    return timedelta(days=max(0, (today - earliest).days + 2))


def _award(row: dict, placed: list, admin: User, users: dict, today: date) -> None:
    challenge = placed[0][1].challenge
    challenge.proposal_deadline = today - timedelta(days=1)  # the call closed: the evaluation may start
    db.session.commit()
    challenges.start_evaluation(admin, challenge.id)
    for bid, proposal in placed:
        for email, points in bid["scores"]:
            challenge_evaluation.score(users[email], proposal.id, points, "")
    winner = next(p for b, p in placed if b["demo_stage"] == "awarded")
    challenge_evaluation.award(admin, challenge.id, winner.id, today, "2026130400087")
    sponsor = users[next(email for email, _p in placed[0][0]["scores"])]
    milestones = sorted(challenge.milestones, key=lambda m: m.seq)
    for milestone, (stage, _when, note) in zip(milestones, row["milestone_stages"]):
        report = note if stage == "delivered" else "提交工业试验报告、炉次数据和夹杂物评级结果。"
        challenge_delivery.deliver(_lead_member(winner, users), milestone.id, report)
        if stage == "accepted":
            challenge_delivery.accept(sponsor, milestone.id, today, note)


def _lead_member(proposal: Proposal, users: dict) -> User:
    return next(u for u in users.values() if u.organization_id == proposal.lead_org_id)


def _backdate(challenge: Challenge, row: dict, placed: list) -> None:
    """Give the challenge, its proposals, milestones and deal their dates relative to the load day."""
    challenge.proposal_deadline = row["deadline"]
    challenge.created_at = challenge.submitted_at = row["created"]
    challenge.opened_at = challenge.updated_at = row["opened"]
    if row["decided"] is not None:
        challenge.decided_at = challenge.updated_at = row["decided"]
    dues = {}
    for bid, proposal in placed:
        proposal.milestones = [
            {**m, "due": d["due"].isoformat()} for m, d in zip(proposal.milestones, bid["milestones"])
        ]
        proposal.created_at = proposal.updated_at = row["opened"] + timedelta(days=7)
        if proposal.status == "awarded":
            dues = {seq: m["due"] for seq, m in enumerate(bid["milestones"], 1)}
    for milestone in db.session.scalars(select(Milestone).where(Milestone.challenge_id == challenge.id)):
        milestone.due_on = dues[milestone.seq]
        for stage, when, _note in row["milestone_stages"][milestone.seq - 1 : milestone.seq]:
            delivered = when - timedelta(days=3) if stage == "accepted" else when  # reported, then accepted
            milestone.delivered_at = datetime.combine(delivered, time(2, 30))  # 10:30 in Beijing
            if stage == "accepted":
                milestone.accepted_on = when
    deal = db.session.scalar(select(Deal).where(Deal.challenge_id == challenge.id))
    if deal is not None:
        deal.signed_on = row["decided"].date()
    db.session.commit()
