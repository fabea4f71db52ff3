"""Subscriptions: what a member holds, and the one way a status changes.

Every status is written here, by `start` (a new subscription's first status) or
`change_status` (every later one): each checks the move against the domain's table and
records it in `subscription_events`, in the caller's transaction (flush only)."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, inspect, select

from app.domain.order_pricing import NextCharge, next_charge
from app.domain.orders import Plan
from app.domain.subscriptions import (
    LIVE_SUBSCRIPTION,
    Reason,
    SubscriptionStatus,
    check_reason,
    initial_status,
    last_day_if_replaced,
    next_billing_date,
    transition,
)
from app.extensions import db
from app.models import Order, Subscription, SubscriptionEvent, User
from app.models.subscriptions import status_writer


def start(
    subscription: Subscription,
    *,
    reason: Reason = Reason.ORDER_COMPLETED,
    by_user: User | None = None,
    by_job: str | None = None,
    amount_cents: int | None = None,
    note: str | None = None,
) -> SubscriptionEvent:
    """Add a new subscription with its plan's first status and the row recording it."""
    target = initial_status(subscription.plan)
    check_reason(subscription.plan, None, target, reason)
    with status_writer():
        subscription.status = target
    db.session.add(subscription)
    recorded = _record(subscription, None, target, reason, by_user, by_job, amount_cents, note)
    db.session.flush()
    return recorded


def change_status(
    subscription: Subscription,
    target: SubscriptionStatus,
    *,
    reason: Reason,
    by_user: User | None = None,
    by_job: str | None = None,
    amount_cents: int | None = None,
    note: str | None = None,
) -> SubscriptionEvent:
    """Move a subscription to `target` for `reason`, made by a person (`by_user`) or a
    scheduled job (`by_job`, e.g. "billing"); `amount_cents` (in the subscription's
    currency) is what the change charged, refunded or left due. Raises InvalidTransition
    when the Terms do not allow the move, or the reason does not explain it.

    The row is locked first (PostgreSQL), and its status read again: of two requests
    changing one subscription at once, the second sees the first's move and is checked
    against it, never against what it read before."""
    lock(subscription)
    current = subscription.status
    transition(current, target)
    check_reason(subscription.plan, current, target, reason)
    with status_writer():
        subscription.status = target
    recorded = _record(subscription, current, target, reason, by_user, by_job, amount_cents, note)
    db.session.flush()
    return recorded


def lock(subscription: Subscription) -> None:
    """Lock the subscription's row until the transaction ends (PostgreSQL; SQLite has
    one writer at a time) and read its status again, for a caller that decides on it."""
    if inspect(subscription).persistent:
        db.session.refresh(subscription, attribute_names=["status"], with_for_update=True)


def _record(
    subscription: Subscription,
    current: SubscriptionStatus | None,
    target: SubscriptionStatus,
    reason: Reason,
    by_user: User | None,
    by_job: str | None,
    amount_cents: int | None,
    note: str | None,
) -> SubscriptionEvent:
    # Exactly one author, so that every row answers "who did this".
    if (by_user is None) == (by_job is None):
        raise ValueError("a status change is made by one user or one job")
    recorded = SubscriptionEvent(
        subscription=subscription,
        from_status=current,
        to_status=target,
        reason=reason,
        actor_id=by_user.id if by_user is not None else None,
        job=by_job,
        amount_cents=amount_cents,
        currency=subscription.currency if amount_cents is not None else None,
        note=note,
    )
    db.session.add(recorded)
    return recorded


def history(subscription: Subscription) -> list[SubscriptionEvent]:
    """The subscription's status changes, its creation first."""
    return list(
        db.session.scalars(
            select(SubscriptionEvent)
            .where(SubscriptionEvent.subscription_id == subscription.id)
            .order_by(SubscriptionEvent.occurred_at, SubscriptionEvent.id)
        )
    )


def live_subscription(user: User, plan: Plan) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(
            Subscription.user_id == user.id,
            Subscription.plan == plan,
            Subscription.status.in_(LIVE_SUBSCRIPTION),
        )
    )


@cache
def _live_statement():
    # Built once per process: app.access asks it on most signed-in pages, and building a
    # statement and its cache key costs more CPU than running it.
    return (
        select(Subscription)
        .where(
            Subscription.user_id == bindparam("user_id"),
            Subscription.status.in_(LIVE_SUBSCRIPTION),
        )
        .order_by(Subscription.created_at)
    )


def subscriptions_of(user: User) -> list[Subscription]:
    """The member's live subscriptions, oldest first."""
    return list(db.session.scalars(_live_statement(), {"user_id": user.id}))


def next_charge_of(
    subscription: Subscription, monthly_cents: int | None = None
) -> NextCharge | None:
    """Its next renewal charge, with the discount still to come; None when none is due.
    `monthly_cents`: the price that period will have, when not the locked one (§1)."""
    on = next_billing_date(
        subscription.status, subscription.anchor_date, subscription.current_period_end
    )
    if on is None:
        return None
    return next_charge(
        subscription.anchor_date,
        on,
        subscription.monthly_cents if monthly_cents is None else monthly_cents,
        subscription.discount_cents,
        subscription.discount_months,
    )


def subscription_for(order: Order) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))


def solo_end_if_plus(user: User) -> date | None:
    """The day the member's Premium Solo would end if they took Plus now (what Review
    says), or None when they have none that Plus ends."""
    solo = live_subscription(user, Plan.SOLO)
    if solo is None:
        return None
    return last_day_if_replaced(solo.status, solo.current_period_end, solo.ends_on)


def end_solo_for_plus(user: User) -> date | None:
    """Plus includes Solo: a Solo subscription stops renewing and ends with the period
    already paid, so no month is charged twice and nothing paid is lost. The member's
    Plus order is what ends it, so the change is theirs. Returns the Solo's last day
    (None when there is no Solo that Plus ends)."""
    solo = live_subscription(user, Plan.SOLO)
    if solo is None:
        return None
    lock(solo)
    last_day = last_day_if_replaced(solo.status, solo.current_period_end, solo.ends_on)
    if solo.status is SubscriptionStatus.ACTIVE:
        change_status(
            solo, SubscriptionStatus.CANCELLING, reason=Reason.REPLACED_BY_PLUS, by_user=user
        )
        solo.ends_on = last_day
    return last_day
