"""Billing rules, as the Terms set them: when a month renews and at what price (§2.1d,
§2.2f, §2.2g), what happens when it is not paid (§3.2: retries, termination, late-payment
interest, the collection fee) and when a referral earns its credit (§4).

Periods and dates come from `app.domain.periods` (anniversaries from the anchor); this
module adds what billing decides on them. No Flask, no database: every rule is a function
of plain values, tested by table in tests/unit/test_billing_rules.py."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from fractions import Fraction

from app.domain.orders import Plan
from app.domain.periods import WITHDRAWAL_DAYS, anniversary, months_after

# --- Renewals (§2.1d, §2.2g) ---------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One month of a subscription: from `start` to the day before `end`."""

    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def period(anchor: date, index: int) -> Period:
    """The `index`-th month from the anchor (0: the first), always counted from the
    anchor: 31 January, 28/29 February, 31 March."""
    return Period(anniversary(anchor, index), anniversary(anchor, index + 1))


def period_starting(anchor: date, start: date) -> Period:
    """The period that starts on the billing date `start` (an anniversary of `anchor`)."""
    return period(anchor, months_after(anchor, start))


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The date it is at `moment` in the platform's time zone: a renewal due on the 31st
    is due from midnight in Paris, 22:00 or 23:00 UTC the day before."""
    return moment.astimezone(zone).date()


def is_due(on: date, moment: datetime, zone: tzinfo) -> bool:
    return local_day(moment, zone) >= on


@dataclass(frozen=True)
class RenewalPrice:
    cents: int
    # Discounted months still to come after this charge.
    discount_months_left: int


def renewal_price(locked_cents: int, discount_cents: int, discount_months: int) -> RenewalPrice:
    """A renewal is charged at the price locked at enrolment (§2.2f), less a running promo
    discount while it has months left (§4). Never below zero."""
    if discount_cents > 0 and discount_months > 0:
        return RenewalPrice(max(locked_cents - discount_cents, 0), discount_months - 1)
    return RenewalPrice(locked_cents, 0)


def enrolment_price(
    locked_cents: int | None, current_cents: int, continuously_subscribed: bool
) -> int:
    """The monthly price of a member's subscription (§2.2f): the one locked at enrolment
    while they stay subscribed without a break; after an end, re-enrolling takes the
    price of the day."""
    if continuously_subscribed and locked_cents is not None:
        return locked_cents
    return current_cents


@dataclass(frozen=True)
class PriceChange:
    """A material version of the Terms that changes the monthly price (§1), as one
    subscriber stands with it: when it was published, its new price for their plan and
    path, and the platform-local day they accepted it (now, or by continued use at the
    deadline), None while they have not (or if they cancelled in answer to it)."""

    published_at: datetime
    monthly_cents: int
    accepted_on: date | None


def monthly_price(
    locked_cents: int, subscribed_at: datetime, period_start: date, changes: list[PriceChange]
) -> int:
    """The monthly price of the period starting on `period_start` (§1, §2.2f): the locked
    price, unless the subscriber accepted a price change before that day, in which case
    the latest such change's price (from the next period after the acceptance on). A
    change published after they subscribed was in the Terms they accepted at checkout:
    its price is already the locked one."""
    price = locked_cents
    for change in sorted(changes, key=lambda c: c.published_at):
        if change.published_at <= subscribed_at:
            continue
        if change.accepted_on is not None and change.accepted_on < period_start:
            price = change.monthly_cents
    return price


# --- Non-payment (§3.2) ----------------------------------------------------------------

# Days after the due date on which a failed charge is tried again.
RETRY_DAYS = (1, 3, 7)
# Still unpaid after this many days: the subscription is terminated.
TERMINATION_AFTER_DAYS = 14
# The fixed collection fee, once per unpaid renewal (Code de commerce D441-5).
COLLECTION_FEE_CENTS = 4000


class Dunning(StrEnum):
    WAIT = "wait"
    RETRY = "retry"
    TERMINATE = "terminate"


@dataclass(frozen=True)
class DunningStep:
    action: Dunning
    # The retries that will have been made once this step is done (missed retry days
    # count as made: a job that did not run on day 3 retries once on day 4, not twice).
    retries: int


def dunning(due_on: date, today: date, retries_done: int) -> DunningStep:
    """What to do today about a charge due on `due_on` that failed: past due at once (the
    failure itself), a retry on days 1, 3 and 7 after the due date, termination once
    day 14 is over (from day 15)."""
    days = (today - due_on).days
    if days > TERMINATION_AFTER_DAYS:
        return DunningStep(Dunning.TERMINATE, retries_done)
    reached = sum(1 for day in RETRY_DAYS if days >= day)
    if reached > retries_done:
        return DunningStep(Dunning.RETRY, reached)
    return DunningStep(Dunning.WAIT, retries_done)


def collection_fee_cents(due_on: date, today: date) -> int:
    """The €40 fee is owed from the day after the due date, once per unpaid renewal."""
    return COLLECTION_FEE_CENTS if today > due_on else 0


# --- Late-payment interest (§3.2) ------------------------------------------------------


@dataclass(frozen=True)
class HalfYearRate:
    """The French legal interest rate for one half-year, in hundredths of a percent
    (262: 2.62 %), "for all other cases" (creditors who are not private individuals)."""

    start: date  # 1 January or 1 July
    rate_bp: int


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


@dataclass(frozen=True)
class Interest:
    cents: int
    # Half-years without a published rate in the table (the latest earlier rate was
    # used for them): staff must enter it.
    missing: tuple[date, ...] = ()


def rate_for(half_year: date, rates: list[HalfYearRate]) -> tuple[int, bool]:
    """(rate, found): the half-year's own rate, or the latest one before it when it has
    none yet (found False). No earlier rate at all: 0, not found."""
    by_start = {r.start: r.rate_bp for r in rates}
    if half_year in by_start:
        return by_start[half_year], True
    earlier = [r for r in rates if r.start < half_year]
    if not earlier:
        return 0, False
    return max(earlier, key=lambda r: r.start).rate_bp, False


def interest(amount_cents: int, due_on: date, until: date, rates: list[HalfYearRate]) -> Interest:
    """Simple interest on `amount_cents` for each day from `due_on` (included) to `until`
    (excluded), each day at its half-year's rate over the days of its year (365 or 366).
    Rounded half up to the cent, once, at the end."""
    if amount_cents <= 0 or until <= due_on:
        return Interest(0)
    total = Fraction(0)
    missing = []
    start = half_year_start(due_on)
    day = due_on
    while day < until:
        end = min(next_half_year(start), until)
        # A half-year never spans two calendar years, so one day count per stretch.
        rate, found = rate_for(start, rates)
        if not found:
            missing.append(start)
        days = (end - day).days
        total += Fraction(amount_cents * rate * days, 10000 * _days_in_year(day.year))
        day = end
        start = next_half_year(start)
    cents = int(total + Fraction(1, 2)) if total >= 0 else 0
    return Interest(cents, tuple(missing))


def current_rate_missing(today: date, rates: list[HalfYearRate]) -> bool:
    """True when the half-year of `today` has no rate in the table yet (staff warning)."""
    return half_year_start(today) not in {r.start for r in rates}


@dataclass(frozen=True)
class Balance:
    """What a past-due renewal owes today (§3.2)."""

    amount_cents: int
    interest_cents: int
    fee_cents: int
    missing_rates: tuple[date, ...] = ()

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.interest_cents + self.fee_cents


def balance(amount_cents: int, due_on: date, today: date, rates: list[HalfYearRate]) -> Balance:
    accrued = interest(amount_cents, due_on, today, rates)
    return Balance(
        amount_cents, accrued.cents, collection_fee_cents(due_on, today), accrued.missing
    )


# --- Referral credit (§4) --------------------------------------------------------------


def referral_credit_earned(
    plan: Plan, first_paid_at: datetime | None, withdrawn: bool, now: datetime
) -> bool:
    """The referrer's credit is earned once the referee's first payment can no longer be
    taken back: Solo 14 days after it (§6.1); Plus's first payment is only made when the
    reflection period has ended (§6.2), so as soon as it is made. Never for a referee
    who withdrew."""
    if first_paid_at is None or withdrawn:
        return False
    if plan is Plan.SOLO:
        return now >= first_paid_at + timedelta(days=WITHDRAWAL_DAYS)
    return True


def apply_credit(amount_cents: int, credit_cents: int) -> tuple[int, int]:
    """(left to charge, credit used): the referrer's credit pays what it can of a charge."""
    used = min(max(credit_cents, 0), max(amount_cents, 0))
    return amount_cents - used, used
