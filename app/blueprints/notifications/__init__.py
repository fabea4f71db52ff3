from flask import Blueprint
from flask_login import login_required

# A member's own forum notifications: signed in, and each notice its owner's only
# (404 to anyone else, app.access.Record.CHANGE).
bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.before_request
@login_required
def signed_in():
    return None


from app.blueprints.notifications import views  # noqa: E402, F401
