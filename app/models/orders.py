"""Orders of a paid plan, filled in step by step, and the acceptances recorded with them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.orders import OrderStatus, Plan
from app.extensions import db
from app.models.catalog import LearningPath
from app.models.legal import DocumentVersion
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class PaymentKind(StrEnum):
    CARD = "card"
    PAYPAL = "paypal"


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # In every URL of the flow: random, so an order cannot be found by counting.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # What the buyer, the emails and the gateways quote (PayPal's invoice_number).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # Every charge for this order derives its key from this (SECURITY: idempotency).
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    plan: Mapped[Plan] = mapped_column(str_enum(Plan))
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="RESTRICT")
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus), default=OrderStatus.DRAFT)
    account_created_in_flow: Mapped[bool] = mapped_column(Boolean, default=False)

    # Eligibility (Terms §1), as answered for this order.
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    legal_protection: Mapped[bool | None] = mapped_column(Boolean)
    needs_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    # Details.
    full_name: Mapped[str | None] = mapped_column(String(120))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    billing_country: Mapped[str | None] = mapped_column(String(2))
    locale: Mapped[str | None] = mapped_column(String(5))
    code: Mapped[str | None] = mapped_column(String(40))
    promo_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("promo_codes.id", ondelete="RESTRICT")
    )
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    representative_name: Mapped[str | None] = mapped_column(String(120))
    representative_email: Mapped[str | None] = mapped_column(String(254))

    # Payment method.
    payment_kind: Mapped[PaymentKind | None] = mapped_column(str_enum(PaymentKind))
    payment_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_methods.id", ondelete="SET NULL")
    )
    holder_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised after each definitive decline, so the next attempt gets its own key.
    payment_attempt: Mapped[int] = mapped_column(Integer, default=1)
    last_decline: Mapped[str | None] = mapped_column(String(40))

    # The figures shown at Review (Confirm charges only these) and then kept for good.
    price_id: Mapped[int | None] = mapped_column(ForeignKey("prices.id", ondelete="RESTRICT"))
    monthly_cents: Mapped[int | None] = mapped_column(Integer)
    discount_cents: Mapped[int | None] = mapped_column(Integer)
    discount_months: Mapped[int | None] = mapped_column(Integer)
    due_today_cents: Mapped[int | None] = mapped_column(Integer)
    first_charge_on: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    path: Mapped[LearningPath | None] = relationship()
    referrer: Mapped[User | None] = relationship(foreign_keys=[referrer_id])
    promo_code: Mapped["PromoCode | None"] = relationship()  # noqa: F821
    payment_method: Mapped["PaymentMethod | None"] = relationship()  # noqa: F821


class ConsentDecision(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class RepresentativeConsent(db.Model):
    """The legal representative's answer for one order (Terms §1): who, when, from where."""

    __tablename__ = "representative_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[ConsentDecision] = mapped_column(str_enum(ConsentDecision))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order] = relationship()


class AcceptanceSubject(StrEnum):
    TERMS = "terms"
    CODE_OF_CONDUCT = "code_of_conduct"
    # Solo (Terms §6.1): immediate access requested, withdrawal waived once it is used.
    IMMEDIATE_ACCESS = "immediate_access"


class AcceptedBy(StrEnum):
    LEARNER = "learner"
    REPRESENTATIVE = "representative"


class Acceptance(db.Model):
    """One ticked box: who accepted which version of what, when and from where. Never a
    boolean on the user; never changed afterwards."""

    __tablename__ = "acceptances"
    __table_args__ = (UniqueConstraint("order_id", "subject", "accepted_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    subject: Mapped[AcceptanceSubject] = mapped_column(str_enum(AcceptanceSubject, 24))
    document_version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="RESTRICT")
    )
    accepted_by: Mapped[AcceptedBy] = mapped_column(
        str_enum(AcceptedBy), default=AcceptedBy.LEARNER
    )
    representative_name: Mapped[str | None] = mapped_column(String(120))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)

    document_version: Mapped[DocumentVersion] = relationship()
