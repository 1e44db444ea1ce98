"""An admin's review of a posting, and an API token asked for with e-mail and password."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matchmaker.schemas import fields as f
from matchmaker.schemas.base import Input


class RejectInput(Input):
    reason = f.Text(1000, required=True, label=_l("Reason or comment for the poster"))
    revise = f.Flag(description="true: send back for revision instead of rejecting for good.")


class TokenInput(Input):
    email = f.Text(254, required=True, pattern=f.ANY_TEXT, min_length=1)
    password = f.Text(128, required=True, pattern=r"^[\s\S]*$", min_length=1)
    name = f.Text(100, description="A label for the token, shown in the list on the site.")
