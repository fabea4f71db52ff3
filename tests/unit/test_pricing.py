"""Prices in force on a date, the 30 % advance-payment rule, indicative amounts."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.launch import Precision, Season, estimate_in_past, launch_period
from app.domain.money import Money, parse_euros
from app.domain.pricing import (
    SOLO,
    PricePoint,
    PriceProblem,
    PriceRefused,
    check_path_price,
    contract_price_cents,
    indicative_amount,
    next_price,
    path_offer,
    path_price_problem,
    price_for,
)

WEB = path_offer(1)
PRICES = [
    PricePoint(SOLO, 1800, date(2025, 1, 1)),
    PricePoint(SOLO, 2000, date(2026, 1, 1)),
    PricePoint(SOLO, 2200, date(2027, 1, 1)),  # scheduled
    PricePoint(WEB, 30000, date(2026, 3, 15)),
]


@pytest.mark.parametrize(
    ("offer", "on", "expected"),
    [
        (SOLO, date(2024, 12, 31), None),  # before the first price
        (SOLO, date(2025, 1, 1), 1800),  # from its first day
        (SOLO, date(2025, 12, 31), 1800),  # until the day before the next one
        (SOLO, date(2026, 1, 1), 2000),
        (SOLO, date(2026, 11, 27), 2000),  # the scheduled price does not show yet
        (SOLO, date(2027, 1, 1), 2200),
        (WEB, date(2026, 3, 14), None),
        (WEB, date(2026, 3, 15), 30000),
        (path_offer(2), date(2026, 6, 1), None),  # another offer's prices do not count
    ],
)
def test_price_in_force_on_a_date(offer, on, expected):
    found = price_for(PRICES, offer, on)
    assert (found.amount_cents if found else None) == expected


def test_price_for_does_not_depend_on_order():
    assert price_for(reversed(PRICES), SOLO, date(2026, 6, 1)).amount_cents == 2000


def test_next_scheduled_price():
    assert next_price(PRICES, SOLO, date(2026, 6, 1)).effective_from == date(2027, 1, 1)
    assert next_price(PRICES, WEB, date(2026, 6, 1)) is None


@pytest.mark.parametrize(
    ("monthly", "months", "contract"),
    [(30000, 12, 360000), (30000, 6, 180000), (32000, 18, 384000), (10000, 1, 10000)],
)
def test_contract_price_counts_twelve_months_at_most(monthly, months, contract):
    assert contract_price_cents(monthly, months) == contract


@pytest.mark.parametrize(
    ("monthly", "months", "problem"),
    [
        (30000, 12, None),
        (30000, 4, None),  # 300 ≤ 30 % of 1,200
        (30000, 3, PriceProblem.ADVANCE_OVER_LIMIT),  # 300 > 30 % of 900 = 270
        (10000, 1, PriceProblem.ADVANCE_OVER_LIMIT),
        (30000, 36, None),  # capped at 12 months, still fine
        (0, 12, PriceProblem.NOT_POSITIVE),
        (-100, 12, PriceProblem.NOT_POSITIVE),
        (None, 12, PriceProblem.NOT_POSITIVE),
        (30000, 0, PriceProblem.DURATION_NOT_POSITIVE),
    ],
)
def test_thirty_percent_rule(monthly, months, problem):
    assert path_price_problem(monthly, months) is problem


def test_the_domain_refuses_with_the_field_to_blame():
    with pytest.raises(PriceRefused) as refused:
        check_path_price(30000, 3)
    assert refused.value.field == "amount"
    with pytest.raises(PriceRefused) as refused:
        check_path_price(30000, 0)
    assert refused.value.field == "duration_months"
    check_path_price(30000, 12)


@pytest.mark.parametrize(
    ("cents", "rate", "expected"),
    [
        (25000, "0.85", 213),  # 212.5 rounds half up
        (4990, "0.85", 42),  # 42.415
        (4990, "1.08", 54),  # 53.892
        (30000, "655.957", 196787),  # 196787.1 XOF
        (2000, "162", 3240),
        (1, "0.5", 0),  # half a cent of a unit rounds to 0 units: 0.005
        (100, "0.005", 0),
        (100, "0.5", 1),  # 0.5 rounds up
    ],
)
def test_indicative_amount_rounds_to_whole_units_half_up(cents, rate, expected):
    assert indicative_amount(cents, Decimal(rate)) == expected


def test_indicative_amount_needs_a_positive_rate():
    with pytest.raises(ValueError):
        indicative_amount(100, Decimal(0))


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("49", 4900),
        ("49.9", 4990),
        ("49,90", 4990),
        ("1 234,50", 123450),
        ("€ 20", 2000),
        ("0", 0),
        ("-5", -500),
        ("49.999", None),
        ("abc", None),
        ("", None),
        ("1.2.3", None),
        ("NaN", None),
        ("Infinity", None),
        (None, None),
    ],
)
def test_parse_euros(text, cents):
    assert parse_euros(text) == cents


def test_money_is_integer_cents():
    assert Money(4990).amount == Decimal("49.90")
    assert Money(4990).times(3) == Money(14970)
    with pytest.raises(TypeError):
        Money(49.9)


@pytest.mark.parametrize(
    ("estimate", "precision", "key", "season", "year"),
    [
        (date(2027, 3, 1), Precision.MONTH, "2027-03", None, 2027),
        (date(2027, 4, 1), Precision.SEASON, "2027-spring", Season.SPRING, 2027),
        (date(2027, 12, 1), Precision.SEASON, "2028-winter", Season.WINTER, 2028),
        (date(2028, 1, 1), Precision.SEASON, "2028-winter", Season.WINTER, 2028),
        (date(2027, 9, 1), Precision.SEASON, "2027-autumn", Season.AUTUMN, 2027),
    ],
)
def test_launch_periods(estimate, precision, key, season, year):
    period = launch_period(estimate, precision)
    assert (period.key, period.season, period.year) == (key, season, year)


@pytest.mark.parametrize(
    ("estimate", "today", "past"),
    [
        (date(2026, 10, 1), date(2026, 11, 27), True),
        (date(2026, 11, 1), date(2026, 11, 27), False),  # this month is still fine
        (date(2027, 1, 1), date(2026, 11, 27), False),
    ],
)
def test_launch_estimate_in_the_past(estimate, today, past):
    assert estimate_in_past(estimate, today) is past
