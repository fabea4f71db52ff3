"""Saved payment methods, payment attempts, webhook events and the raw gateway log."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class PaymentMethod(db.Model):
    """A way to pay that a gateway keeps for us: never more than a token, the brand and
    the last four digits (or the PayPal account's email)."""

    __tablename__ = "payment_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    # "card" or "paypal".
    kind: Mapped[str] = mapped_column(String(20))
    # The gateway's reference: a sandbox token, Adyen's storedPaymentMethodId, a PayPal
    # billing agreement id. Empty until the gateway gives one.
    token: Mapped[str | None] = mapped_column(String(255))
    brand: Mapped[str | None] = mapped_column(String(20))
    last4: Mapped[str | None] = mapped_column(String(4))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    payer_email: Mapped[str | None] = mapped_column(String(254))
    # When its holder was told it expires soon (once per card; the billing job).
    expiry_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A PayPal plan agreement: the state we last set at PayPal (active, suspended,
    # cancelled; None: as signed), and since when a billing run is setting it, so that a
    # second run (or a second process) calls PayPal for nothing (app.services.paypal_agreements).
    paypal_state: Mapped[str | None] = mapped_column(String(20))
    paypal_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class PaymentStatus(StrEnum):
    # Row inserted, gateway not answered yet (or the answer was lost: asked again later).
    PENDING = "pending"
    # The call ended without an answer (timeout): the gateway is asked, never charged again.
    UNKNOWN = "unknown"
    # Waiting for the buyer: PayPal approval or a 3-D Secure challenge.
    ACTION_REQUIRED = "action_required"
    SUCCEEDED = "succeeded"
    # A zero-amount check of the method (Plus: nothing is charged before reflection ends).
    AUTHORISED = "authorised"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class Payment(db.Model):
    """One attempt to charge (or verify) a payment method. The unique constraints are what
    make a double click, a refresh or two concurrent Confirms a single charge: the request
    that inserts the row is the only one that calls the gateway."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("order_id", "attempt"),
        UniqueConstraint("subscription_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"))
    attempt: Mapped[int | None] = mapped_column(Integer)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT")
    )
    # Renewals (billing): the period this charge pays for.
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    payment_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_methods.id", ondelete="SET NULL")
    )
    # `order:<public id>:<attempt>`, `renew:<subscription>:<period>`: ≤ 64 characters.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    gateway: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus), default=PaymentStatus.PENDING
    )
    # The gateway's id for this payment (PSP reference, PayPal payment/sale id, …).
    gateway_reference: Mapped[str | None] = mapped_column(String(100), index=True)
    # Where the buyer must go to approve (PayPal) or authenticate (3-D Secure).
    action_url: Mapped[str | None] = mapped_column(Text)
    decline_code: Mapped[str | None] = mapped_column(String(40))
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    # Renewals: the referral credit taken off this charge (amount_cents is what is left).
    credit_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    payment_method: Mapped[PaymentMethod | None] = relationship()


class GatewayCall(db.Model):
    """Every request to and answer from a gateway, kept as sent and received (with card
    data never present: only tokens reach this table)."""

    __tablename__ = "gateway_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(20))
    operation: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    request: Mapped[dict | None] = mapped_column(JSON)
    response: Mapped[dict | None] = mapped_column(JSON)
    http_status: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEvent(db.Model):
    """A verified notification from a gateway. The unique pair makes a redelivery a no-op."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(80))
    # When the gateway says it happened: events can arrive out of order.
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(80))


Index("ix_payments_status_created", Payment.status, Payment.created_at)


class SandboxTransaction(db.Model):
    """The offline sandbox gateway's own books: what it charged, once per key. Stands in
    for the bank's side, so a lost answer can be looked up like with a real gateway."""

    __tablename__ = "sandbox_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    merchant_reference: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    scenario: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    method_token: Mapped[str | None] = mapped_column(String(255))
    return_url: Mapped[str | None] = mapped_column(Text)
    cancel_url: Mapped[str | None] = mapped_column(Text)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
