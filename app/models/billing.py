"""What the billing job keeps besides payments: the half-yearly legal interest rates and
the renewals left unpaid (§3.2)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.payments import Payment
from app.models.subscriptions import Subscription
from app.models.types import UTCDateTime, str_enum, utcnow


class InterestRate(db.Model):
    """The French legal interest rate for one half-year, "for all other cases" (the
    creditor is a company), as published by arrêté each half-year. Edited by staff."""

    __tablename__ = "interest_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1 January or 1 July.
    starts_on: Mapped[date] = mapped_column(Date, unique=True)
    # Hundredths of a percent: 262 is 2.62 %.
    rate_bp: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DueStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    # Still unpaid after day 14: the subscription was terminated; the debt stays.
    TERMINATED = "terminated"


class BillingDue(db.Model):
    """A renewal that failed: what it owes, since when, and how often it was retried.
    One per subscription and period, like its charge (`payment`, whose attempts it
    counts)."""

    __tablename__ = "billing_dues"
    __table_args__ = (UniqueConstraint("subscription_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT"), index=True
    )
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), unique=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    retries: Mapped[int] = mapped_column(Integer, default=0)
    # Set once, the day after the due date (€40, §3.2).
    fee_cents: Mapped[int] = mapped_column(Integer, default=0)
    # Interest to date, as last computed (for the pages; a charge computes it again).
    interest_cents: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[DueStatus] = mapped_column(str_enum(DueStatus), default=DueStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscription: Mapped[Subscription] = relationship()
    payment: Mapped[Payment] = relationship()
