"""The admin part of the API: the review queue, publish and reject, the dashboard's figures.

Every operation here requires an admin token (403 for other accounts); ``services.postings``
still refuses an admin the review of their own organization's postings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker.api import bp, serialize
from matchmaker.api.access import access, no_body, posting
from matchmaker.api.errors import json_response
from matchmaker.api.schemas import POSTING_OUT, PublishQuery, ReviewQueueOut, StatsOut
from matchmaker.schemas.review import RejectInput
from matchmaker.services import figures, postings

TAGS = ["admin"]


@bp.route("/admin/review-queue", methods=["GET"], endpoint="admin_review_queue", tags=TAGS)
@access("admin")
@bp.response(200, ReviewQueueOut)
def review_queue(admin):
    """Postings waiting for review, oldest first."""
    queue = postings.review_queue()
    return {
        plural: [serialize.posting(p, admin, with_contact=False) for p in queue[kind]]
        for kind, plural in (("achievement", "achievements"), ("need", "needs"))
    }


def _version(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:  # a date-time Python cannot read (a leap second): no posting has that version
        return datetime.min


def _register(kind: str, plural: str) -> None:
    item = f"/admin/{plural}/<id:posting_id>"

    @bp.route(f"{item}/publish", methods=["POST"], endpoint=f"admin_{kind}_publish", tags=TAGS)
    @access("admin")
    @posting(kind)
    @no_body
    @bp.arguments(PublishQuery, location="query")
    @bp.response(200, POSTING_OUT[kind])
    def publish(admin, found, query):
        """Publish a pending posting."""
        published = postings.publish(admin, found, version=_version(query.get("version")))
        return serialize.posting(published, admin)

    @bp.route(f"{item}/reject", methods=["POST"], endpoint=f"admin_{kind}_reject", tags=TAGS)
    @access("admin")
    @posting(kind)
    @bp.arguments(RejectInput)
    @bp.response(200, POSTING_OUT[kind])
    def reject(admin, found, data):
        """Reject, or send back for revision, with a reason."""
        return serialize.posting(postings.reject(admin, found, data["reason"], revise=data.get("revise", False)), admin)


for _kind, _plural in (("achievement", "achievements"), ("need", "needs")):
    _register(_kind, _plural)


@bp.route("/admin/stats", methods=["GET"], endpoint="admin_stats", tags=TAGS)
@access("admin")
@bp.response(200, StatsOut)
def stats(admin):
    """The dashboard's figures."""
    return json_response(figures.overview())
