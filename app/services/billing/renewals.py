"""Renewals and the end of Plus reflection: claim the subscriptions due, commit their
charge rows, then charge them one by one with no lock held (app.services.billing.charges).

Several processes may run this at once (PostgreSQL): each claims a batch with
FOR UPDATE SKIP LOCKED, so a subscription another process is claiming is skipped, and a
subscription whose charge is under way (pending, unknown) is not claimed again.
UNIQUE(subscription_id, period_start) on payments is the last word: of two inserts for
one period, one wins and only the winner charges."""

from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Payment, PaymentStatus, Subscription
from app.services.billing import charges
from app.services.billing.charges import Applied

BATCH = 50


def _due(now: datetime, today: date):
    unresolved = exists().where(
        Payment.subscription_id == Subscription.id,
        Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.UNKNOWN)),
    )
    return and_(
        Subscription.payment_method_id.is_not(None),
        or_(
            and_(Subscription.status == S.ACTIVE, Subscription.current_period_end <= today),
            and_(Subscription.status == S.REFLECTION, Subscription.reflection_ends_at <= now),
        ),
        ~unresolved,
    )


def claim(now: datetime, skip: set[int], size: int = BATCH) -> list[tuple[int, int]]:
    """Claim up to `size` due subscriptions and commit a pending charge for each:
    [(subscription id, payment id)]. `skip`: subscriptions this run already tried."""
    today = clock.local_date(now)
    query = (
        select(Subscription)
        .where(_due(now, today))
        .order_by(Subscription.id)
        .limit(size)
        .with_for_update(skip_locked=True, of=Subscription)
    )
    if skip:
        query = query.where(Subscription.id.not_in(skip))
    claimed = []
    for subscription in db.session.scalars(query):
        skip.add(subscription.id)
        # Reflection ends: the first month, from the anchor (the first charge date).
        start = (
            subscription.anchor_date
            if subscription.status is S.REFLECTION
            else subscription.current_period_end
        )
        try:
            with db.session.begin_nested():
                payment = charges.new_renewal(subscription, start)
        except IntegrityError:
            continue  # this period has its charge already (another process won)
        claimed.append((subscription.id, payment.id))
    db.session.commit()  # the claims, before any gateway call; the row locks go with it
    return claimed


def run(now: datetime) -> tuple[int, list[str]]:
    """Charge every renewal due at `now`; (how many charged, what failed)."""
    done, failed, skip = 0, [], set()
    while batch := claim(now, skip):
        for subscription_id, payment_id in batch:
            try:
                applied = charges.charge(payment_id)
            except Exception as error:  # one bad subscription does not stop the others
                db.session.rollback()
                failed.append(f"subscription {subscription_id}: {type(error).__name__}: {error}")
                continue
            if applied is Applied.PAID:
                done += 1
            elif applied is Applied.DECLINED:
                failed.append(f"subscription {subscription_id}: declined, now past due")
            elif applied is Applied.UNKNOWN:
                failed.append(
                    f"subscription {subscription_id}: no answer from the payment service "
                    "(asked again by the next run)"
                )
    return done, failed


def repair(now: datetime) -> tuple[int, list[str]]:
    """Renewal charges left pending or unknown (a crash, a timeout, the gateway down):
    ask the gateway by their idempotency key and apply its answer, without charging
    twice. (settled, still without an answer)"""
    ids = list(
        db.session.scalars(
            select(Payment.id)
            .where(
                Payment.subscription_id.is_not(None),
                Payment.period_start.is_not(None),
                Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.UNKNOWN)),
                # PayPal's are settled by its notifications first, then looked up after a
                # delay (app.services.paypal_renewals, the step before this one).
                Payment.gateway != "paypal",
            )
            .order_by(Payment.id)
        )
    )
    db.session.commit()
    done, failed = 0, []
    for payment_id in ids:
        try:
            applied = charges.lookup(payment_id)
        except Exception as error:
            db.session.rollback()
            failed.append(f"payment {payment_id}: {type(error).__name__}: {error}")
            continue
        if applied in (Applied.PAID, Applied.DECLINED):
            done += 1
        elif applied is Applied.UNKNOWN:
            failed.append(f"payment {payment_id}: still no answer from the payment service")
    return done, failed
