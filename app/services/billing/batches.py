"""A batch of renewal answers applied in one transaction.

Most answers of a billing run are the same story: an active subscription's renewal
paid at its price. Those are applied together: their subscriptions and payments locked
by two statements (in that order, as everywhere), their invoices numbered by one move of the counter, one flush for
them all. Any other answer (a decline, a retry's balance, a referral credit, a
reflection's end, a termination fee, no answer) is applied alone in a savepoint, as
`charges.apply` does for a single charge, so one that fails is rolled back by itself.

If the shared part fails, the transaction is rolled back and every answer of the batch
is applied alone instead: the batch is only a faster way to the same rows."""

from sqlalchemy import select

from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    Invoice,
    InvoiceKind,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Subscription,
    User,
)
from app.payments.base import ChargeResult, Outcome
from app.services import mail
from app.services.billing import charges, emails, fees
from app.services.billing.charges import Applied
from app.services.settlement import settle_paid_renewals

Answer = tuple[charges.Call, ChargeResult]
Outcomes = list[tuple[charges.Call, Applied | Exception]]


def apply_all(answers: list[Answer]) -> Outcomes:
    """Apply a batch of the gateway's answers and commit; each answer's outcome (or the
    error that left it pending for the next run)."""
    try:
        outcomes = _together(answers)
    except Exception:
        db.session.rollback()
        outcomes = None
    if outcomes is None:
        outcomes = _one_by_one(answers)
    db.session.commit()
    return outcomes


def _together(answers: list[Answer]) -> Outcomes:
    ids = [call.payment_id for call, _result in answers]
    kept = _load(ids)  # noqa: F841 (held: the session's identity map keeps nothing alive)
    # The subscriptions, then their payments, as every request locks them (see
    # charges.apply): the other order is a deadlock with a member's request.
    held = list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.id.in_({call.subscription_id for call, _result in answers}))
            .order_by(Subscription.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    subscriptions = {s.id: s for s in held}
    payments = {
        p.id: p
        for p in db.session.scalars(
            select(Payment)
            .where(Payment.id.in_(ids))
            .order_by(Payment.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    taken = set(
        db.session.scalars(
            select(BillingDue.payment_id).where(BillingDue.payment_id.in_(ids))
        ).all()
    ) | set(
        db.session.scalars(
            select(Invoice.payment_id).where(
                Invoice.payment_id.in_(ids), Invoice.kind == InvoiceKind.INVOICE
            )
        ).all()
    )
    plain, others = [], []
    for call, result in answers:
        payment = payments[call.payment_id]
        subscription = subscriptions[payment.subscription_id]
        if _is_plain(payment, subscription, result, taken):
            plain.append((call, result, payment, subscription))
        else:
            others.append((call, result))
    for _call, result, payment, _subscription in plain:
        if result.reference:
            payment.gateway_reference = result.reference
    issued = settle_paid_renewals([payment for _c, _r, payment, _s in plain])
    for _call, _result, payment, subscription in plain:
        charges.advance(subscription, payment)
    db.session.flush()
    mail.send_many(
        [
            emails.renewal_charged_mail(subscription, payment, issued[payment.id])
            for _call, _result, payment, subscription in plain
        ]
    )
    return [(call, Applied.PAID) for call, *_rest in plain] + _one_by_one(others)


def _is_plain(
    payment: Payment, subscription: Subscription, result: ChargeResult, taken: set[int]
) -> bool:
    """A renewal of an active subscription paid at its price: nothing else to apply."""
    return (
        result.outcome is Outcome.SUCCEEDED
        and payment.status in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN)
        and payment.period_start is not None
        and payment.order_id is None
        and payment.amount_cents > 0
        and not payment.credit_cents
        and not fees.is_fee(payment)
        and payment.id not in taken
        and subscription.status is SubscriptionStatus.ACTIVE
    )


def _one_by_one(answers: list[Answer]) -> Outcomes:
    """Each answer in its own savepoint: one that fails is rolled back alone and stays
    pending for the next run."""
    kept = _load([call.payment_id for call, _result in answers])  # noqa: F841 (held)
    outcomes: Outcomes = []
    for call, result in answers:
        try:
            with db.session.begin_nested():
                outcomes.append((call, charges.apply(call.payment_id, result)))
        except Exception as error:  # one bad subscription does not stop the others
            outcomes.append((call, error))
    return outcomes


def _load(payment_ids: list[int]) -> list:
    """Read the batch's rows that applying and invoicing look up one by one (orders,
    members, payment methods), a query per table rather than per subscription: the
    session then finds them in its identity map, as long as the caller holds the list."""
    if not payment_ids:
        return []
    rows = db.session.execute(
        select(Subscription.order_id, Subscription.user_id, Payment.payment_method_id)
        .join(Payment, Payment.subscription_id == Subscription.id)
        .where(Payment.id.in_(payment_ids))
    ).all()
    loaded = []
    for model, ids in (
        (Order, {row[0] for row in rows}),
        (User, {row[1] for row in rows}),
        (PaymentMethod, {row[2] for row in rows if row[2] is not None}),
    ):
        loaded.extend(db.session.scalars(select(model).where(model.id.in_(ids))))
    return loaded
