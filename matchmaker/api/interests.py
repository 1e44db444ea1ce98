"""Interests: express one, list mine, read one, accept or decline, withdraw contact consent, record the deal.

``services.interests`` decides; contacts appear only once the interest is accepted, and only for
its two organizations and admins (as on the conversation page).
"""

from __future__ import annotations

from flask import url_for

from matchmaker.api import bp, fields, serialize
from matchmaker.api.forms import validated
from matchmaker.api.registry import operation
from matchmaker.interests.forms import ContactConsentForm, DealForm, DeclineForm, ExpressForm
from matchmaker.services import interests

TAG = "interests"
ITEM = "/interests/<id:interest_id>"


def express(user, body):
    form = validated(ExpressForm, body())
    interest = interests.express(user, form.need_id.data, form.achievement_id.data, form.message.data or "")
    location = url_for("api.interest_read", interest_id=interest.id, _external=True)
    return serialize.interest(interest, user), 201, {"Location": location}


def mine(user):
    rows = interests.for_organization(user.organization_id)
    return {"items": [serialize.interest(row, user) for row in rows], "total": len(rows)}, 200


def read(user, interest_id: int):
    return serialize.interest(interests.get_visible(user, interest_id), user), 200


def accept(user, interest_id: int):
    interest = interests.accept(user, interests.get_visible(user, interest_id))
    return serialize.interest(interest, user), 200


def decline(user, interest_id: int, body):
    interest = interests.get_visible(user, interest_id)
    interests.require_party(user, interest, recipient_only=True)
    form = validated(DeclineForm, body())
    interest = interests.decline(user, interest, form.reason.data)
    return serialize.interest(interest, user), 200


def contact_consent(user, interest_id: int, body):
    interest = interests.get_visible(user, interest_id)
    interests.require_party(user, interest)
    form = validated(ContactConsentForm, body())
    interest = interests.set_contact_consent(user, interest, form.consent.data == "share")
    return serialize.interest(interest, user), 200


def deal(user, interest_id: int, body):
    interest = interests.get_visible(user, interest_id)
    interests.require_party(user, interest)
    form = validated(DealForm, body())
    interests.record_deal(
        user,
        interest,
        interests.DealData(
            contract_type=form.contract_type.data,
            amount_wan=form.amount_wan.data,
            signed_on=form.signed_on.data,
            registration_no=form.registration_no.data or "",
            mark_achievement_transferred=bool(form.mark_achievement_transferred.data),
            mark_need_fulfilled=bool(form.mark_need_fulfilled.data),
        ),
    )
    location = url_for("api.interest_read", interest_id=interest.id, _external=True)
    return serialize.interest(interest, user), 201, {"Location": location}


operation(
    bp,
    express,
    method="POST",
    rule="/interests",
    endpoint="interest_create",
    auth="user",
    tag=TAG,
    summary=("Express interest in a pair of published postings", "对一对已发布的成果与需求表达对接意向"),
    body=fields.INTEREST_INPUT,
    status=201,
    response=fields.INTEREST,
    errors=(403, 404, 409),
)
operation(
    bp,
    mine,
    method="GET",
    rule="/interests",
    endpoint="interest_list",
    auth="user",
    tag=TAG,
    summary=("My organization's interests", "本机构的对接意向"),
    response=fields.INTERESTS,
)
operation(
    bp,
    read,
    method="GET",
    rule=ITEM,
    endpoint="interest_read",
    auth="user",
    tag=TAG,
    summary=("Read an interest (its two organizations and admins)", "查看对接意向（仅双方机构与管理员）"),
    response=fields.INTEREST,
)
operation(
    bp,
    accept,
    method="POST",
    rule=f"{ITEM}/accept",
    endpoint="interest_accept",
    auth="user",
    tag=TAG,
    summary=("Accept (the receiving side): contacts are shared", "接受（接收方）：双方联系方式将共享"),
    response=fields.INTEREST,
    errors=(403, 409),
)
operation(
    bp,
    decline,
    method="POST",
    rule=f"{ITEM}/decline",
    endpoint="interest_decline",
    auth="user",
    tag=TAG,
    summary=("Decline (the receiving side), with a reason", "婉拒（接收方），需说明理由"),
    body=fields.DECLINE_INPUT,
    response=fields.INTEREST,
    errors=(403, 409),
)
operation(
    bp,
    deal,
    method="POST",
    rule=f"{ITEM}/deal",
    endpoint="interest_deal",
    auth="user",
    tag=TAG,
    summary=("Record the signed deal", "登记成交"),
    body=fields.DEAL_INPUT,
    status=201,
    response=fields.INTEREST,
    errors=(403, 409),
)
operation(
    bp,
    contact_consent,
    method="POST",
    rule=f"{ITEM}/contact",
    endpoint="interest_contact",
    auth="user",
    tag=TAG,
    summary=(
        "Withdraw (or give again) your side's consent to share its contact",
        "撤回（或恢复）本方联系方式的共享授权",
    ),
    body=fields.CONSENT_INPUT,
    response=fields.INTEREST,
    errors=(403, 409),
)
