"""Achievements and needs: browse the pool, read, create, edit, submit, withdraw, delete, suggestions.

Each view calls the service the pages call; who may do what is decided there and in
``matchmaker.permissions``. The public list never carries contacts, whoever asks.
"""

from __future__ import annotations

from flask import url_for

from matchmaker.api import bp, serialize
from matchmaker.api.access import access, no_body, poster, posting
from matchmaker.api.schemas import BROWSE_QUERY, PAGE_OUT, POSTING_OUT, SuggestionsOut, SuggestionsQuery
from matchmaker.schemas.postings import INPUTS
from matchmaker.services import browse, postings, suggestions
from matchmaker.services.browse import Filters

PLURAL = {"achievement": "achievements", "need": "needs"}
# PATCH bodies: any subset of the fields (their own name in the document: nothing is required).
PATCH = {kind: type(f"{schema.__name__.removesuffix('Input')}Patch", (schema,), {}) for kind, schema in INPUTS.items()}


def _location(item) -> dict:
    return {"Location": url_for(f"api.{item.kind}_read", posting_id=item.id, _external=True)}


def _register(kind: str) -> None:
    plural, tags = PLURAL[kind], [PLURAL[kind]]
    collection, item = f"/{plural}", f"/{plural}/<id:posting_id>"
    output, body = POSTING_OUT[kind], INPUTS[kind]

    @bp.route(collection, methods=["GET"], endpoint=f"{kind}_list", tags=tags)
    @access("optional")
    @bp.arguments(BROWSE_QUERY[kind], location="query")
    @bp.response(200, PAGE_OUT[kind])
    def browse_pool(user, query):
        """Browse published postings (ranked by relevance with q)."""
        filters = Filters(
            q=query.get("q", ""),
            field=query.get("field", ""),
            region=query.get("region", ""),
            trl=query.get("min_trl"),
            sort=query.get("sort", ""),
        )
        page = browse.browse(kind, filters, query["page"], query["per_page"])
        out = {
            "items": [serialize.posting(row, user, public=True) for row in page.items],
            "total": page.total,
            "page": query["page"],
            "per_page": query["per_page"],
        }
        found = getattr(page, "found", None)
        if found is not None:
            out.update(words=found.words, highlights=found.highlights, partial=found.partial)
        return out

    @bp.route(collection, methods=["POST"], endpoint=f"{kind}_create", tags=tags)
    @access("user")
    @poster(kind)
    @bp.arguments(body)
    @bp.response(201, output)
    @bp.alt_response(403, description="Your organization does not post this kind.")
    def create(user, data):
        """Post a new one; it goes to review."""
        created = postings.create(user, kind, data, submit=True)
        return serialize.posting(created, user), 201, _location(created)

    @bp.route(item, methods=["GET"], endpoint=f"{kind}_read", tags=tags)
    @access("optional")
    @posting(kind)
    @bp.response(200, output)
    def read(user, found):
        """Read one (unpublished: only its organization and admins)."""
        return serialize.posting(found, user)

    @bp.route(item, methods=["PATCH"], endpoint=f"{kind}_update", tags=tags)
    @access("user")
    @posting(kind, editable=True)
    @bp.arguments(PATCH[kind](partial=True))
    @bp.response(200, output)
    def update(user, found, data):
        """Change some fields; a published one goes back to review. An empty body changes nothing."""
        if data:
            found = postings.update(user, found, data, submit=False)
        return serialize.posting(found, user)

    @bp.route(item, methods=["DELETE"], endpoint=f"{kind}_delete", tags=tags)
    @access("user")
    @posting(kind)
    @no_body
    @bp.response(204)
    def delete(user, found):
        """Delete a draft."""
        postings.delete_draft(user, found)

    @bp.route(f"{item}/submit", methods=["POST"], endpoint=f"{kind}_submit", tags=tags)
    @access("user")
    @posting(kind)
    @no_body
    @bp.response(200, output)
    def submit(user, found):
        """Submit for review."""
        return serialize.posting(postings.submit(user, found), user)

    @bp.route(f"{item}/withdraw", methods=["POST"], endpoint=f"{kind}_withdraw", tags=tags)
    @access("user")
    @posting(kind)
    @no_body
    @bp.response(200, output)
    def withdraw(user, found):
        """Withdraw (back to draft)."""
        return serialize.posting(postings.withdraw(user, found), user)

    @bp.route(f"{item}/suggestions", methods=["GET"], endpoint=f"{kind}_suggestions", tags=tags)
    @access("user")
    @posting(kind)
    @bp.arguments(SuggestionsQuery, location="query")
    @bp.response(200, SuggestionsOut)
    def suggestions_for(user, found, query):
        """Suggested counterparts (the posting's organization and admins)."""
        rows = suggestions.for_posting(user, found, k=query["k"])
        return {"items": [serialize.suggestion(row) for row in rows]}


for _kind in PLURAL:
    _register(_kind)
