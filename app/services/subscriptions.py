"""Subscriptions: what a member holds, found by the other use cases."""

from sqlalchemy import select

from app.domain.orders import LIVE_SUBSCRIPTION, Plan, SubscriptionStatus
from app.extensions import db
from app.models import Order, Subscription, User


def live_subscription(user: User, plan: Plan) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(
            Subscription.user_id == user.id,
            Subscription.plan == plan,
            Subscription.status.in_(LIVE_SUBSCRIPTION),
        )
    )


def subscriptions_of(user: User) -> list[Subscription]:
    """The member's live subscriptions, oldest first."""
    return list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == user.id, Subscription.status.in_(LIVE_SUBSCRIPTION))
            .order_by(Subscription.created_at)
        )
    )


def subscription_for(order: Order) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))


def end_solo_for_plus(user: User) -> None:
    """Plus includes Solo: a Solo subscription stops renewing and ends with the period
    already paid, so no month is charged twice and nothing paid is lost."""
    solo = live_subscription(user, Plan.SOLO)
    if solo is not None and solo.status is SubscriptionStatus.ACTIVE:
        solo.status = SubscriptionStatus.CANCELLING
        solo.ends_on = solo.current_period_end
