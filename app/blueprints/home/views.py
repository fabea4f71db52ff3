from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from app.blueprints.home import bp
from app.web.security import safe_next


@bp.route("/")
def index():
    return render_template("home/index.html")


@bp.route("/language", methods=["POST"])
def set_language():
    locale = request.form.get("locale")
    if locale in ("en", "fr"):
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))
