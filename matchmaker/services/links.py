"""Site-relative links for notifications and e-mails, from services that may run outside a request."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def path_for(endpoint: str, **values) -> str:
    """``url_for`` that also works from the CLI or a background job (a path, never a full URL).

    Outside a request, Flask's ``url_for`` needs ``SERVER_NAME``, which would also make the app
    check the ``Host`` of every request. A path needs no host: the URL map is bound to a placeholder
    one, under ``APPLICATION_ROOT`` (what a request context without a request gave).
    """
    if has_request_context():
        return url_for(endpoint, **values)
    app = current_app
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(
        "localhost", script_name=app.config["APPLICATION_ROOT"], url_scheme=app.config["PREFERRED_URL_SCHEME"]
    )
    return adapter.build(endpoint, values)


def posting_path(posting) -> str:
    return path_for("postings.detail", kind=posting.kind + "s", posting_id=posting.id)


def interest_path(interest) -> str:
    return path_for("interests.detail", interest_id=interest.id)


def absolute(path: str) -> str:
    """A path as a full address for an e-mail: ``PUBLIC_URL`` (required in production), else the
    request's host (development), else the path as it is (a CLI job without ``PUBLIC_URL``)."""
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path if base and path.startswith("/") else path
