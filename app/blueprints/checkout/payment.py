"""Step 4, the payment method, with its card checks and the sandbox's test cards; giving
up a payment that waits on the bank or PayPal; and the sandbox gateway's own pages."""

from flask import abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import EmptyForm, PaymentForm
from app.blueprints.checkout.shared import _next_step, _page, step_view, with_order
from app.domain.cards import digits_only
from app.domain.errors import DomainError
from app.domain.orders import Step
from app.models import PaymentKind
from app.services import paypal_method
from app.services.checkout import charging, orders, steps, wording
from app.web.card_fields import check_card_fields
from app.web.rendering import redirect_to, render


def _check_card_fields(form: PaymentForm, order) -> bool:
    """The sandbox takes the card on this page: say exactly what is wrong with it."""
    number = digits_only(form.card_number.data or "")
    keep = order.payment_method_id and order.payment_kind is PaymentKind.CARD
    if not number and keep and not order.last_decline:
        return True  # keep the card saved before (never one the bank just declined)
    return check_card_fields(form)


@bp.route("/<public_id>/payment", methods=["GET", "POST"])
@with_order
@step_view(Step.PAYMENT)
def payment(order):
    form = PaymentForm()
    if request.method == "GET":
        form.payment_kind.data = order.payment_kind.value if order.payment_kind else None
        form.holder.data = order.holder_confirmed_at is not None
    sandbox = current_app.config["CARD_GATEWAY"] == "sandbox"
    valid = form.validate_on_submit()
    # The card's fields are checked even when another answer is missing (the holder's
    # statement): one submit shows every mistake.
    by_card = request.method == "POST" and form.payment_kind.data == PaymentKind.CARD.value
    fields_ok = not (by_card and sandbox) or _check_card_fields(form, order)
    if valid:
        kind = PaymentKind(form.payment_kind.data)
        if fields_ok:
            posted = {
                "card_number": digits_only(form.card_number.data or ""),
                "card_expiry": form.card_expiry.data or "",
                "card_cvc": form.card_cvc.data or "",
                "adyen_state_data": form.adyen_state_data.data or "",
            }
            try:
                steps.save_payment(order, kind, posted, form.holder.data)
            except DomainError as error:
                # With Adyen the card fields are Adyen's own: the error goes on the choice.
                visible = (
                    "payment_kind"
                    if current_app.config["CARD_GATEWAY"] == "adyen"
                    else "card_number"
                )
                target = (
                    error.field
                    if error.field in form and error.field != "adyen_state_data"
                    else visible
                )
                form[target].errors.append(error.message)
            else:
                return redirect_to(_next_step(order, Step.PAYMENT))
    # No card field ever goes back into the page (the form also asks the browser not to
    # restore them on Back: autocomplete="off" in payment.html).
    form.card_number.data = form.card_expiry.data = form.card_cvc.data = ""
    status = 422 if form.errors else 200
    decline = wording.decline_message(order.last_decline) if order.last_decline else None
    return _page(
        "checkout/payment.html",
        order,
        form,
        status,
        sandbox=sandbox,
        paypal_sandbox=current_app.config["PAYPAL_GATEWAY"] == "sandbox",
        adyen=current_app.config["CARD_GATEWAY"] == "adyen",
        test_cards=TEST_CARD_ROWS if sandbox else (),
        decline=decline,
    )


TEST_CARD_ROWS = (
    ("4242 4242 4242 4242", _l("The payment succeeds.")),
    ("5555 5555 5555 4444", _l("The payment succeeds (Mastercard).")),
    ("4000 0000 0000 0002", _l("The bank declines the payment.")),
    ("4000 0000 0000 9995", _l("The bank declines: insufficient funds.")),
    ("4000 0000 0000 0069", _l("The bank declines: expired card.")),
    ("4000 0000 0000 3220", _l("The bank asks for 3-D Secure; the sandbox page lets you approve.")),
    ("4000 0000 0000 0119", _l("The bank's answer is lost (a timeout); check again afterwards.")),
)


@bp.route("/<public_id>/payment/abandon", methods=["POST"])
@with_order
def abandon_payment(order):
    form = EmptyForm()
    if not form.validate_on_submit() or order.user_id is None:
        abort(400)
    charging.abandon_action(order)
    return redirect_to(url_for("checkout.payment", public_id=order.public_id))


# --- The sandbox gateway's own pages (offline stand-ins for 3-D Secure and PayPal) --------


def _sandbox_transaction(reference: str, kind: str):
    from app.payments.sandbox import SandboxGateway

    setting = "PAYPAL_GATEWAY" if kind == "paypal" else "CARD_GATEWAY"
    if current_app.config[setting] != "sandbox" or not current_user.is_authenticated:
        abort(404)
    gateway = SandboxGateway()
    row = gateway.transaction(reference)
    if row is None or row.kind != kind:
        abort(404)
    order = orders.find_by_reference(row.merchant_reference)
    if order is None or order.user_id != current_user.id:
        abort(404)
    return gateway, row, order


def _sandbox_page(kind: str, reference: str):
    gateway, row, order = _sandbox_transaction(reference, kind)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        approve = request.form.get("answer") == "approve"
        row = gateway.decide(reference, approve)
        target = row.return_url if approve or kind != "paypal" else row.cancel_url
        separator = "&" if "?" in target else "?"
        return redirect(f"{target}{separator}reference={row.reference}")
    return render(
        "checkout/sandbox_gateway.html",
        "content",
        kind=kind,
        row=row,
        order=order,
        form=form,
        change=_method_change(row),
    )


def _method_change(row):
    """The PayPal agreement asked for from Settings → Payment (not a checkout's), which
    charges nothing now: the page says what it bills instead."""
    if row.kind != "paypal":
        return None
    return paypal_method.change_by_key(row.idempotency_key)


@bp.route("/sandbox/3ds/<reference>", methods=["GET", "POST"])
def sandbox_3ds(reference: str):
    return _sandbox_page("card", reference)


@bp.route("/sandbox/paypal/<reference>", methods=["GET", "POST"])
def sandbox_paypal(reference: str):
    return _sandbox_page("paypal", reference)
