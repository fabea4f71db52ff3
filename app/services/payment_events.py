"""Verified gateway notifications: stored once, then applied to the payment they are about.

A redelivered event hits UNIQUE(provider, event_id) and does nothing. Events can arrive out
of order: one that would move a payment backwards (a late "pending" after "succeeded") is
kept but not applied."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models.payments import Payment, PaymentStatus, WebhookEvent
from app.payments.base import GatewayEvent, Outcome
from app.services import paypal_renewals
from app.services.settlement import settle_payment

# How far along a payment is: an event may only move it forwards.
_RANK = {
    PaymentStatus.PENDING: 0,
    PaymentStatus.UNKNOWN: 0,
    PaymentStatus.ACTION_REQUIRED: 0,
    PaymentStatus.DECLINED: 1,
    PaymentStatus.CANCELLED: 1,
    PaymentStatus.AUTHORISED: 2,
    PaymentStatus.SUCCEEDED: 3,
    PaymentStatus.REFUNDED: 4,
}
_STATUS = {
    Outcome.SUCCEEDED: PaymentStatus.SUCCEEDED,
    Outcome.AUTHORISED: PaymentStatus.AUTHORISED,
    Outcome.DECLINED: PaymentStatus.DECLINED,
    Outcome.CANCELLED: PaymentStatus.CANCELLED,
}


def receive(event: GatewayEvent) -> WebhookEvent | None:
    """Store the event (None when it was already received) and apply it."""
    row = WebhookEvent(
        provider=event.provider,
        event_id=event.event_id,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        payload=dict(event.payload),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    row.outcome = apply(event)
    row.processed_at = clock.now()
    db.session.flush()
    return row


def payment_for(event: GatewayEvent) -> Payment | None:
    if not event.payment_reference:
        return None
    return db.session.scalar(
        select(Payment).where(
            Payment.gateway == event.provider,
            Payment.gateway_reference == event.payment_reference,
        )
    )


def apply(event: GatewayEvent) -> str:
    # A renewal's sale and an agreement's end go through the billing job's rules.
    handled = paypal_renewals.receive(event)
    if handled is not None:
        return handled
    payment = payment_for(event)
    if payment is None:
        return "no matching payment"
    target = _STATUS.get(event.outcome) if event.outcome else None
    if target is None:
        return "nothing to apply"
    if _RANK[target] <= _RANK[payment.status]:
        return f"ignored: payment already {payment.status.value}"
    if event.amount_cents is not None and event.amount_cents != payment.amount_cents:
        return "ignored: amount differs"
    settle_payment(payment, target)
    return f"payment {payment.status.value}"
