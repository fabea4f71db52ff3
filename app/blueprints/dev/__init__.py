from flask import Blueprint

bp = Blueprint("dev", __name__)

from app.blueprints.dev import views  # noqa: E402, F401
