from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

from app.blueprints.webhooks import views  # noqa: E402, F401
