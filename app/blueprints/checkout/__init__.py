from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

from app.blueprints.checkout import (  # noqa: E402, F401
    answers,
    payment,
    plan_change,
    representative,
    review,
    start,
)
