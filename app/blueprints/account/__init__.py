from flask import Blueprint

bp = Blueprint("account", __name__)

from app.blueprints.account import payment, premium, premium_requests, terms, views  # noqa: E402, F401
