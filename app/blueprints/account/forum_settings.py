"""Settings → Forum: forum name, signature, and email about new replies and mentions
(the site's notifications are always made)."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.blueprints.account import bp
from app.blueprints.account.forum_forms import (
    MESSAGES,
    NAME_HINT,
    SIGNATURE_HINT,
    ForumSettingsForm,
)
from app.blueprints.account.premium import _user
from app.domain.errors import DomainError
from app.services import forum, forum_settings
from app.web.rendering import redirect_to, render


@bp.route("/account/forum", methods=["GET", "POST"], endpoint="forum_settings")
@login_required
def forum_settings_page():
    user = _user()
    profile = forum.profile_of(user)
    form = ForumSettingsForm(
        data={
            "display_name": profile.display_name,
            "signature": profile.signature,
            "email_choice": profile.email_choice.value,
        }
    )
    if form.validate_on_submit():
        try:
            forum_settings.update(
                user, form.display_name.data, form.signature.data, form.email_choice.data
            )
        except DomainError as error:
            for name, reason in error.errors:
                form[name].errors = [*form[name].errors, MESSAGES[name][reason]]
        else:
            flash(_("Your forum settings have been saved."))
            return redirect_to(url_for("account.forum_settings"))
    return render(
        "account/forum_settings.html",
        "form",
        form=form,
        name_hint=NAME_HINT,
        signature_hint=SIGNATURE_HINT,
        status=422 if form.errors else 200,
    )
