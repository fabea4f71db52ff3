"""Subscriptions to a paid plan, created by a completed order, and the record of every
change of their status.

A status is written only by `app.services.subscriptions` (which checks the move and
records it): the ORM refuses any other assignment, and refuses to change or delete a
recorded event."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.orders import Plan
from app.domain.subscriptions import LIVE_SUBSCRIPTION, Reason, SubscriptionStatus
from app.extensions import db
from app.models.catalog import LearningPath
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class Subscription(db.Model):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # One order makes at most one subscription, whatever happens to its requests.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    plan: Mapped[Plan] = mapped_column(str_enum(Plan))
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="RESTRICT")
    )
    status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus))
    # The price locked at enrolment (Terms §2.2f) and the discount still to come.
    monthly_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    discount_cents: Mapped[int] = mapped_column(Integer, default=0)
    discount_months: Mapped[int] = mapped_column(Integer, default=0)
    payment_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_methods.id", ondelete="SET NULL")
    )
    # When the Terms were accepted (and, for a minor, consented to): periods count from it.
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Plus only: nothing is charged before this; withdrawal is free until then.
    reflection_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Billing dates are anniversaries of this platform-local date.
    anchor_date: Mapped[date] = mapped_column(Date)
    current_period_start: Mapped[date | None] = mapped_column(Date)
    current_period_end: Mapped[date | None] = mapped_column(Date)
    # Set when cancelled (or replaced by Plus): the last day of service.
    ends_on: Mapped[date | None] = mapped_column(Date)
    # Solo (Terms §6.1): the first use of the access ends the withdrawal right.
    first_access_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    path: Mapped[LearningPath | None] = relationship()


_LIVE = ", ".join(f"'{status.value}'" for status in LIVE_SUBSCRIPTION)

# One live subscription per plan and member: a second Solo is refused by the database,
# not only by a check that two requests could both pass.
Index(
    "uq_subscriptions_one_live_per_plan",
    Subscription.user_id,
    Subscription.plan,
    unique=True,
    sqlite_where=text(f"status IN ({_LIVE})"),
    postgresql_where=text(f"status IN ({_LIVE})"),
)


class SubscriptionEvent(db.Model):
    """One change of a subscription's status (its creation included), with who or what
    made it and why. Written once, in the change's own transaction; never changed."""

    __tablename__ = "subscription_events"
    __table_args__ = (
        # An amount is always in a currency, and a currency never stands alone.
        CheckConstraint("(amount_cents IS NULL) = (currency IS NULL)", name="amount_currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT"), index=True
    )
    # None for the row that records the creation.
    from_status: Mapped[SubscriptionStatus | None] = mapped_column(str_enum(SubscriptionStatus))
    to_status: Mapped[SubscriptionStatus] = mapped_column(str_enum(SubscriptionStatus))
    reason: Mapped[Reason] = mapped_column(str_enum(Reason, length=32))
    # The member or staff member who acted; cleared by the database (only) if their
    # account goes.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Or the scheduled job that did it, e.g. "billing".
    job: Mapped[str | None] = mapped_column(String(32))
    # What the change charged, refunded or left due, when it involves money.
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped[Subscription] = relationship()
    actor: Mapped[User | None] = relationship()


class ImmutableEventError(RuntimeError):
    """Raised when something tries to change or delete a recorded subscription event."""


class StatusWriteError(RuntimeError):
    """Raised when a subscription's status is assigned outside app.services.subscriptions."""


@event.listens_for(SubscriptionEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableEventError(f"subscription event {target.id} is on record and cannot change")


@event.listens_for(SubscriptionEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableEventError(f"subscription event {target.id} is on record and cannot go")


_status_writer: ContextVar[bool] = ContextVar("subscription_status_writer", default=False)


@contextmanager
def status_writer() -> Iterator[None]:
    """For app.services.subscriptions alone (a test checks it): the one place a status
    may be assigned, because it checks the move and records it."""
    token = _status_writer.set(True)
    try:
        yield
    finally:
        _status_writer.reset(token)


@event.listens_for(Subscription.status, "set")
def _status_only_through_the_service(target, value, oldvalue, initiator):
    if not _status_writer.get():
        raise StatusWriteError(
            "a subscription's status changes through app.services.subscriptions.change_status"
        )
