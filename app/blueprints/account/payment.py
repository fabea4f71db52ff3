"""Settings → Payment: the method the subscriptions are charged to, a new card, or a
PayPal billing agreement instead (approved on PayPal, then back to the return route)."""

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.access import Record, can
from app.blueprints.account import bp
from app.blueprints.account.premium import _own, _user
from app.blueprints.account.premium_forms import CardForm, PayPalForm
from app.blueprints.checkout.payment import TEST_CARD_ROWS
from app.domain.errors import DomainError
from app.extensions import db
from app.models import MethodChange
from app.payments.base import Decline
from app.services import payment_methods, paypal_method
from app.services.paypal_method import Result
from app.web.card_fields import check_card_fields
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render

PAYPAL_PROBLEMS = {
    Decline.GATEWAY_ERROR: _l(
        "PayPal did not answer, so nothing has changed: your subscription is still charged "
        "to its current method. Try again in a few minutes."
    ),
    Decline.AMOUNT_MISMATCH: _l(
        "The agreement signed on PayPal was not the one we asked for, so we cancelled it. "
        "Nothing has changed: try again."
    ),
}
NOTHING_DUE = _l(
    "Nothing more is to be charged for this subscription, so there is nothing for PayPal "
    "to take over."
)
PAYPAL_DECLINED = _l(
    "PayPal refused the agreement, so nothing has changed: your subscription is still "
    "charged to its current method."
)


def _page(form: CardForm, paypal_form: PayPalForm, status: int = 200):
    user = _user()
    config = current_app.config
    sandbox = config["CARD_GATEWAY"] == "sandbox"
    held = payment_methods.current_methods(user)
    return render(
        "account/payment.html",
        "content",
        held=held,
        form=form,
        paypal_form=paypal_form,
        # (subscription, its next charge) for each that PayPal could take over.
        # (subscription, what its PayPal plan bills) where that is no longer its price.
        stale_agreements=[
            (sub, billed)
            for sub, method in held
            if (billed := paypal_method.billed_monthly(sub, method)) is not None
        ],
        paypal_offers=[
            (sub, coming) for sub, _method in held if (coming := paypal_method.next_charge(sub))
        ],
        adyen=config["CARD_GATEWAY"] == "adyen",
        test_cards=TEST_CARD_ROWS if sandbox else (),
        status=status,
    )


@bp.route("/account/payment", methods=["GET", "POST"])
@login_required
def payment():
    user = _user()
    held = payment_methods.current_methods(user)
    form = CardForm()
    valid = held and form.validate_on_submit()
    # The sandbox's card fields are checked with the holder's statement, so that one
    # submit shows every mistake (Adyen's own fields check themselves in the browser).
    sandbox = current_app.config["CARD_GATEWAY"] == "sandbox"
    fields_ok = not (held and request.method == "POST" and sandbox) or check_card_fields(form)
    if valid and fields_ok:
        try:
            method = payment_methods.change_card(user, request.form.to_dict())
        except DomainError as error:
            populate_errors(form, error, fallback="card_number")
        else:
            flash(
                _(
                    "From the next payment, your subscriptions are charged to the %(brand)s "
                    "card ending %(last4)s.",
                    brand=(method.brand or "").title(),
                    last4=method.last4,
                )
            )
            return redirect_to(url_for("account.payment"))
    return _page(form, PayPalForm(formdata=None), 422 if form.errors else 200)


@bp.route("/account/payment/paypal", methods=["POST"])
@login_required
def paypal_start():
    form = PayPalForm()
    if not form.validate_on_submit():
        if set(form.errors) != {"paypal_holder"}:
            abort(400)  # no subscription named: not a request our page makes
        return _page(CardForm(formdata=None), form, 422)
    subscription = _own(form.subscription.data)
    outcome = paypal_method.start(_user(), subscription)
    if outcome.result is Result.REDIRECT:
        return redirect_to(outcome.action_url)
    if outcome.result is Result.UNDER_WAY:
        flash(_("Your PayPal agreement is being prepared: wait a moment, then try again."))
    elif outcome.result is Result.NOTHING_DUE:
        flash(str(NOTHING_DUE))
    else:
        flash(str(PAYPAL_PROBLEMS.get(outcome.decline, PAYPAL_DECLINED)))
    return redirect_to(url_for("account.payment"))


def _own_change(change_id: int) -> MethodChange:
    """The member's own change; anyone else's is not found (404)."""
    change = db.session.get(MethodChange, change_id)
    if change is None or not can(_user(), Record.CHANGE, change):
        abort(404)
    return change


@bp.route("/account/payment/paypal/return/<int:change_id>")
@login_required
def paypal_return(change_id: int):
    """Where PayPal (or the sandbox's page) sends the member back once they approved."""
    change = _own_change(change_id)
    outcome = paypal_method.finish(_user(), change, request.args.to_dict())
    return _after(outcome)


@bp.route("/account/payment/paypal/cancel/<int:change_id>")
@login_required
def paypal_cancel(change_id: int):
    """Where PayPal sends the member back when they turned back on its page."""
    change = _own_change(change_id)
    return _after(paypal_method.cancel(_user(), change))


def _after(outcome: paypal_method.ChangeOutcome):
    if outcome.result is Result.REFUSED:
        # Someone else's approval, a made-up one, or one already used: nothing changed.
        abort(400)
    if outcome.result is Result.DONE:
        email = outcome.method.payer_email
        if email:
            flash(
                _(
                    "From its next payment, your subscription is paid through your PayPal "
                    "account %(email)s.",
                    email=email,
                )
            )
        else:
            flash(_("From its next payment, your subscription is paid through PayPal."))
    elif outcome.result is Result.CANCELLED:
        flash(
            _(
                "You cancelled on PayPal, so nothing has changed: your subscription is still "
                "charged to its current method."
            )
        )
    else:
        flash(str(PAYPAL_PROBLEMS.get(outcome.decline, PAYPAL_DECLINED)))
    return redirect_to(url_for("account.payment"))
