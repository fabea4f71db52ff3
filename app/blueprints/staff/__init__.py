from flask import Blueprint

bp = Blueprint("staff", __name__)

from app.blueprints.staff import catalog, orders, promotions, views  # noqa: E402, F401
