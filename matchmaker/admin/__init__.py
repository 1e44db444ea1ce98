"""The admin area of the regional tech-transfer centre: every route requires an administrator."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from matchmaker import permissions

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not permissions.is_admin(current_user):
        abort(403)


from matchmaker.admin import accounts, audit_log, dashboard, pairs, review  # noqa: E402,F401  (routes)
