"""Subscriptions to a paid plan, created by a completed order."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.orders import LIVE_SUBSCRIPTION, Plan, SubscriptionStatus
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
