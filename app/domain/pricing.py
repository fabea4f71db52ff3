"""Prices with a history, the 30 % advance-payment rule and indicative conversions.

Dates are platform-local dates (Europe/Paris): a price whose `effective_from` is
2027-01-01 applies from midnight in Paris on that day, whatever the visitor's time zone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.money import EURO, Money

SOLO = "solo"
# A Premium Plus price belongs to one Learning Path: "path:<id>".
PATH_PREFIX = "path:"

# L444-8 Education Code: no more than 30 % of the contract price may be paid in advance;
# for training longer than a year, the 30 % is taken on the first twelve months.
ADVANCE_PAYMENT_PERCENT = 30
CONTRACT_MONTHS_CAP = 12


def path_offer(path_id: int) -> str:
    return f"{PATH_PREFIX}{path_id}"


@dataclass(frozen=True)
class PricePoint:
    offer: str
    amount_cents: int
    effective_from: date
    currency: str = EURO

    @property
    def money(self) -> Money:
        return Money(self.amount_cents, self.currency)


def price_for(prices: Iterable[PricePoint], offer: str, on_date: date) -> PricePoint | None:
    """The price of `offer` in force on `on_date`: the latest one whose effective date is
    on or before it. A scheduled future price does not apply until its date."""
    current = None
    for price in prices:
        if price.offer != offer or price.effective_from > on_date:
            continue
        if current is None or price.effective_from > current.effective_from:
            current = price
    return current


def next_price(prices: Iterable[PricePoint], offer: str, on_date: date) -> PricePoint | None:
    """The first scheduled change after `on_date`, if any (for staff screens)."""
    upcoming = [p for p in prices if p.offer == offer and p.effective_from > on_date]
    return min(upcoming, key=lambda p: p.effective_from) if upcoming else None


def contract_price_cents(monthly_cents: int, duration_months: int) -> int:
    """Monthly price x average duration, counting only the first twelve months."""
    return monthly_cents * min(duration_months, CONTRACT_MONTHS_CAP)


class PriceProblem(StrEnum):
    NOT_POSITIVE = "not_positive"
    DURATION_NOT_POSITIVE = "duration_not_positive"
    ADVANCE_OVER_LIMIT = "advance_over_limit"


def path_price_problem(
    monthly_cents: int | None, duration_months: int | None
) -> PriceProblem | None:
    """Why a monthly price cannot be set on a path of this duration, or None.

    A month is paid in advance, so one monthly payment must not exceed 30 % of the
    contract price. Integer arithmetic: monthly * 100 <= 30 * contract."""
    if monthly_cents is None or monthly_cents <= 0:
        return PriceProblem.NOT_POSITIVE
    if duration_months is None or duration_months <= 0:
        return PriceProblem.DURATION_NOT_POSITIVE
    contract = contract_price_cents(monthly_cents, duration_months)
    if monthly_cents * 100 > ADVANCE_PAYMENT_PERCENT * contract:
        return PriceProblem.ADVANCE_OVER_LIMIT
    return None


class PriceRefused(DomainError):
    def __init__(self, field: str, problem: PriceProblem):
        super().__init__(field, problem.value)
        self.problem = problem


def check_path_price(monthly_cents: int | None, duration_months: int | None) -> None:
    """Raise PriceRefused when the 30 % rule (or plain sense) refuses the price."""
    problem = path_price_problem(monthly_cents, duration_months)
    if problem is PriceProblem.DURATION_NOT_POSITIVE:
        raise PriceRefused("duration_months", problem)
    if problem is not None:
        raise PriceRefused("amount", problem)


def indicative_amount(euro_cents: int, rate: Decimal) -> int:
    """An indicative amount in another currency, in whole units of that currency.

    `rate` is units of the local currency for one euro. The result is rounded to the
    nearest whole unit, halves away from zero: an indicative amount must not look more
    precise than it is (the charge itself is always in euros)."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    value = Decimal(euro_cents) * rate / 100
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))
