"""A change of a subscription's payment method that needs the member on the gateway's
page first (a PayPal billing agreement approved on PayPal)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow


class ChangeStatus(StrEnum):
    # Row committed, gateway not answered yet: the request that inserted it is calling.
    PENDING = "pending"
    # Waiting for the member on PayPal's approval page.
    ACTION_REQUIRED = "action_required"
    # The return is being completed (claimed before the call, so a replay does nothing).
    COMPLETING = "completing"
    DONE = "done"
    CANCELLED = "cancelled"
    # Refused by the gateway, or no answer: nothing changed; a new click starts afresh.
    FAILED = "failed"


class MethodChange(db.Model):
    """One attempt to move a subscription to a PayPal agreement. UNIQUE(subscription,
    attempt) makes a double click one attempt: the request that inserts the row is the
    only one that asks PayPal for an agreement, under a key derived from the row."""

    __tablename__ = "method_changes"
    __table_args__ = (UniqueConstraint("subscription_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT")
    )
    attempt: Mapped[int] = mapped_column(Integer)
    # `method:<subscription>:<attempt>`: PayPal-Request-Id of the plan and agreement.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    gateway: Mapped[str] = mapped_column(String(20))
    status: Mapped[ChangeStatus] = mapped_column(
        str_enum(ChangeStatus), default=ChangeStatus.PENDING
    )
    # What the agreement bills each month, from when (the subscription's next charge).
    monthly_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    first_charge_on: Mapped[date] = mapped_column(Date)
    # PayPal's approval token (EC-…) or the sandbox's reference, then its approval page.
    gateway_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    action_url: Mapped[str | None] = mapped_column(Text)
    # The agreement kept once executed: what the subscription is then charged to.
    payment_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_methods.id", ondelete="SET NULL"), index=True
    )
    decline_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
