from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

from app.blueprints.checkout import views  # noqa: E402, F401
