"""Per-request rules that apply to every page."""

from flask import Flask, redirect, request, url_for
from flask_login import current_user

# Pages a staff member or mentor without two-factor sign-in may still open.
TWO_FACTOR_EXEMPT = {
    "account.two_factor_setup",
    "auth.signout",
    "home.set_language",
    "static",
}


def register(app: Flask) -> None:
    @app.before_request
    def require_two_factor_for_privileged_roles():
        user = current_user._get_current_object()  # one lookup, not one per attribute
        if (
            user.is_authenticated
            and user.requires_two_factor
            and not user.has_two_factor
            and request.endpoint not in TWO_FACTOR_EXEMPT
            and not (request.endpoint or "").startswith("legal.")
        ):
            return redirect(url_for("account.two_factor_setup"))
        return None
