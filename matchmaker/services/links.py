"""Site-relative links for notifications and e-mails, from services that may run outside a request."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def path_for(endpoint: str, **values) -> str:
    """``url_for`` that also works from the CLI or a background job (a path, never a full URL)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def posting_path(posting) -> str:
    return path_for("postings.detail", kind=posting.kind + "s", posting_id=posting.id)


def interest_path(interest) -> str:
    return path_for("interests.detail", interest_id=interest.id)


def absolute(path: str) -> str:
    """A path as a full address for an e-mail: ``PUBLIC_URL`` (required in production), else the
    request's host (development), else the path as it is (a CLI job without ``PUBLIC_URL``)."""
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path if base and path.startswith("/") else path
