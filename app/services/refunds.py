"""Refunds: money given back on a payment through its gateway, with a credit note.

`refund(payment, amount_cents, reason, by)` is the one way to refund. Like a charge
(app.services.checkout.charging), a refund is a protocol with two commits of its own, so
that no transaction stays open while the gateway answers and no answer is lost:
- the refund's row (its idempotency key, and the amount reserved on the payment) is
  committed *before* the gateway is called: a double click finds the amount already
  reserved and cannot refund twice;
- the gateway's answer, with the credit note when it succeeded, is committed *right
  after*.
Whatever the caller changed before calling is committed with the first commit: call it
before (or instead of) other changes that must not outlive a refused refund."""

from sqlalchemy import func, select

from app.domain.errors import DomainError
from app.domain.invoices import refund_problem
from app.extensions import db
from app.models import Payment, PaymentStatus, Refund, RefundStatus, User
from app.payments import gateway_named
from app.payments.base import GatewayTimeout
from app.services import invoices

__all__ = ["refund", "refundable_cents", "refunds_of"]

# DomainError messages (the view says them in words): amount_positive, amount_too_high,
# reason_required, not_paid, refused (the gateway said no), no_answer (it did not
# answer: the refund stays pending and its amount reserved until staff check it).


def refunds_of(payment: Payment) -> list[Refund]:
    return list(
        db.session.scalars(
            select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.id)
        )
    )


def refundable_cents(payment: Payment) -> int:
    """What can still be given back: the amount charged less what succeeded refunds gave
    back and pending ones reserve."""
    if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return 0
    return payment.amount_cents - _reserved(payment)


def _reserved(payment: Payment) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
            Refund.payment_id == payment.id,
            Refund.status.in_((RefundStatus.PENDING, RefundStatus.SUCCEEDED)),
        )
    )


def refund(payment: Payment, amount_cents: int | None, reason: str, by: User | None) -> Refund:
    """Give back `amount_cents` (None: all that is left) of `payment`, for `reason`,
    decided by `by` (a staff member or the member; None for a job). Returns the
    succeeded refund, whose credit note is `invoices.issue_credit_note(refund)` (already
    issued). Raises DomainError (field "amount" or "reason", or None) when it cannot be
    made or the gateway refuses; see the module's docstring for the commits."""
    reason = (reason or "").strip()
    # The payment's row is locked while the amount is reserved: two refunds at once
    # take turns, and the second sees the first's reservation.
    db.session.refresh(payment, with_for_update=True)
    if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        raise DomainError(None, "not_paid")
    if amount_cents is None:
        amount_cents = refundable_cents(payment)
    problems = []
    problem = refund_problem(amount_cents, payment.amount_cents, _reserved(payment))
    if problem:
        problems.append(("amount", problem))
    if not reason:
        problems.append(("reason", "reason_required"))
    if problems:
        raise DomainError.of(problems)
    count = db.session.scalar(select(func.count()).where(Refund.payment_id == payment.id))
    row = Refund(
        payment_id=payment.id,
        idempotency_key=f"refund:{payment.id}:{count + 1}",
        amount_cents=amount_cents,
        currency=payment.currency,
        reason=reason,
        actor_id=by.id if by is not None else None,
        status=RefundStatus.PENDING,
    )
    db.session.add(row)
    db.session.commit()  # the protocol's first commit: the reservation, before the call
    gateway = gateway_named(payment.gateway)
    try:
        result = gateway.refund(
            payment.gateway_reference or "", amount_cents, payment.currency, row.idempotency_key
        )
    except GatewayTimeout:
        db.session.commit()  # the gateway log; the refund stays pending
        raise DomainError(None, "no_answer") from None
    if not result.succeeded:
        row.status = RefundStatus.REFUSED
        db.session.commit()
        raise DomainError(None, "refused")
    row.status = RefundStatus.SUCCEEDED
    row.gateway_reference = result.reference
    payment.refunded_cents = (payment.refunded_cents or 0) + amount_cents
    if payment.refunded_cents >= payment.amount_cents:
        payment.status = PaymentStatus.REFUNDED
    invoices.issue_credit_note(row)
    db.session.commit()  # the protocol's second commit: the answer and its credit note
    return row
