"""The admin part of the API: the review queue, publish and reject, the dashboard's figures.

Every operation here requires an admin token (403 for other accounts); ``services.postings``
still refuses an admin the review of their own organization's postings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker.admin.forms import ReviewForm
from matchmaker.api import bp, fields, serialize
from matchmaker.api.forms import validated
from matchmaker.api.registry import operation
from matchmaker.api.schema import Array, Object, String
from matchmaker.services import postings

TAG = "admin"
VERSION = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
QUEUE = Object(
    properties={
        "achievements": Array(items=fields.posting_output("achievement")),
        "needs": Array(items=fields.posting_output("need")),
    },
    required=("achievements", "needs"),
    name="ReviewQueue",
)


def review_queue(admin):
    queue = postings.review_queue()
    return {
        plural: [serialize.posting(p, admin, with_contact=False) for p in queue[kind]]
        for kind, plural in (("achievement", "achievements"), ("need", "needs"))
    }, 200


def publish(admin, kind: str, posting_id: int, query):
    version = query["version"]
    if version is not None:
        try:
            version = datetime.fromisoformat(version.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
        except ValueError:  # a date-time Python cannot read (a leap second): no posting has that version
            version = datetime.min
    posting = postings.publish(admin, postings.get_visible(admin, kind, posting_id), version=version)
    return serialize.posting(posting, admin), 200


def reject(admin, kind: str, posting_id: int, body):
    posting = postings.get_visible(admin, kind, posting_id)
    data = body()
    revise = bool(data.get("revise"))
    form = validated(ReviewForm, {"decision": "revise" if revise else "reject", "reason": data["reason"]})
    posting = postings.reject(admin, posting, form.reason.data, revise=revise)
    return serialize.posting(posting, admin), 200


def stats(admin):
    from matchmaker.services import figures

    return figures.overview(), 200


operation(
    bp,
    review_queue,
    method="GET",
    rule="/admin/review-queue",
    endpoint="admin_review_queue",
    auth="admin",
    tag=TAG,
    summary=("Postings waiting for review, oldest first", "待审核的发布（最早提交的在前）"),
    response=QUEUE,
)
for _kind, _plural in (("achievement", "achievements"), ("need", "needs")):
    _item = f"/admin/{_plural}/<id:posting_id>"
    operation(
        bp,
        (lambda kind: lambda admin, **kw: publish(admin, kind, **kw))(_kind),
        method="POST",
        rule=f"{_item}/publish",
        endpoint=f"admin_{_kind}_publish",
        auth="admin",
        tag=TAG,
        summary=("Publish a pending posting", "发布待审核的内容"),
        response=fields.posting_output(_kind),
        query={
            "version": String(
                format="date-time",
                pattern=VERSION,
                description=(
                    "The posting's `updated_at` as you reviewed it (e.g. 2026-12-04T10:30:00.123456Z): if the "
                    "owner changed the posting since, it is not published (409). Recommended."
                ),
            )
        },
        errors=(409,),
    )
    operation(
        bp,
        (lambda kind: lambda admin, **kw: reject(admin, kind, **kw))(_kind),
        method="POST",
        rule=f"{_item}/reject",
        endpoint=f"admin_{_kind}_reject",
        auth="admin",
        tag=TAG,
        summary=("Reject, or send back for revision, with a reason", "驳回或退回修改，需说明理由"),
        body=fields.REJECT_INPUT,
        response=fields.posting_output(_kind),
        errors=(409,),
    )
operation(
    bp,
    stats,
    method="GET",
    rule="/admin/stats",
    endpoint="admin_stats",
    auth="admin",
    tag=TAG,
    summary=("The dashboard's figures", "数据看板的统计数字"),
    response=fields.STATS,
)
