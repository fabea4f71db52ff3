"""A payment's final answer, applied in one place, whoever brings it: Confirm, the
buyer's return from a gateway, a webhook, a renewal by the billing job."""

from app.extensions import db
from app.models import Invoice, Payment, PaymentStatus
from app.services import invoices
from app.services.checkout.completion import settle_order


def settle_payment(payment: Payment, status: PaymentStatus) -> Invoice | None:
    """Set the payment's status, then apply it to what the payment pays for. Joins the
    caller's transaction. Every charge that succeeds gets its invoice here, in the same
    transaction as the answer (Terms §3.3): whichever channel settles it, and however
    often, there is exactly one. Returns that invoice (None when nothing was paid)."""
    payment.status = status
    if payment.order_id is not None:
        settle_order(payment, status)
    invoice = None
    if status is PaymentStatus.SUCCEEDED and payment.amount_cents > 0:
        # After the order's side, so that the subscription it started is the period's.
        invoice = invoices.issue_for_payment(payment)
    db.session.flush()
    return invoice


def settle_paid_renewals(payments: list[Payment]) -> dict[int, str]:
    """`settle_payment(payment, SUCCEEDED)` for many renewal charges at once, each with
    something charged, no order to complete and no invoice yet (the billing job checks):
    their statuses, and their invoices numbered together. {payment id: invoice
    reference}"""
    for payment in payments:
        if payment.order_id is not None or payment.amount_cents <= 0:
            raise ValueError(f"payment {payment.id} is not a plain renewal charge")
        payment.status = PaymentStatus.SUCCEEDED
    return invoices.issue_for_payments(payments)
