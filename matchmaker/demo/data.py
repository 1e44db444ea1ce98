"""The project's own demo data for ``flask seed demo``.

Everything here was written for this project and is fictional: the universities, institutes,
firms, people, phone numbers, e-mail addresses, credit codes, patent numbers and every figure
in the postings. Names are made up to be plausible; none is meant to be a real institution or
company. Pure Python, deterministic, no Flask.

- ``ORGANIZATIONS``: Beijing/Tianjin universities and institutes, Hebei firms, one service agency.
- ``USERS``: one account per organization, including the four demo accounts
  (admin@, bj-inst@, tj-inst@, hb-firm@ example.com).
- ``ACHIEVEMENTS``: 60 科技成果 from Beijing and Tianjin.
- ``NEEDS``: 40 技术需求 from Hebei firms; most published needs have a fitting achievement.
"""

from __future__ import annotations

from matchmaker.demo import (
    achievements_1,
    achievements_2,
    achievements_3,
    achievements_4,
    achievements_5,
    needs_1,
    needs_2,
    needs_3,
    needs_4,
)
from matchmaker.demo.orgs import ORGANIZATIONS, USERS

ACHIEVEMENTS = [
    *achievements_1.ACHIEVEMENTS,
    *achievements_2.ACHIEVEMENTS,
    *achievements_3.ACHIEVEMENTS,
    *achievements_4.ACHIEVEMENTS,
    *achievements_5.ACHIEVEMENTS,
]

NEEDS = [
    *needs_1.NEEDS,
    *needs_2.NEEDS,
    *needs_3.NEEDS,
    *needs_4.NEEDS,
]

__all__ = ["ORGANIZATIONS", "USERS", "ACHIEVEMENTS", "NEEDS"]
