from flask import current_app, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from app.blueprints.home import bp
from app.extensions import csrf
from app.web.http_caching import public_page
from app.web.i18n import remember_locale
from app.web.security import safe_next


@bp.route("/")
@public_page()
def index():
    return render_template("home/index.html")


@bp.route("/favicon.ico")
@public_page(max_age=7 * 24 * 3600)
def favicon():
    """Browsers ask for /favicon.ico on their own, whatever the page links."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


@bp.route("/language", methods=["POST"])
@csrf.exempt
def set_language():
    """The language switch in every page's header: a POST form (a GET link would change
    state, and be followed by crawlers and prefetchers), yet without a CSRF token for
    visitors, so that the public pages carrying it start no session and stay
    cacheable. For a visitor it only sets the `locale` cookie and redirects to a path
    on this site (safe_next): all a forged request could do is change their language.
    A signed-in member's language is also saved to their account, which is a change of
    their data: for them the token is checked here (Flask-WTF's automatic check is
    off for this view, the only one besides the gateway webhooks)."""
    if current_user.is_authenticated and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    response = redirect(safe_next(request.form.get("next")) or url_for("home.index"))
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        remember_locale(response, locale)
        if current_user.is_authenticated:
            current_user.locale = locale
    return response
