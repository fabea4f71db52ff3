"""Settings → Premium: the member's subscriptions, what comes next, the changes they may
make (cancel and undo, withdraw) and the whole history. Each change is a POST; Cancel
asks first, on a page of its own that htmx opens as a dialog over the tab."""

from flask import abort, flash, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.access import Record, can
from app.blueprints.account import bp
from app.blueprints.account.premium_labels import (
    HISTORY_KINDS,
    REASONS,
    REFUSALS,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    STATUSES,
)
from app.blueprints.auth.forms import EmptyForm
from app.domain.contract import Refusal
from app.domain.errors import DomainError
from app.domain.orders import Plan
from app.domain.requests import RequestKind
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Subscription
from app.services import contract_requests as requests
from app.services import (
    invoices,
    paypal_method,
    paypal_plan_billing,
    premium,
    refunds,
    termination,
)
from app.services.billing import dues
from app.services.billing.charges import Applied
from app.services.payment_methods import method_by_id
from app.web.rendering import redirect_to, render
from app.web.templating import day, money

PREMIUM = "account/premium.html"
PAY_OUTCOMES = {
    Applied.PAID: _l("Thank you: your balance is paid and your service is back."),
    Applied.DECLINED: _l(
        "Your bank declined the payment, so your service is still suspended. Add another "
        "card in the Payment tab, then pay again."
    ),
    Applied.UNKNOWN: _l(
        "The payment service has not answered yet. We will check and email you; you will "
        "not be charged twice."
    ),
    Applied.NOTHING: _l("There is nothing to pay."),
}
# When the gateway does not give the money back, nothing is withdrawn.
REFUND_PROBLEMS = {
    "refused": _l(
        "The payment service refused the refund, so you have not been withdrawn. Try again "
        "later or write to Student Success."
    ),
    "no_answer": _l(
        "The payment service did not answer: your refund is being checked and you have not "
        "been withdrawn yet. Student Success will get back to you."
    ),
}
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
        "history_kinds": HISTORY_KINDS,
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
        # Every invoice and credit note, under the subscription it is for (§3.3).
        invoices_of=_invoices_by_subscription(),
        balances={sub.id: dues.balance_of(sub) for sub in live if sub.status is S.PAST_DUE},
        # A PayPal plan takes the monthly price only: its balance is paid by card.
        plan_billed={
            sub.id
            for sub in live
            if sub.status is S.PAST_DUE and paypal_plan_billing.billed_by_plan(sub)
        },
        # What a PayPal plan still bills where it is no longer the price (§1).
        agreement_prices={
            sub.id: billed
            for sub in live
            if (billed := paypal_method.billed_monthly(sub, method_by_id(sub.payment_method_id)))
            is not None
        },
        requests_of={
            standing.subscription.id: requests.requests_for(standing.subscription)
            for standing in standings
        },
        **_labels(),
    )


def _invoices_by_subscription() -> dict:
    found: dict = {}
    for invoice in invoices.invoices_for(_user()):
        found.setdefault(invoice.subscription_id, []).append(invoice)
    return found


@bp.route("/account/premium/<int:subscription_id>/pay", methods=["POST"])
@login_required
def pay_balance(subscription_id: int):
    """Pay now (§3.2): the balance with its interest and fee; paid, the service is back
    at once and the invoice issued."""
    subscription = _own(subscription_id)
    if EmptyForm().validate_on_submit():
        outcome = dues.pay_balance(subscription, by=_user())
        flash(PAY_OUTCOMES[outcome])
    return redirect_to(_back())


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


@bp.route("/account/premium/<int:subscription_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(subscription_id: int):
    """Plus in its reflection period: one step, at no cost (§6.2), a POST from the tab.
    Solo within 14 days, its access unused (§6.1): confirmed first (the refund is
    said), on a page of its own or in the tab's dialog."""
    subscription = _own(subscription_id)
    solo = subscription.plan is Plan.SOLO
    form = EmptyForm()
    if request.method == "GET":
        standing = premium.standing_of(subscription, clock.now())
        if not solo or standing.solo_withdrawal is not None:
            return _refused(premium.Refused(standing.solo_withdrawal or Refusal.WRONG_PLAN))
        refundable = sum(refunds.refundable_cents(p) for p in premium.paid_payments(subscription))
        return render(
            CONFIRM,
            "confirm",
            standing=standing,
            form=form,
            action="withdraw",
            refundable=refundable,
            **_labels(),
        )
    if form.validate_on_submit():
        try:
            if solo:
                refunded = premium.withdraw_solo(_user(), subscription)
            else:
                refunded = 0 if premium.withdraw_in_reflection(_user(), subscription) else None
        except premium.Refused as error:
            return _refused(error)
        except DomainError as error:
            flash(REFUND_PROBLEMS.get(error.message, REFUND_PROBLEMS["refused"]))
            return redirect_to(_back())
        if refunded is None:
            flash(_("This subscription was already withdrawn: nothing has changed."))
        elif solo:
            flash(
                _(
                    "You have withdrawn. %(amount)s has been refunded to your payment method; "
                    "the credit note is below.",
                    amount=money(refunded, subscription.currency),
                )
            )
        else:
            flash(_("You have withdrawn. Nothing has been charged and nothing will be."))
    return redirect_to(_back())


TERMINATION_PROBLEMS = {
    "no_method": _l(
        "No payment method is kept for this subscription: add a card in the Payment tab, "
        "then terminate."
    ),
    "no_answer": _l(
        "The payment service did not answer, so the subscription is not terminated yet. "
        "Try again: you will not be charged twice."
    ),
}


@bp.route("/account/premium/<int:subscription_id>/terminate", methods=["GET", "POST"])
@login_required
def terminate(subscription_id: int):
    """Plus within three months of acceptance (§6.2): the fee is said first, then charged
    and invoiced; after three months only Cancel is offered."""
    subscription = _own(subscription_id)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            fee = termination.terminate(_user(), subscription)
        except premium.Refused as error:
            return _refused(error)
        except DomainError as error:
            flash(TERMINATION_PROBLEMS.get(error.message, error.message))
            return redirect_to(_back())
        if fee is None:
            flash(_("This subscription was already terminated: nothing has changed."))
        else:
            flash(
                _(
                    "Your contract is terminated. %(amount)s was charged as compensation; "
                    "its invoice is below.",
                    amount=money(fee, subscription.currency),
                )
            )
        return redirect_to(_back())
    standing = premium.standing_of(subscription, clock.now())
    if standing.termination is not None:
        return _refused(premium.Refused(standing.termination))
    quoted = termination.quote(subscription)
    return render(
        CONFIRM,
        "confirm",
        standing=standing,
        form=form,
        action="terminate",
        quote=quoted,
        rate_text=format_percent(quoted.fee.rate_basis_points / 10000),
        **_labels(),
    )
