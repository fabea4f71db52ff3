"""Promo codes and referral discounts (Terms §4): whether a code applies, and how much
it takes off one month."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.orders import Plan

# A referred newcomer's discount and the referrer's credit: settings, overridable.
REFERRAL_PERCENT_OFF = 20
REFERRAL_MONTHS = 1
REFERRAL_CREDIT_CENTS = 1000


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


@dataclass(frozen=True)
class Discount:
    kind: DiscountKind
    # Percent: 1..100. Fixed: cents off each discounted month.
    value: int
    months: int

    def per_month(self, monthly_cents: int) -> int:
        """Cents taken off one month, never more than the month itself."""
        if self.kind is DiscountKind.PERCENT:
            off = Decimal(monthly_cents) * self.value / 100
            cents = int(off.to_integral_value(rounding=ROUND_HALF_UP))
        else:
            cents = self.value
        return max(0, min(cents, monthly_cents))


class CodeProblem(StrEnum):
    UNKNOWN = "unknown"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    ALREADY_USED = "already_used"
    WRONG_PLAN = "wrong_plan"
    OWN_REFERRAL = "own_referral"
    NOT_NEW = "not_new"


@dataclass(frozen=True)
class PromoTerms:
    plans: frozenset[Plan]
    starts_at: datetime
    ends_at: datetime | None
    max_redemptions: int | None
    max_per_member: int
    active: bool = True


def promo_problem(
    terms: PromoTerms,
    plan: Plan,
    now: datetime,
    redeemed: int,
    redeemed_by_member: int,
) -> CodeProblem | None:
    """Why this code cannot be used for this order now, or None. `redeemed` counts every
    use so far, `redeemed_by_member` the buyer's own (other orders)."""
    if not terms.active:
        return CodeProblem.EXPIRED
    if now < terms.starts_at:
        return CodeProblem.NOT_STARTED
    if terms.ends_at is not None and now >= terms.ends_at:
        return CodeProblem.EXPIRED
    if plan not in terms.plans:
        return CodeProblem.WRONG_PLAN
    if terms.max_redemptions is not None and redeemed >= terms.max_redemptions:
        return CodeProblem.EXHAUSTED
    if redeemed_by_member >= terms.max_per_member:
        return CodeProblem.ALREADY_USED
    return None


def referral_problem(referrer_id: int, buyer_id: int | None, buyer_had_subscription: bool):
    """A referral is for someone new to the paid plans, and never one's own code."""
    if buyer_id is not None and referrer_id == buyer_id:
        return CodeProblem.OWN_REFERRAL
    if buyer_had_subscription:
        return CodeProblem.NOT_NEW
    return None


def referral_discount(percent: int = REFERRAL_PERCENT_OFF, months: int = REFERRAL_MONTHS):
    return Discount(DiscountKind.PERCENT, percent, months)
