"""Promo codes and referral discounts (Terms §4): whether a code applies, how much it
takes off one month, and what staff may set up."""

import re
import secrets
from collections.abc import Callable
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


# --- the codes people type ---------------------------------------------------------------

CODE_PATTERN = re.compile(r"^[A-Z0-9-]{3,40}$")
# No I, L, O, 0 or 1: a code read aloud or copied from paper is not mistaken.
REFERRAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERRAL_CODE_LENGTH = 8


def normalise_code(text: str) -> str:
    """What people type, as codes are stored: spaces anywhere dropped, upper case."""
    return "".join(text.split()).upper()


def new_referral_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


# --- what staff may set up ---------------------------------------------------------------

MAX_MONTHS = 120
MAX_FIXED_CENTS = 1_000_000
MAX_REDEMPTIONS = 1_000_000
MAX_PER_MEMBER = 1000


class SetupProblem(StrEnum):
    CODE_FORMAT = "code_format"
    PERCENT_RANGE = "percent_range"
    AMOUNT_FORMAT = "amount_format"
    AMOUNT_RANGE = "amount_range"
    MONTHS_RANGE = "months_range"
    NO_PLAN = "no_plan"
    ENDS_BEFORE_STARTS = "ends_before_starts"
    LIMIT_RANGE = "limit_range"
    LIMIT_BELOW_USES = "limit_below_uses"
    PER_MEMBER_RANGE = "per_member_range"


@dataclass(frozen=True)
class PromoSetup:
    code: str
    kind: DiscountKind
    # Percent, or cents off each month (None: the amount typed was not an amount).
    value: int | None
    months: int
    plans: frozenset[Plan]
    starts_at: datetime
    ends_at: datetime | None
    max_redemptions: int | None
    max_per_member: int


def setup_problems(setup: PromoSetup, redemptions: int = 0) -> list[tuple[str, SetupProblem]]:
    """Every rule a promo code breaks, with the form field it belongs to. `redemptions`
    counts the uses already made: a limit cannot go below them."""
    problems = []
    if not CODE_PATTERN.match(setup.code):
        problems.append(("code", SetupProblem.CODE_FORMAT))
    if setup.kind is DiscountKind.PERCENT:
        if setup.value is None or not 1 <= setup.value <= 100:
            problems.append(("percent", SetupProblem.PERCENT_RANGE))
    elif setup.value is None:
        problems.append(("amount", SetupProblem.AMOUNT_FORMAT))
    elif not 0 < setup.value <= MAX_FIXED_CENTS:
        problems.append(("amount", SetupProblem.AMOUNT_RANGE))
    if not 1 <= setup.months <= MAX_MONTHS:
        problems.append(("months", SetupProblem.MONTHS_RANGE))
    if not setup.plans:
        problems.append(("plans", SetupProblem.NO_PLAN))
    if setup.ends_at is not None and setup.ends_at <= setup.starts_at:
        problems.append(("ends_at", SetupProblem.ENDS_BEFORE_STARTS))
    if setup.max_redemptions is not None:
        if not 1 <= setup.max_redemptions <= MAX_REDEMPTIONS:
            problems.append(("max_redemptions", SetupProblem.LIMIT_RANGE))
        elif setup.max_redemptions < redemptions:
            problems.append(("max_redemptions", SetupProblem.LIMIT_BELOW_USES))
    if not 1 <= setup.max_per_member <= MAX_PER_MEMBER:
        problems.append(("max_per_member", SetupProblem.PER_MEMBER_RANGE))
    return problems


class PromoStatus(StrEnum):
    ACTIVE = "active"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    USED_UP = "used_up"
    DEACTIVATED = "deactivated"


def promo_status(terms: PromoTerms, now: datetime, redeemed: int) -> PromoStatus:
    """What staff see in the list: whether members can use the code now, or why not."""
    if not terms.active:
        return PromoStatus.DEACTIVATED
    if now < terms.starts_at:
        return PromoStatus.SCHEDULED
    if terms.ends_at is not None and now >= terms.ends_at:
        return PromoStatus.EXPIRED
    if terms.max_redemptions is not None and redeemed >= terms.max_redemptions:
        return PromoStatus.USED_UP
    return PromoStatus.ACTIVE
