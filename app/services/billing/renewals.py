"""Renewals and the end of Plus reflection, a batch at a time: claim the subscriptions
due and commit their charge rows (one transaction), call the gateway for each with no
lock held and commit its answers (one), then apply them with their invoices (one).

Several processes may run this at once (PostgreSQL): each claims a batch with
FOR UPDATE SKIP LOCKED, so a subscription another process is claiming is skipped, and a
subscription whose charge is under way (pending, unknown) is not claimed again.
UNIQUE(subscription_id, period_start) on payments is the last word: of two inserts for
one period, one wins and only the winner charges."""

from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.paypal_agreements import is_plan_agreement
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Order, Payment, PaymentMethod, PaymentStatus, Subscription, User
from app.payments.base import ChargeResult, Outcome
from app.services import terms_prices
from app.services.billing import charges, fees
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


def claim(now: datetime, skip: set[int], size: int = BATCH) -> list[charges.Call]:
    """Claim up to `size` due subscriptions and commit a pending charge for each, in one
    transaction: their gateway calls. `skip`: subscriptions this run already tried."""
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
    calls = []
    offers = terms_prices.offers()  # §1: new prices of material versions (usually none)
    for subscription in db.session.scalars(query).all():
        skip.add(subscription.id)
        # Reflection ends: the first month, from the anchor (the first charge date).
        start = (
            subscription.anchor_date
            if subscription.status is S.REFLECTION
            else subscription.current_period_end
        )
        try:
            with db.session.begin_nested():
                payment = charges.new_renewal(subscription, start, offers)
        except IntegrityError:
            continue  # this period has its charge already (another process won)
        calls.append(charges.prepare(payment))
    db.session.commit()  # the claims, before any gateway call; the row locks go with it
    return calls


def _send_all(calls: list[charges.Call]) -> tuple[list[tuple[charges.Call, ChargeResult]], str]:
    """Each call to the gateway, one after the other, then one commit for all their
    answers (the gateway's books and log) before any is applied. A gateway that fails
    for one leaves it unknown (asked again by the next run) and the others go on. If the
    session itself broke (a failed write of the gateway's), none of this batch's answers
    is applied: all stay pending, and the next run asks about each by its key."""
    answers = []
    for call in calls:
        try:
            result = charges.send(call)
        except charges.GatewayDown:
            result = ChargeResult(Outcome.UNKNOWN)
        if not db.session.is_active:
            db.session.rollback()
            return [], "the batch's answers were lost"
        answers.append((call, result))
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


def _apply_all(answers) -> list[tuple[charges.Call, Applied | Exception]]:
    """Apply a batch of answers in one transaction, each in its own savepoint (one that
    fails is rolled back alone, and stays pending for the next run): the invoice
    counter is locked once for the batch, its numbers given in order."""
    kept = _load([call.payment_id for call, _result in answers])  # noqa: F841 (held)
    outcomes: list[tuple[charges.Call, Applied | Exception]] = []
    for call, result in answers:
        try:
            with db.session.begin_nested():
                outcomes.append((call, charges.apply(call.payment_id, result)))
        except Exception as error:  # one bad subscription does not stop the others
            outcomes.append((call, error))
    db.session.commit()
    return outcomes


def _load(payment_ids: list[int]) -> list:
    """Read the batch's rows that applying and invoicing look up one by one (orders,
    members, payment methods), a query per table rather than per subscription: the
    session then finds them in its identity map, as long as the caller holds the list
    (the map keeps no object alive by itself). (Payments and subscriptions are read
    again, locked, by `charges.apply`.)"""
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


def run(now: datetime) -> tuple[int, list[str]]:
    """Charge every renewal due at `now`, a batch at a time; (how many charged, what
    failed)."""
    done, failed, skip = 0, [], set()
    while calls := claim(now, skip):
        answers, lost = _send_all(calls)
        if lost:
            failed.extend(f"subscription {c.subscription_id}: {lost}" for c in calls)
            continue
        for call, applied in _apply_all(answers):
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
