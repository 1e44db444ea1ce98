"""The API's entries for the route inventory (tests/web/test_route_inventory.py), in its format.

(endpoint, method, url, owner, expected per role): A anonymous, I another institution, F another
firm, O the owner, M an admin (P a pending member of the owner's organization, J an approved one:
see tests/web/test_route_inventory.py); "ok" = allowed (2xx, or 400/409/413/415/422 when the empty body of
the inventory is refused on its merits), "login" = 401. The inventory sends ``{}`` to every write
and runs the entries in this order in one world per role, so the entries that change state come
last, each after every entry it would disturb.
"""

OK, LOGIN = "ok", "login"
ALL_OK = dict(A=OK, I=OK, F=OK, O=OK, M=OK)
MEMBERS = dict(A=LOGIN, I=OK, F=OK, O=OK, M=OK)
ADMIN = dict(A=LOGIN, I=403, F=403, O=403, M=OK)
PRIVATE = dict(A=404, I=404, F=404, O=OK, M=OK)  # unpublished: anonymous reads are 404, not 401
OWN_PRIVATE = dict(A=LOGIN, I=404, F=404, O=OK, M=OK)
EDIT_PUBLISHED = dict(A=LOGIN, I=403, F=403, O=OK, M=OK)
PARTY_ACTION = dict(A=LOGIN, I=404, F=404, O=OK, M=403)

V1 = "/api/v1"
API = [
    # Reads.
    ("api-docs.openapi_json", "GET", f"{V1}/openapi.json", "hb", ALL_OK),
    ("api_tokens.reference_page", "GET", f"{V1}/docs", "hb", ALL_OK),
    ("api.me", "GET", f"{V1}/me", "hb", MEMBERS),
    ("api.achievement_list", "GET", f"{V1}/achievements", "bj", ALL_OK),
    ("api.need_list", "GET", f"{V1}/needs", "hb", ALL_OK),
    ("api.achievement_read", "GET", f"{V1}/achievements/{{ach}}", "bj", ALL_OK),
    ("api.achievement_read", "GET", f"{V1}/achievements/{{draft}}", "bj", PRIVATE),
    ("api.need_read", "GET", f"{V1}/needs/{{need}}", "hb", ALL_OK),
    ("api.achievement_suggestions", "GET", f"{V1}/achievements/{{ach}}/suggestions", "bj", OWN_PRIVATE),
    ("api.need_suggestions", "GET", f"{V1}/needs/{{need}}/suggestions", "hb", OWN_PRIVATE),
    ("api.interest_list", "GET", f"{V1}/interests", "hb", MEMBERS),
    ("api.interest_read", "GET", f"{V1}/interests/{{interest}}", "hb", OWN_PRIVATE),
    ("api.admin_review_queue", "GET", f"{V1}/admin/review-queue", "bj", ADMIN),
    ("api.admin_stats", "GET", f"{V1}/admin/stats", "bj", ADMIN),
    # Challenges: hb's firm sponsors them, bj's university bid on {challenge} (scene_challenges).
    ("api.challenge_list", "GET", f"{V1}/challenges", "hb", ALL_OK),
    ("api.challenge_read", "GET", f"{V1}/challenges/{{challenge}}", "hb", ALL_OK),
    ("api.challenge_read", "GET", f"{V1}/challenges/{{ch_draft}}", "hb", PRIVATE),
    ("api.proposal_list", "GET", f"{V1}/challenges/{{challenge}}/proposals", "hb", MEMBERS),  # others: their own
    ("api.proposal_read", "GET", f"{V1}/proposals/{{proposal}}", "hb", OWN_PRIVATE),
    ("api.proposal_read", "GET", f"{V1}/proposals/{{proposal}}", "bj", OWN_PRIVATE),
    # Writes whose empty body is refused (or that change nothing).
    ("api.token_create", "POST", f"{V1}/auth/token", "hb", ALL_OK),
    ("api.achievement_create", "POST", f"{V1}/achievements", "bj", dict(A=LOGIN, I=OK, F=403, O=OK, M=OK, P=403)),
    ("api.need_create", "POST", f"{V1}/needs", "hb", dict(A=LOGIN, I=403, F=OK, O=OK, M=OK, P=403)),
    ("api.achievement_update", "PATCH", f"{V1}/achievements/{{ach}}", "bj", EDIT_PUBLISHED),
    ("api.achievement_update", "PATCH", f"{V1}/achievements/{{draft}}", "bj", OWN_PRIVATE),
    ("api.need_update", "PATCH", f"{V1}/needs/{{need}}", "hb", EDIT_PUBLISHED),
    ("api.need_submit", "POST", f"{V1}/needs/{{need}}/submit", "hb", EDIT_PUBLISHED),
    ("api.need_delete", "DELETE", f"{V1}/needs/{{need}}", "hb", EDIT_PUBLISHED),
    ("api.interest_create", "POST", f"{V1}/interests", "hb", MEMBERS),
    ("api.interest_accept", "POST", f"{V1}/interests/{{interest}}/accept", "bj", PARTY_ACTION),
    ("api.interest_decline", "POST", f"{V1}/interests/{{interest}}/decline", "bj", PARTY_ACTION),
    ("api.interest_deal", "POST", f"{V1}/interests/{{interest}}/deal", "hb", PARTY_ACTION),
    ("api.interest_contact", "POST", f"{V1}/interests/{{interest}}/contact", "hb", PARTY_ACTION),
    ("api.admin_achievement_reject", "POST", f"{V1}/admin/achievements/{{pending}}/reject", "bj", ADMIN),
    ("api.admin_need_reject", "POST", f"{V1}/admin/needs/{{need}}/reject", "hb", ADMIN),
    ("api.admin_need_publish", "POST", f"{V1}/admin/needs/{{need}}/publish", "hb", ADMIN),
    ("api.challenge_create", "POST", f"{V1}/challenges", "hb", dict(A=LOGIN, I=403, F=OK, O=OK, M=403, P=403)),
    ("api.challenge_update", "PATCH", f"{V1}/challenges/{{challenge}}", "hb", EDIT_PUBLISHED),
    ("api.challenge_update", "PATCH", f"{V1}/challenges/{{ch_draft}}", "hb", OWN_PRIVATE),
    ("api.proposal_create", "POST", f"{V1}/challenges/{{challenge}}/proposals", "bj", MEMBERS),
    ("api.proposal_score", "POST", f"{V1}/proposals/{{proposal}}/scores", "hb", OWN_PRIVATE),
    ("api.challenge_close", "POST", f"{V1}/challenges/{{challenge}}/close", "hb", ADMIN),
    ("api.challenge_award", "POST", f"{V1}/challenges/{{challenge}}/award", "hb", ADMIN),
    # Writes that change state: the draft is submitted (then cannot be deleted: 409), the pending
    # posting withdrawn (then cannot be published: 409), and the published need withdrawn last.
    ("api.achievement_submit", "POST", f"{V1}/achievements/{{draft}}/submit", "bj", OWN_PRIVATE),
    ("api.achievement_delete", "DELETE", f"{V1}/achievements/{{draft}}", "bj", OWN_PRIVATE),
    ("api.achievement_withdraw", "POST", f"{V1}/achievements/{{pending}}/withdraw", "bj", OWN_PRIVATE),
    ("api.admin_achievement_publish", "POST", f"{V1}/admin/achievements/{{pending}}/publish", "bj", ADMIN),
    ("api.need_withdraw", "POST", f"{V1}/needs/{{need}}/withdraw", "hb", EDIT_PUBLISHED),
    ("api.challenge_submit", "POST", f"{V1}/challenges/{{ch_draft}}/submit", "hb", OWN_PRIVATE),
    ("api.challenge_publish", "POST", f"{V1}/challenges/{{ch_review}}/publish", "hb", ADMIN),
]
