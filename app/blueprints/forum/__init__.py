from flask import Blueprint

# Reading is open (public categories to anyone, a Learning Path's to its members); each
# view asks app.access for what it shows or changes.
bp = Blueprint("forum", __name__, url_prefix="/forum")

from app.blueprints.forum import follow, post_actions, search, views  # noqa: E402, F401
