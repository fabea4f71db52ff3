"""What an order costs: the price in force, the discount for its first months, what is
charged today and on which dates after. The review page, the charge and the order record
all come from one `quote`, so they cannot disagree; a subscription's next charge comes
from the same schedule (`next_charge`)."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.money import EURO
from app.domain.orders import Plan
from app.domain.periods import REFLECTION_DAYS, anniversary, months_after
from app.domain.pricing import check_path_price
from app.domain.promotions import Discount


@dataclass(frozen=True)
class Charge:
    on: date
    cents: int


@dataclass(frozen=True)
class Quote:
    plan: Plan
    monthly_cents: int
    # Taken off each of the first `discount_months` charges.
    discount_cents: int
    discount_months: int
    # What the contract's start charges: at Confirm, or, for an order that waits for a
    # legal representative, when they accept (nothing is charged before).
    due_today_cents: int
    first_charge_on: date
    # The charges to come, up to the first one at the full price. For an order waiting
    # for consent the dates are as if accepted today: they move with the acceptance.
    schedule: tuple[Charge, ...]
    currency: str = EURO
    waits_for_consent: bool = False

    @property
    def discounted_cents(self) -> int:
        return self.monthly_cents - self.discount_cents

    @property
    def charged_now_cents(self) -> int:
        """What pressing Confirm charges."""
        return 0 if self.waits_for_consent else self.due_today_cents

    @property
    def charged_today(self) -> bool:
        return self.charged_now_cents > 0

    def figures(self) -> tuple:
        """What the buyer agreed to at Review; Confirm refuses if any of it moved. An
        order waiting for consent shows no dates (they come with the acceptance), so a
        day passing between Review and Confirm changes nothing it showed."""
        return (
            self.plan.value,
            self.monthly_cents,
            self.discount_cents,
            self.discount_months,
            self.due_today_cents,
            None if self.waits_for_consent else self.first_charge_on.isoformat(),
            self.currency,
            self.waits_for_consent,
        )


def quote(
    plan: Plan,
    monthly_cents: int,
    today: date,
    discount: Discount | None = None,
    path_duration_months: int | None = None,
    waits_for_consent: bool = False,
) -> Quote:
    """Solo is charged today and on each monthly anniversary. Plus charges nothing during
    its reflection period; the first month is charged the day it ends, then monthly.
    A Plus price is checked against the 30 % advance-payment rule again (PriceRefused).
    `waits_for_consent`: the contract starts when the legal representative accepts, not
    today; `today` then stands for that day."""
    if monthly_cents <= 0:
        raise ValueError("a monthly price is positive")
    if plan is Plan.PLUS:
        check_path_price(monthly_cents, path_duration_months)
        first = today + timedelta(days=REFLECTION_DAYS)
    else:
        first = today
    off = discount.per_month(monthly_cents) if discount else 0
    months = discount.months if discount and off else 0
    schedule = charges(first, 0, monthly_cents, off, months)
    due_today = schedule[0].cents if plan is Plan.SOLO else 0
    return Quote(
        plan=plan,
        monthly_cents=monthly_cents,
        discount_cents=off,
        discount_months=months,
        due_today_cents=due_today,
        first_charge_on=first,
        schedule=schedule,
        waits_for_consent=waits_for_consent,
    )


def charges(
    anchor: date, start: int, monthly_cents: int, off: int, discounted: int
) -> tuple[Charge, ...]:
    """The charges on the anniversaries of `anchor` from the `start`-th one: `off` taken
    off the first `discounted` of them, up to the first one at the full price."""
    return tuple(
        Charge(anniversary(anchor, start + n), monthly_cents - (off if n < discounted else 0))
        for n in range(max(discounted, 1) + 1)
    )


@dataclass(frozen=True)
class NextCharge:
    on: date
    cents: int
    monthly_cents: int
    # While a discount runs: the first charge at the full price.
    full_price_from: date | None


def next_charge(
    anchor: date, on: date, monthly_cents: int, discount_cents: int, discount_months: int
) -> NextCharge:
    """A subscription's next charge, due `on` (an anniversary of `anchor`), when its
    next `discount_months` charges still have `discount_cents` off."""
    discounted = discount_months if discount_cents > 0 else 0
    upcoming = charges(anchor, months_after(anchor, on), monthly_cents, discount_cents, discounted)
    return NextCharge(
        on=upcoming[0].on,
        cents=upcoming[0].cents,
        monthly_cents=monthly_cents,
        full_price_from=upcoming[-1].on if discounted else None,
    )
