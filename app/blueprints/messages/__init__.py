from flask import Blueprint
from flask_login import login_required

# Every page is a member's own: signed in, and each conversation for its participants
# only (404 to anyone else, app.access.Messages.VIEW).
bp = Blueprint("messages", __name__, url_prefix="/messages")


@bp.before_request
@login_required
def signed_in():
    return None


from app.blueprints.messages import views  # noqa: E402, F401
