from flask import Blueprint

bp = Blueprint("account", __name__)

from app.blueprints.account import (  # noqa: E402, F401
    forum_settings,
    payment,
    premium,
    premium_requests,
    terms,
    views,
)
