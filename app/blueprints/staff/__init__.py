from flask import Blueprint

bp = Blueprint("staff", __name__)

from app.blueprints.staff import catalog, promotions, views  # noqa: E402, F401
