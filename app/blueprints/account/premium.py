"""Settings → Premium: the member's subscriptions, what comes next, the changes they may
make (cancel and undo, withdraw) and the whole history. Each change is a POST; Cancel
asks first, on a page of its own that htmx opens as a dialog over the tab."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.access import Record, can
from app.blueprints.account import bp
from app.blueprints.account.premium_labels import (
    REASONS,
    REFUSALS,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    STATUSES,
)
from app.blueprints.auth.forms import EmptyForm
from app.domain.requests import RequestKind
from app.extensions import db
from app.models import Subscription
from app.services import contract_requests as requests
from app.services import premium
from app.web.rendering import redirect_to, render
from app.web.templating import day

PREMIUM = "account/premium.html"
CONFIRM = "account/premium_confirm.html"


def _user():
    return current_user._get_current_object()


def _own(subscription_id: int) -> Subscription:
    """The member's own subscription; anyone else's is not found (404)."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or not can(_user(), Record.CHANGE, subscription):
        abort(404)
    return subscription


def _labels() -> dict:
    return {
        "statuses": STATUSES,
        "reasons": REASONS,
        "refusals": REFUSALS,
        "request_kinds": REQUEST_KINDS,
        "request_statuses": REQUEST_STATUSES,
    }


@bp.route("/account/premium")
@login_required
def premium_tab():
    standings = premium.overview(_user(), clock.now())
    live = [standing.subscription for standing in standings if standing.live]
    return render(
        PREMIUM,
        "content",
        standings=standings,
        form=EmptyForm(formdata=None),
        # Requests to Student Success (path change, force majeure): which may be made
        # now, and those made, with their answers.
        may_ask={
            sub.id: {kind: requests.refusal_for(sub, kind) is None for kind in RequestKind}
            for sub in live
        },
        requests_of={
            standing.subscription.id: requests.requests_for(standing.subscription)
            for standing in standings
        },
        **_labels(),
    )


def _back() -> str:
    return url_for("account.premium_tab")


def _refused(error: premium.Refused):
    flash(REFUSALS[error.refusal])
    return redirect_to(_back())


@bp.route("/account/premium/<int:subscription_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_subscription(subscription_id: int):
    subscription = _own(subscription_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            changed = premium.cancel(_user(), subscription)
        except premium.Refused as error:
            return _refused(error)
        if changed:
            flash(
                _(
                    "Your subscription is cancelled. It runs until %(date)s and nothing more "
                    "will be charged. You can undo this until then.",
                    date=day(subscription.ends_on),
                )
            )
        else:
            flash(_("This subscription was already cancelled: nothing has changed."))
        return redirect_to(_back())
    standing = premium.standing_of(subscription, clock.now())
    if standing.cancel is not None:
        return _refused(premium.Refused(standing.cancel))
    return render(CONFIRM, "confirm", standing=standing, form=form, action="cancel", **_labels())


@bp.route("/account/premium/<int:subscription_id>/undo", methods=["POST"])
@login_required
def undo_cancellation(subscription_id: int):
    subscription = _own(subscription_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            changed = premium.undo_cancel(_user(), subscription)
        except premium.Refused as error:
            return _refused(error)
        if changed:
            flash(_("Your subscription continues: it renews every month as before."))
        else:
            flash(_("This subscription was not cancelled: nothing has changed."))
    return redirect_to(_back())


@bp.route("/account/premium/<int:subscription_id>/withdraw", methods=["POST"])
@login_required
def withdraw(subscription_id: int):
    """Plus in its reflection period: one step, at no cost (§6.2)."""
    subscription = _own(subscription_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            changed = premium.withdraw_in_reflection(_user(), subscription)
        except premium.Refused as error:
            return _refused(error)
        if changed:
            flash(_("You have withdrawn. Nothing has been charged and nothing will be."))
        else:
            flash(_("This subscription was already withdrawn: nothing has changed."))
    return redirect_to(_back())
