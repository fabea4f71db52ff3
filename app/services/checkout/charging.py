"""A payment attempt, from its row to the gateway's answer.

Never a transaction open across a gateway call. Two commits belong to the protocol,
and are the only ones in checkout (the request commits everything else):
- the attempt's row (or the claim of a return) is committed *before* the call, so a
  double click, a refresh or a concurrent request finds it and does not charge again;
- the gateway's answer is committed *right after* the call, so nothing that fails later
  in the request (a template, an email) can lose what the bank did."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.domain.orders import OrderStatus, transition
from app.extensions import db
from app.models import Order, Payment, PaymentStatus
from app.payments import gateway_named
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayTimeout,
    MethodDetails,
    Outcome,
    Recurring,
)
from app.services.checkout.setup_fee import record_given_back
from app.services.checkout.steps import keep_method
from app.services.checkout.wording import decline_of, plan_title
from app.services.settlement import settle_payment
from app.web.security import log_security_event


class Result(StrEnum):
    COMPLETED = "completed"
    AWAITING_CONSENT = "awaiting_consent"
    REDIRECT = "redirect"  # to the gateway's page (PayPal approval, 3-D Secure)
    PENDING = "pending"  # outcome unknown: asked again, never charged again blindly
    DECLINED = "declined"
    CANCELLED = "cancelled"
    CHANGED = "changed"  # figures or documents moved since Review: nothing charged
    REFUSED = "refused"  # a return that is not this payment's: ignored
    CODE_REFUSED = "code_refused"  # the promo code can no longer be used: nothing charged


@dataclass(frozen=True)
class ConfirmOutcome:
    result: Result
    action_url: str | None = None
    decline: Decline | None = None
    message: str | None = None


@dataclass(frozen=True)
class Context:
    ip: str | None
    user_agent: str | None
    return_url: str
    cancel_url: str


def open_payment(order: Order) -> Payment:
    """The row whose unique (order, attempt) makes this the only request that charges.
    The caller commits it before calling `charge`."""
    order.status = transition(order.status, OrderStatus.PAYMENT_PENDING)
    kind = order.payment_kind.value
    payment = Payment(
        order_id=order.id,
        attempt=order.payment_attempt,
        user_id=order.user_id,
        payment_method_id=order.payment_method_id,
        idempotency_key=f"{order.idempotency_key}:{order.payment_attempt}",
        gateway=current_app.config["PAYPAL_GATEWAY" if kind == "paypal" else "CARD_GATEWAY"],
        amount_cents=order.due_today_cents,
        currency=order.currency,
        status=PaymentStatus.PENDING,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def _charge_request(order: Order, payment: Payment, context: Context) -> ChargeRequest:
    method = order.payment_method
    title = plan_title(order)
    return ChargeRequest(
        idempotency_key=payment.idempotency_key,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        reference=order.reference,
        description=f"{current_app.config['PLATFORM_NAME']} {title} ({order.reference})",
        kind=order.payment_kind.value,
        shopper_reference=f"user-{order.user_id}",
        method_token=method.token if method else None,
        return_url=context.return_url,
        cancel_url=context.cancel_url,
        recurring=Recurring(
            monthly_cents=order.monthly_cents,
            first_charge_on=order.first_charge_on,
            discount_cents=order.discount_cents or 0,
            discount_months=order.discount_months or 0,
            description=title,
        ),
        locale=order.locale or "en",
    )


def charge(order: Order, payment: Payment, context: Context) -> ConfirmOutcome:
    gateway = gateway_named(payment.gateway)
    request = _charge_request(order, payment, context)
    try:
        result = gateway.charge(request)
    except GatewayTimeout:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()  # the protocol's second commit: the gateway log with it
        log_security_event("checkout.payment_unknown", user_id=order.user_id, order=order.reference)
        return ConfirmOutcome(Result.PENDING)
    return _apply(order, payment, result)


def _apply(order: Order, payment: Payment, result: ChargeResult) -> ConfirmOutcome:
    """The gateway's answer, applied and committed at once (see the module's docstring)."""
    outcome = _record_answer(order, payment, result)
    db.session.commit()
    return outcome


def _record_answer(order: Order, payment: Payment, result: ChargeResult) -> ConfirmOutcome:
    if result.reference:
        payment.gateway_reference = result.reference
    if result.outcome is Outcome.ACTION_REQUIRED:
        payment.status = PaymentStatus.ACTION_REQUIRED
        payment.action_url = result.action_url
        return ConfirmOutcome(Result.REDIRECT, action_url=result.action_url)
    if result.outcome is Outcome.UNKNOWN:
        payment.status = PaymentStatus.UNKNOWN
        return ConfirmOutcome(Result.PENDING)
    if result.outcome in (Outcome.SUCCEEDED, Outcome.AUTHORISED):
        if result.method is not None and result.method.token:
            _attach_method(order, payment, result.method)
        settle_payment(
            payment,
            PaymentStatus.SUCCEEDED
            if result.outcome is Outcome.SUCCEEDED
            else PaymentStatus.AUTHORISED,
        )
        return ConfirmOutcome(Result.COMPLETED)
    status = (
        PaymentStatus.CANCELLED if result.outcome is Outcome.CANCELLED else PaymentStatus.DECLINED
    )
    if status is PaymentStatus.DECLINED:
        payment.decline_code = (result.decline or Decline.DECLINED).value
    settle_payment(payment, status)
    return ConfirmOutcome(
        Result.CANCELLED if status is PaymentStatus.CANCELLED else Result.DECLINED,
        decline=result.decline,
    )


def _attach_method(order: Order, payment: Payment, details: MethodDetails) -> None:
    """PayPal: the billing agreement approved on PayPal's page is what renewals charge."""
    method = order.payment_method
    if method is None or method.token != details.token:
        method = keep_method(order.user_id, payment.gateway, details)
        order.payment_method_id = method.id
        payment.payment_method_id = method.id


def open_payment_row(order: Order) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(
            Payment.order_id == order.id, Payment.attempt == order.payment_attempt
        )
    )


def state_of(order: Order) -> ConfirmOutcome:
    if order.status is OrderStatus.COMPLETED:
        return ConfirmOutcome(Result.COMPLETED)
    if order.status is OrderStatus.AWAITING_CONSENT:
        return ConfirmOutcome(Result.AWAITING_CONSENT)
    if order.status is OrderStatus.DRAFT and order.last_decline:
        return ConfirmOutcome(Result.DECLINED, decline=decline_of(order.last_decline))
    payment = open_payment_row(order)
    if payment is not None and payment.status is PaymentStatus.ACTION_REQUIRED:
        return ConfirmOutcome(Result.REDIRECT, action_url=payment.action_url)
    return ConfirmOutcome(Result.PENDING)


def resume(order: Order) -> ConfirmOutcome:
    """A payment is under way: send the buyer back to the gateway if it waits for them, or
    ask the gateway what happened if its answer was lost (never charge again blindly)."""
    payment = open_payment_row(order)
    if payment is None:
        return state_of(order)
    if payment.status is PaymentStatus.ACTION_REQUIRED:
        return ConfirmOutcome(Result.REDIRECT, action_url=payment.action_url)
    if payment.status is PaymentStatus.PENDING and _maybe_in_flight(payment):
        # Another request is still waiting for the gateway's answer: asking now could
        # read "never reached the bank" a moment before the charge lands.
        return ConfirmOutcome(Result.PENDING)
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN):
        return state_of(order)
    gateway = gateway_named(payment.gateway)
    try:
        result = gateway.lookup(payment.idempotency_key, payment.gateway_reference)
    except GatewayTimeout:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()  # the gateway log of the lookup
        return ConfirmOutcome(Result.PENDING)
    if result.outcome is Outcome.DECLINED and result.decline is Decline.GATEWAY_ERROR:
        # Nothing reached the gateway: the order goes back to its payment step.
        payment.decline_code = Decline.GATEWAY_ERROR.value
    return _apply(order, payment, result)


def _maybe_in_flight(payment: Payment) -> bool:
    """A pending payment younger than the gateway timeout (plus a margin) may still have
    its request running; after that, the request has ended one way or another."""
    window = timedelta(seconds=current_app.config["GATEWAY_TIMEOUT_SECONDS"] + 10)
    return clock.now() - payment.updated_at < window


def finish_return(order: Order, params: dict) -> ConfirmOutcome:
    """The buyer is back from PayPal or 3-D Secure. Only a payment still waiting for them
    is completed, and only once: the conditional update below claims it, and the claim
    is committed before the gateway is asked to complete the payment."""
    payment = open_payment_row(order)
    if payment is None or order.status is not OrderStatus.PAYMENT_PENDING:
        log_security_event("checkout.return_refused", user_id=order.user_id, order=order.reference)
        return state_of(order)
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.ACTION_REQUIRED)
        .values(status=PaymentStatus.PENDING)
    ).rowcount
    db.session.commit()  # the protocol's first commit: the claim, before the call
    if not claimed:
        log_security_event("checkout.return_replayed", user_id=order.user_id, order=order.reference)
        db.session.refresh(order)
        return state_of(order)
    db.session.refresh(payment)
    gateway = gateway_named(payment.gateway)
    expected = Expected(
        reference=order.reference,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        payment_reference=payment.gateway_reference,
    )
    if params.get("cancelled"):
        result = ChargeResult(Outcome.CANCELLED, reference=payment.gateway_reference)
    else:
        try:
            result = gateway.complete(expected, params)
        except GatewayTimeout:
            db.session.commit()  # the gateway log
            return ConfirmOutcome(Result.PENDING)
    if result.decline in (Decline.NOT_THIS_ORDER, Decline.AMOUNT_MISMATCH):
        log_security_event(
            "checkout.return_mismatch",
            user_id=order.user_id,
            order=order.reference,
            reason=result.decline.value,
        )
    if result.decline is Decline.NOT_THIS_ORDER:
        # Someone else's token, or a made-up one: refused, and the buyer's own approval
        # still waits for them untouched.
        payment.status = PaymentStatus.ACTION_REQUIRED
        db.session.commit()
        return ConfirmOutcome(Result.REFUSED)
    if result.decline is Decline.AMOUNT_MISMATCH:
        record_given_back(order, payment, result)
    return _apply(order, payment, result)


def abandon_action(order: Order) -> bool:
    """The buyer gives up on an approval or 3-D Secure page and wants another way to pay.
    Only a payment still waiting for them can be dropped: nothing was charged for it."""
    payment = open_payment_row(order)
    if payment is None or order.status is not OrderStatus.PAYMENT_PENDING:
        return False
    dropped = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.ACTION_REQUIRED)
        .values(status=PaymentStatus.CANCELLED, decline_code="abandoned")
    ).rowcount
    if not dropped:
        return False
    db.session.refresh(payment)
    settle_payment(payment, PaymentStatus.CANCELLED)
    return True
