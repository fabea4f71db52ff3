"""A subscription's money and status history, newest first, for Settings → Premium
(Terms §3.3: "your transaction history can be reviewed at any time"): charges with their
invoice, failed charges, refunds with their credit note, the interest and fee of an
unpaid renewal, referral credit spent, and every status change.

Public API: `history(subscription) -> list[Entry]`. Each entry's `kind` is one of KINDS;
the page says it in words."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    Invoice,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    Subscription,
)
from app.services import subscriptions

KINDS = ("charge", "failed_charge", "refund", "interest", "fee", "credit", "status")


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    amount_cents: int | None = None
    currency: str = "EUR"
    # The invoice or credit note it has (charges and refunds).
    reference: str | None = None
    # Status changes: the new status and why.
    status: SubscriptionStatus | None = None
    reason: Reason | None = None


def history(subscription: Subscription) -> list[Entry]:
    payments = list(
        db.session.scalars(
            select(Payment).where(
                or_(
                    Payment.subscription_id == subscription.id,
                    Payment.order_id == subscription.order_id,
                )
            )
        )
    )
    ids = [p.id for p in payments]
    documents = {
        (i.payment_id, i.refund_id): i.reference
        for i in db.session.scalars(select(Invoice).where(Invoice.payment_id.in_(ids)))
    }
    entries = []
    for payment in payments:
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
            entries.append(
                Entry(
                    payment.updated_at,
                    "charge",
                    payment.amount_cents,
                    payment.currency,
                    documents.get((payment.id, None)),
                )
            )
        elif payment.status is PaymentStatus.DECLINED:
            entries.append(
                Entry(payment.updated_at, "failed_charge", payment.amount_cents, payment.currency)
            )
        if payment.credit_cents:
            entries.append(
                Entry(payment.created_at, "credit", payment.credit_cents, payment.currency)
            )
    refunds = db.session.scalars(
        select(Refund).where(Refund.payment_id.in_(ids), Refund.status == RefundStatus.SUCCEEDED)
    )
    for refund in refunds:
        reference = documents.get((refund.payment_id, refund.id))
        entries.append(
            Entry(refund.created_at, "refund", refund.amount_cents, refund.currency, reference)
        )
    for due in db.session.scalars(
        select(BillingDue).where(BillingDue.subscription_id == subscription.id)
    ):
        at = due.closed_at or due.opened_at
        if due.interest_cents:
            entries.append(Entry(at, "interest", due.interest_cents, due.currency))
        if due.fee_cents:
            entries.append(Entry(at, "fee", due.fee_cents, due.currency))
    for event in subscriptions.history(subscription):
        entries.append(
            Entry(
                event.occurred_at,
                "status",
                event.amount_cents,
                event.currency or subscription.currency,
                status=event.to_status,
                reason=event.reason,
            )
        )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
