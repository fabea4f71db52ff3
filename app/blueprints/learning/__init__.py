"""Learning: progress through courses, quizzes, Certificates of Achievement (§10), and
staff's certificate pages (a nested blueprint under /staff/certificates)."""

from flask import Blueprint

from app.access import require_staff

bp = Blueprint("learning", __name__)
staff_bp = Blueprint("staff", __name__, url_prefix="/staff/certificates")
staff_bp.before_request(require_staff)
assignments_staff_bp = Blueprint("staff_assignments", __name__, url_prefix="/staff/assignments")
assignments_staff_bp.before_request(require_staff)
exercises_staff_bp = Blueprint("staff_exercises", __name__, url_prefix="/staff/courses")
exercises_staff_bp.before_request(require_staff)

from app.blueprints.learning import (  # noqa: E402, F401
    assignments,
    certificates,
    staff,
    staff_assignments,
    staff_exercises,
    views,
)

bp.register_blueprint(staff_bp)
bp.register_blueprint(assignments_staff_bp)
bp.register_blueprint(exercises_staff_bp)
