"""A material change of the Terms (§1), as a subscriber answers it: what changed, the
deadline, and Accept or Cancel (free, at the end of the paid period). A banner on every
page points here while an answer is awaited."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.blueprints.account import bp
from app.blueprints.account.premium import _user
from app.blueprints.auth.forms import EmptyForm
from app.domain.terms_updates import deadline
from app.services import member_header, terms_updates
from app.web.rendering import redirect_to, render


def _pending(label: str):
    version = terms_updates.find_pending(_user(), label, clock.now())
    if version is None:
        abort(404)
    return version


@bp.route("/account/terms/<label>")
@login_required
def terms_update(label: str):
    version = _pending(label)
    return render(
        "account/terms_update.html",
        "content",
        version=version,
        deadline=deadline(version.published_at),
        form=EmptyForm(formdata=None),
    )


@bp.route("/account/terms/<label>/accept", methods=["POST"])
@login_required
def accept_terms_update(label: str):
    version = _pending(label)
    if EmptyForm().validate_on_submit():
        terms_updates.accept(_user(), version)
        flash(
            _(
                "Thank you: your acceptance of the Terms of Service %(label)s is recorded.",
                label=version.label,
            )
        )
    return redirect_to(url_for("account.premium_tab"))


@bp.route("/account/terms/<label>/cancel", methods=["POST"])
@login_required
def cancel_for_terms_update(label: str):
    version = _pending(label)
    if EmptyForm().validate_on_submit():
        terms_updates.cancel(_user(), version)
        flash(
            _(
                "Your subscription is cancelled, at no cost: it runs until the end of the "
                "period you have paid for, and nothing more will be charged."
            )
        )
    return redirect_to(url_for("account.premium_tab"))


@bp.app_context_processor
def terms_notice():
    """For the banner in base.html: the versions the signed-in member is asked about,
    read only when a page shows it (never for emails or anonymous pages)."""

    def pending():
        if not current_user.is_authenticated:
            return []
        user, now = current_user._get_current_object(), clock.now()
        if not member_header.counts(user, now).terms_announced:
            return []  # no material change in its notice period: nobody is asked
        found = terms_updates.pending_for(user, now)
        return [(version, deadline(version.published_at)) for version in found]

    return {"pending_terms": pending}
