"""Promo codes (Terms §4), their redemptions, and the referral programme."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.orders import Plan
from app.domain.promotions import Discount, DiscountKind, PromoTerms
from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class PromoCode(db.Model):
    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("months > 0", name="months_positive"),
        CheckConstraint("kind <> 'percent' OR value <= 100", name="percent_at_most_100"),
        CheckConstraint(
            "max_redemptions IS NULL OR redemptions <= max_redemptions",
            name="redemptions_within_limit",
        ),
        CheckConstraint("for_solo OR for_plus", name="for_some_plan"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper-case; what people type is upper-cased before lookup.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[DiscountKind] = mapped_column(str_enum(DiscountKind))
    # Percent (1..100) or cents off each discounted month.
    value: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer, default=1)
    for_solo: Mapped[bool] = mapped_column(Boolean, default=True)
    for_plus: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_redemptions: Mapped[int | None] = mapped_column(Integer)
    max_per_member: Mapped[int] = mapped_column(Integer, default=1)
    # Raised by one conditional UPDATE, so the last use cannot be taken twice.
    redemptions: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def plans(self) -> frozenset[Plan]:
        return frozenset(
            plan
            for plan, included in ((Plan.SOLO, self.for_solo), (Plan.PLUS, self.for_plus))
            if included
        )

    @property
    def terms(self) -> PromoTerms:
        return PromoTerms(
            plans=self.plans,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_redemptions=self.max_redemptions,
            max_per_member=self.max_per_member,
            active=self.active,
        )

    @property
    def discount(self) -> Discount:
        return Discount(self.kind, self.value, self.months)


class PromoRedemption(db.Model):
    __tablename__ = "promo_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_code_id: Mapped[int] = mapped_column(
        ForeignKey("promo_codes.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReferralCode(db.Model):
    """Every member's own code, made the first time it is shown."""

    __tablename__ = "referral_codes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Referral(db.Model):
    """A newcomer who subscribed with a member's code. The referrer's credit is earned once
    the newcomer's first payment is past its withdrawal or reflection period (billing)."""

    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("referee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    referee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    credit_cents: Mapped[int] = mapped_column(Integer)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the referrer has not spent of it yet (set when credited; the billing job takes
    # it off their next charges).
    credit_left_cents: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
