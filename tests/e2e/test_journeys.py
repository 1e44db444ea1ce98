"""Journeys 1–4: from an institution's registration to a recorded deal the dashboard counts.

Each test walks its part of the story in a real browser (see story.py); a test run alone first
walks the parts before it.
"""

import pytest

pytest.importorskip("playwright.sync_api")


def test_1_institution_registers_and_submits_an_achievement(story):
    achievement = story.submit_achievement()
    assert achievement.status == "pending"


def test_2_admin_publishes_it_from_the_review_queue(story):
    assert story.publish_achievement().status == "published"


def test_3_firm_posts_a_need_sees_the_suggestion_and_expresses_interest(story):
    assert story.express_interest().status == "proposed"


def test_4_institution_accepts_they_talk_sign_and_the_dashboard_counts_it(story):
    assert story.accept_and_sign().status == "deal_signed"
