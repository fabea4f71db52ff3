"""Who may open what: role checks for whole areas of the site."""

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.models import Role


def require_role(*roles: Role):
    """For a blueprint's before_request: visitors are sent to sign in, signed-in users
    without one of `roles` get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def require_staff():
    return require_role(Role.STAFF)
