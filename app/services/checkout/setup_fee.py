"""The setup fee of a PayPal agreement checkout refused (signed for other figures than the
order's, app.payments.paypal.agreements): PayPal took it when the agreement was executed
and the gateway gave it back. The books say so (Terms §3.3): an invoice for the fee that
was collected and a credit note for its refund, so that invoices less credit notes stay
what the gateway kept. Recorded once per agreement, whatever the number of returns."""

from sqlalchemy import select

from app.extensions import db
from app.models import Order, Payment, PaymentStatus, Refund, RefundStatus
from app.payments.base import ChargeResult
from app.services import invoices

REASON = "Setup fee of a PayPal agreement signed for other figures than the order's"


def record_given_back(order: Order, payment: Payment, result: ChargeResult) -> Payment | None:
    """The fee's charge (invoiced) and its refund (with its credit note once PayPal
    refunded it; pending for staff when it did not answer). Joins the caller's
    transaction. None when the agreement took no fee."""
    fee = result.raw.get("setup_fee") if result.raw else None
    if not fee:
        return None
    key = str(fee["key"])
    existing = db.session.scalar(select(Payment).where(Payment.idempotency_key == key))
    if existing is not None:
        return existing
    # Not one of the order's attempts (attempt stays empty): checkout never reads it as
    # the order's payment, and settling it would not complete the order.
    collected = Payment(
        order_id=order.id,
        user_id=order.user_id,
        idempotency_key=key,
        gateway=payment.gateway,
        amount_cents=fee["cents"],
        currency=fee["currency"],
        status=PaymentStatus.SUCCEEDED,
        gateway_reference=fee.get("sale_id"),
    )
    db.session.add(collected)
    db.session.flush()
    invoices.issue_for_payment(collected)
    refunded = fee.get("refunded")
    refund = Refund(
        payment_id=collected.id,
        idempotency_key=key,
        amount_cents=fee["cents"],
        currency=fee["currency"],
        reason=REASON,
        actor_id=None,
        # Refused by PayPal or no answer: pending, for staff to check from the order.
        status=RefundStatus.SUCCEEDED if refunded else RefundStatus.PENDING,
        gateway_reference=fee.get("refund_id"),
    )
    db.session.add(refund)
    db.session.flush()
    if refunded:
        collected.refunded_cents = fee["cents"]
        collected.status = PaymentStatus.REFUNDED
        invoices.issue_credit_note(refund)
    db.session.flush()
    return collected
