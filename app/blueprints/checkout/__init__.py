from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

from app.blueprints.checkout import plan_change, views  # noqa: E402, F401
