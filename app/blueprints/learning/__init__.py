"""Learning: progress through courses, quizzes, Certificates of Achievement (§10), and
staff's certificate pages (a nested blueprint under /staff/certificates)."""

from flask import Blueprint

from app.access import require_staff

bp = Blueprint("learning", __name__)
staff_bp = Blueprint("staff", __name__, url_prefix="/staff/certificates")
staff_bp.before_request(require_staff)

from app.blueprints.learning import certificates, staff, views  # noqa: E402, F401

bp.register_blueprint(staff_bp)
