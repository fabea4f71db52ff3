from flask import Blueprint

from app.access import require_staff

# Every page under /staff is for Student Success: one check for the whole area.
bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(require_staff)

from app.blueprints.staff import (  # noqa: E402, F401
    catalog,
    interest_rates,
    moderation,
    orders,
    promotions,
    requests,
    views,
)
