"""A payment's final answer, applied in one place, whoever brings it: Confirm, the
buyer's return from a gateway, a webhook (and, with billing, a renewal)."""

from app.extensions import db
from app.models import Payment, PaymentStatus
from app.services.checkout.completion import settle_order


def settle_payment(payment: Payment, status: PaymentStatus) -> None:
    """Set the payment's status, then apply it to what the payment pays for. Joins the
    caller's transaction."""
    payment.status = status
    if payment.order_id is not None:
        settle_order(payment, status)
    db.session.flush()
