"""Referral credit (§4): earned by the referrer once the referee's first payment can no
longer be taken back (past the Solo withdrawal period, or Plus's first month, charged
when reflection ends), then taken off the referrer's next renewal charges.

The credit is taken when a renewal's charge row is claimed (in the claim's transaction,
the referral rows locked), so two renewals of one referrer cannot spend it twice; it
stays with that period's charge whether it is paid at once or later."""

from datetime import datetime

from sqlalchemy import select

from app.domain.billing import apply_credit, referral_credit_earned
from app.domain.paypal_agreements import is_plan_agreement
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Payment, PaymentStatus, Referral, Subscription
from app.services.payment_methods import method_by_id


def _first_paid_at(subscription: Subscription) -> datetime | None:
    return db.session.scalar(
        select(Payment.created_at)
        .where(
            (Payment.order_id == subscription.order_id)
            | (Payment.subscription_id == subscription.id),
            Payment.status == PaymentStatus.SUCCEEDED,
            Payment.amount_cents > 0,
        )
        .order_by(Payment.created_at)
        .limit(1)
    )


def grant(now: datetime) -> tuple[int, list[str]]:
    """Credit every referral whose referee's first payment is past its withdrawal or
    reflection period; (credited, failed)."""
    rows = db.session.scalars(
        select(Referral)
        .where(Referral.credited_at.is_(None))
        .order_by(Referral.id)
        .with_for_update(skip_locked=True)
    )
    done = 0
    for referral in list(rows):
        subscription = db.session.scalar(
            select(Subscription).where(Subscription.order_id == referral.order_id)
        )
        if subscription is None:
            continue
        withdrawn = subscription.status is SubscriptionStatus.WITHDRAWN
        if referral_credit_earned(subscription.plan, _first_paid_at(subscription), withdrawn, now):
            referral.credited_at = now
            referral.credit_left_cents = referral.credit_cents
            done += 1
    db.session.commit()
    return done, []


def referrers_with_credit(user_ids: set[int]) -> set[int]:
    """Which of these members have credit left to spend (read without a lock: only
    `take_credit` spends it)."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(Referral.referrer_id).where(
                Referral.referrer_id.in_(user_ids),
                Referral.credited_at.is_not(None),
                Referral.credit_left_cents > 0,
            )
        )
    )


def take_credit(payment: Payment) -> None:
    """Take the referrer's unspent credit off a renewal charge being claimed (caller's
    transaction): oldest credit first, never more than the charge. Not off a month that
    PayPal's plan bills by itself: it takes the full price whatever we charge (a month the
    credit paid would be paid twice), so the credit waits for a charge of ours."""
    method = method_by_id(payment.payment_method_id)
    if method is not None and method.kind == "paypal" and is_plan_agreement(method.token):
        return
    rows = list(
        db.session.scalars(
            select(Referral)
            .where(
                Referral.referrer_id == payment.user_id,
                Referral.credited_at.is_not(None),
                Referral.credit_left_cents > 0,
            )
            .order_by(Referral.credited_at, Referral.id)
            .with_for_update()
        )
    )
    available = sum(row.credit_left_cents for row in rows)
    if not available:
        return
    left, used = apply_credit(payment.amount_cents, available)
    payment.amount_cents, payment.credit_cents = left, used
    for row in rows:
        spent = min(row.credit_left_cents, used)
        row.credit_left_cents -= spent
        used -= spent
        if not used:
            break
    db.session.flush()
