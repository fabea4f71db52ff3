"""Renewals and the end of Plus reflection, a batch at a time: claim the subscriptions
due and commit their charge rows (one transaction), call the gateway for each with no
lock held and commit its answers (one), then apply them with their invoices (one).

Several processes may run this at once (PostgreSQL): each claims a batch with
FOR UPDATE SKIP LOCKED, so a subscription another process is claiming is skipped, and a
subscription whose charge is under way (pending, unknown) is not claimed again.
UNIQUE(subscription_id, period_start) on payments is the last word: of two inserts for
one period, one wins and only the winner charges."""

from datetime import date, datetime

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.paypal_agreements import is_plan_agreement
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Order, Payment, PaymentMethod, PaymentStatus, Subscription
from app.payments.base import ChargeResult
from app.services import mail, terms_prices
from app.services.billing import batches, charges, fees, referrals
from app.services.billing.charges import Applied

# Subscriptions claimed, charged and applied together: three commits per batch instead
# of two per subscription, and the invoice counter locked once per batch.
BATCH = 200


def _due(now: datetime, today: date):
    unresolved = exists().where(
        Payment.subscription_id == Subscription.id,
        Payment.status.in_((PaymentStatus.PENDING, PaymentStatus.UNKNOWN)),
    )
    # Also without a payment method (one taken off when a PayPal agreement was cancelled):
    # the renewal is due all the same, and fails without asking any gateway (§3.2).
    return and_(
        or_(
            and_(Subscription.status == S.ACTIVE, Subscription.current_period_end <= today),
            and_(Subscription.status == S.REFLECTION, Subscription.reflection_ends_at <= now),
        ),
        ~unresolved,
    )


def claim(
    now: datetime, tried: set[int], after: int = 0, size: int = BATCH
) -> tuple[list[charges.Call], int | None]:
    """Claim up to `size` due subscriptions after the id `after` and commit a pending
    charge for each, in one transaction: (their gateway calls, the last id seen, None
    when nothing is due after `after`). `tried`: subscriptions this run already tried
    (passed over, and added to)."""
    today = clock.local_date(now)
    held = db.session.scalars(
        select(Subscription)
        .where(_due(now, today), Subscription.id > after)
        .order_by(Subscription.id)
        .limit(size)
        .with_for_update(skip_locked=True, of=Subscription)
    ).all()
    if not held:
        db.session.commit()
        return [], None
    fresh = [subscription for subscription in held if subscription.id not in tried]
    tried.update(subscription.id for subscription in fresh)
    kept = _prefetch(fresh)  # noqa: F841 (held: the identity map keeps nothing alive)
    calls = [charges.prepare(payment) for payment in _new_renewals(fresh)]
    db.session.commit()  # the claims, before any gateway call; the row locks go with it
    return calls, held[-1].id


def _start(subscription: Subscription) -> date:
    # Reflection ends: the first month, from the anchor (the first charge date).
    if subscription.status is S.REFLECTION:
        return subscription.anchor_date
    return subscription.current_period_end


def _new_renewals(held: list[Subscription]) -> list[Payment]:
    """The charge rows of the claimed subscriptions, inserted together; if one period
    has its charge already (another process won), one by one, each in a savepoint, and
    that one is left out. Then the referral credits (§4) of those who have some."""
    offers = terms_prices.offers()  # §1: new prices of material versions (usually none)
    rows = [charges.renewal_row(s, _start(s), offers) for s in held]
    try:
        with db.session.begin_nested():
            # One statement without RETURNING, then the rows read back by their keys:
            # on PostgreSQL a multi-row INSERT ... RETURNING costs three times as much.
            db.session.execute(insert(Payment), rows)
    except IntegrityError:
        return _new_renewals_one_by_one(held, offers)
    keys = [row["idempotency_key"] for row in rows]
    payments = list(
        db.session.scalars(
            select(Payment).where(Payment.idempotency_key.in_(keys)).order_by(Payment.id)
        )
    )
    credited = referrals.referrers_with_credit({payment.user_id for payment in payments})
    for payment in payments:
        if payment.user_id in credited:
            referrals.take_credit(payment)
    return payments


def _new_renewals_one_by_one(held: list[Subscription], offers) -> list[Payment]:
    payments = []
    for subscription in held:
        try:
            with db.session.begin_nested():
                payments.append(charges.new_renewal(subscription, _start(subscription), offers))
        except IntegrityError:
            continue  # this period has its charge already (another process won)
    return payments


def _prefetch(held: list[Subscription]) -> list:
    """The claimed subscriptions' payment methods and orders, a query per table: the
    charge rows and the gateway calls find them in the session's identity map."""
    method_ids = {s.payment_method_id for s in held if s.payment_method_id is not None}
    order_ids = {s.order_id for s in held}
    return [
        *db.session.scalars(select(PaymentMethod).where(PaymentMethod.id.in_(method_ids))),
        *db.session.scalars(select(Order).where(Order.id.in_(order_ids))),
    ]


def _send_all(calls: list[charges.Call]) -> tuple[list[tuple[charges.Call, ChargeResult]], str]:
    """The batch's calls to the gateway, then one commit for all their answers (the
    gateway's books and log) before any is applied. A gateway that fails for one leaves
    it unknown (asked again by the next run) and the others go on. If the session itself
    broke (a failed write of the gateway's), none of this batch's answers is applied:
    all stay pending, and the next run asks about each by its key."""
    try:
        answers = list(zip(calls, charges.send_many(calls), strict=True))
    except Exception as error:
        db.session.rollback()
        return [], f"the batch's answers were lost: {type(error).__name__}: {error}"
    if not db.session.is_active:
        db.session.rollback()
        return [], "the batch's answers were lost"
    # The gateway's ids with the books, so a crash before applying leaves them known.
    references = [
        {"id": call.payment_id, "gateway_reference": result.reference}
        for call, result in answers
        if result.reference
    ]
    try:
        if references:
            db.session.execute(update(Payment), references)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        return [], f"the batch's answers were not kept: {type(error).__name__}: {error}"
    return answers, ""


def run(now: datetime) -> tuple[int, list[str]]:
    """Charge every renewal due at `now`, a batch at a time; (how many charged, what
    failed)."""
    done, failed, tried = 0, [], set()
    for calls in _claims(now, tried):
        answers, lost = _send_all(calls)
        if lost:
            failed.extend(f"subscription {c.subscription_id}: {lost}" for c in calls)
            continue
        outcomes = batches.apply_all(answers)
        # Their emails go out in the job's last step, with every other due message: the
        # session need not hold on to them (a run of 100,000 would keep them all).
        mail.take_committed()
        for call, applied in outcomes:
            subscription_id = call.subscription_id
            if isinstance(applied, Exception):
                failed.append(
                    f"subscription {subscription_id}: {type(applied).__name__}: {applied}"
                )
            elif applied is Applied.PAID:
                done += 1
            elif applied is Applied.DECLINED:
                failed.append(f"subscription {subscription_id}: declined, now past due")
            elif applied is Applied.UNKNOWN and _billed_by_paypal(call):
                done += 1  # PayPal bills its plan itself; its sale settles the charge
            elif applied is Applied.UNKNOWN:
                failed.append(
                    f"subscription {subscription_id}: no answer from the payment service "
                    "(asked again by the next run)"
                )
    return done, failed


def _claims(now: datetime, tried: set[int]):
    """Batch after batch of claimed calls, in the order of the subscriptions' ids; then
    one more pass from the start, for what another process held locked when this one
    went by and let go of unclaimed (a member's own request, a process that failed)."""
    for _sweep in range(2):
        after: int | None = 0
        while True:
            calls, after = claim(now, tried, after)
            if after is None:
                break
            if calls:
                yield calls


def _billed_by_paypal(call: charges.Call) -> bool:
    return (
        call.request is not None
        and call.gateway == "paypal"
        and is_plan_agreement(call.request.method_token)
    )


def repair(now: datetime) -> tuple[int, list[str]]:
    """Renewal charges and termination fees left pending or unknown (a crash, a
    timeout, the gateway down): ask the gateway by their idempotency key and apply its
    answer, without charging twice. (settled, still without an answer)"""
    ids = list(
        db.session.scalars(
            select(Payment.id)
            .where(
                Payment.subscription_id.is_not(None),
                # Renewals (and their retries), and termination fees.
                or_(
                    Payment.period_start.is_not(None),
                    Payment.idempotency_key.like(f"{fees.PREFIX}%"),
                ),
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
