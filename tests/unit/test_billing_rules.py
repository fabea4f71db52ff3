"""Billing rules by table, each row with the Terms article it applies."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.billing import (
    COLLECTION_FEE_CENTS,
    Dunning,
    HalfYearRate,
    PriceChange,
    apply_credit,
    balance,
    collection_fee_cents,
    current_rate_missing,
    dunning,
    enrolment_price,
    interest,
    is_due,
    monthly_price,
    period,
    referral_credit_earned,
    renewal_price,
)
from app.domain.orders import Plan

PARIS = ZoneInfo("Europe/Paris")
RATES = [
    HalfYearRate(date(2025, 1, 1), 371),
    HalfYearRate(date(2025, 7, 1), 276),
    HalfYearRate(date(2026, 1, 1), 262),
]


@pytest.mark.parametrize(
    ("article", "anchor", "index", "start", "end"),
    [
        ("§2.1d", date(2026, 1, 31), 0, date(2026, 1, 31), date(2026, 2, 28)),
        ("§2.1d", date(2026, 1, 31), 1, date(2026, 2, 28), date(2026, 3, 31)),
        ("§2.1d", date(2026, 1, 31), 2, date(2026, 3, 31), date(2026, 4, 30)),
        ("§2.1d leap year", date(2028, 1, 31), 1, date(2028, 2, 29), date(2028, 3, 31)),
        ("§2.2g", date(2026, 12, 15), 0, date(2026, 12, 15), date(2027, 1, 15)),
        ("§2.1d 29 Feb anchor", date(2028, 2, 29), 12, date(2029, 2, 28), date(2029, 3, 29)),
    ],
)
def test_monthly_periods_count_from_the_anchor(article, anchor, index, start, end):
    assert (period(anchor, index).start, period(anchor, index).end) == (start, end), article


@pytest.mark.parametrize(
    ("article", "on", "moment", "due"),
    [
        # Midnight in Paris: 23:00 UTC in winter, 22:00 UTC in summer.
        ("§2.1d winter", date(2026, 1, 31), datetime(2026, 1, 30, 22, 59, tzinfo=UTC), False),
        ("§2.1d winter", date(2026, 1, 31), datetime(2026, 1, 30, 23, 0, tzinfo=UTC), True),
        ("§2.1d summer", date(2026, 7, 31), datetime(2026, 7, 30, 21, 59, tzinfo=UTC), False),
        ("§2.1d summer", date(2026, 7, 31), datetime(2026, 7, 30, 22, 0, tzinfo=UTC), True),
        # The night clocks go forward (29 March 2026) and back (25 October 2026).
        ("§2.1d DST", date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC), True),
        ("§2.1d DST", date(2026, 10, 25), datetime(2026, 10, 24, 21, 59, tzinfo=UTC), False),
        ("§2.1d DST", date(2026, 10, 25), datetime(2026, 10, 24, 22, 0, tzinfo=UTC), True),
    ],
)
def test_a_renewal_is_due_from_midnight_in_paris(article, on, moment, due):
    assert is_due(on, moment, PARIS) is due, article


@pytest.mark.parametrize(
    ("article", "locked", "off", "months", "cents", "left"),
    [
        ("§2.2f locked price", 2900, 0, 0, 2900, 0),
        ("§4 running discount", 2900, 500, 2, 2400, 1),
        ("§4 last discounted month", 2900, 500, 1, 2400, 0),
        ("§4 discount over", 2900, 500, 0, 2900, 0),
        ("§4 never below zero", 2900, 5000, 1, 0, 0),
    ],
)
def test_renewal_price(article, locked, off, months, cents, left):
    price = renewal_price(locked, off, months)
    assert (price.cents, price.discount_months_left) == (cents, left), article


@pytest.mark.parametrize(
    ("article", "locked", "current", "continuous", "price"),
    [
        ("§2.2f kept while subscribed", 2900, 3900, True, 2900),
        ("§2.2f re-enrolment after an end", 2900, 3900, False, 3900),
        ("§2.2f first enrolment", None, 3900, True, 3900),
    ],
)
def test_enrolment_price(article, locked, current, continuous, price):
    assert enrolment_price(locked, current, continuous) == price, article


DUE = date(2026, 2, 28)


@pytest.mark.parametrize(
    ("article", "today", "done", "action", "retries"),
    [
        ("§3.2 the due day: past due, no retry yet", date(2026, 2, 28), 0, Dunning.WAIT, 0),
        ("§3.2 day 1 retry", date(2026, 3, 1), 0, Dunning.RETRY, 1),
        ("§3.2 day 1 done", date(2026, 3, 1), 1, Dunning.WAIT, 1),
        ("§3.2 day 2 waits", date(2026, 3, 2), 1, Dunning.WAIT, 1),
        ("§3.2 day 3 retry", date(2026, 3, 3), 1, Dunning.RETRY, 2),
        ("§3.2 day 7 retry", date(2026, 3, 7), 2, Dunning.RETRY, 3),
        ("§3.2 missed days: one retry", date(2026, 3, 8), 0, Dunning.RETRY, 3),
        ("§3.2 day 14 still waits", date(2026, 3, 14), 3, Dunning.WAIT, 3),
        ("§3.2 after day 14: terminated", date(2026, 3, 15), 3, Dunning.TERMINATE, 3),
    ],
)
def test_non_payment_timeline(article, today, done, action, retries):
    step = dunning(DUE, today, done)
    assert (step.action, step.retries) == (action, retries), article


@pytest.mark.parametrize(
    ("article", "amount", "due", "until", "cents", "missing"),
    [
        ("§3.2 paid on the due date", 100000, date(2026, 3, 1), date(2026, 3, 1), 0, ()),
        # 1,000.00 x 2.62 % x 30 / 365 = 2.1534
        ("§3.2 H1 2026", 100000, date(2026, 3, 1), date(2026, 3, 31), 215, ()),
        # 1,000.00 x 3.71 % x 10 / 365 = 1.0164
        ("§3.2 H1 2025", 100000, date(2025, 6, 1), date(2025, 6, 11), 102, ()),
        # 100.00: 12 days at 2.76 % (H2 2025) + 9 days at 2.62 % (H1 2026) = 0.0907 + 0.0646
        ("§3.2 across half-years", 10000, date(2025, 12, 20), date(2026, 1, 10), 16, ()),
        ("§3.2 across half-years", 1000000, date(2025, 12, 20), date(2026, 1, 10), 1553, ()),
        # H2 2026 not published yet: H1 2026's rate, flagged.
        (
            "§3.2 missing rate",
            100000,
            date(2026, 7, 1),
            date(2026, 7, 31),
            215,
            (date(2026, 7, 1),),
        ),
    ],
)
def test_simple_daily_interest_per_half_year(article, amount, due, until, cents, missing):
    accrued = interest(amount, due, until, RATES)
    assert (accrued.cents, accrued.missing) == (cents, missing), article


def test_a_leap_year_counts_366_days():
    """§3.2: each day at its half-year's rate over the days of its year."""
    rates = [HalfYearRate(date(2028, 1, 1), 366)]
    # 1,000.00 x 3.66 % x 182 / 366 (1 January to 30 June 2028).
    accrued = interest(100000, date(2028, 1, 1), date(2028, 7, 1), rates)
    assert accrued.cents == 1820
    assert accrued.missing == ()


@pytest.mark.parametrize(
    ("article", "today", "missing"),
    [
        ("§3.2 H1 2026 published", date(2026, 6, 30), False),
        ("§3.2 H2 2026 not yet", date(2026, 7, 1), True),
    ],
)
def test_staff_warning_when_the_half_year_has_no_rate(article, today, missing):
    assert current_rate_missing(today, RATES) is missing, article


@pytest.mark.parametrize(
    ("article", "today", "fee"),
    [
        ("§3.2 on the due date", DUE, 0),
        ("§3.2 the day after", date(2026, 3, 1), COLLECTION_FEE_CENTS),
        ("§3.2 still once", date(2026, 3, 14), COLLECTION_FEE_CENTS),
    ],
)
def test_collection_fee_once_per_unpaid_renewal(article, today, fee):
    assert collection_fee_cents(DUE, today) == fee, article


def test_balance_breakdown():
    """§3.2: amount, interest to date, fee."""
    owed = balance(2900, date(2026, 3, 1), date(2026, 3, 11), RATES)
    assert (owed.amount_cents, owed.interest_cents, owed.fee_cents) == (2900, 2, 4000)
    assert owed.total_cents == 6902


FIRST = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("article", "plan", "paid", "withdrawn", "now", "earned"),
    [
        ("§4 §6.1 Solo within 14 days", Plan.SOLO, FIRST, False, datetime(2026, 3, 15, 9, 59, tzinfo=UTC), False),
        ("§4 §6.1 Solo after 14 days", Plan.SOLO, FIRST, False, datetime(2026, 3, 15, 10, 0, tzinfo=UTC), True),
        ("§4 §6.1 Solo withdrawn", Plan.SOLO, FIRST, True, datetime(2026, 4, 1, tzinfo=UTC), False),
        ("§4 §6.2 Plus: first payment after reflection", Plan.PLUS, FIRST, False, FIRST, True),
        ("§4 §6.2 Plus not charged yet", Plan.PLUS, None, False, FIRST, False),
    ],
)  # fmt: skip
def test_referral_credit_earned(article, plan, paid, withdrawn, now, earned):
    assert referral_credit_earned(plan, paid, withdrawn, now) is earned, article


@pytest.mark.parametrize(
    ("article", "amount", "credit", "charged", "used"),
    [
        ("§4 credit covers part", 2900, 1000, 1900, 1000),
        ("§4 credit covers all", 2900, 5000, 0, 2900),
        ("§4 no credit", 2900, 0, 2900, 0),
    ],
)
def test_referral_credit_consumed_on_charges(article, amount, credit, charged, used):
    assert apply_credit(amount, credit) == (charged, used), article


SUBSCRIBED = datetime(2026, 1, 5, 9, tzinfo=UTC)
PUBLISHED = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("article", "accepted_on", "period_start", "expected"),
    [
        # Not accepted (yet, or cancelled in answer to the change): the locked price.
        ("§1 not accepted", None, date(2026, 3, 5), 2000),
        ("§1 not accepted", None, date(2026, 6, 5), 2000),
        # Accepted now: the new price from the next period after the acceptance.
        ("§1 accepted", date(2026, 3, 2), date(2026, 3, 5), 2500),
        ("§1 accepted that day", date(2026, 3, 5), date(2026, 3, 5), 2000),
        ("§1 accepted that day", date(2026, 3, 5), date(2026, 4, 5), 2500),
        # Accepted by continued use at the 30-day deadline (31 March).
        ("§1 continued use", date(2026, 3, 31), date(2026, 3, 5), 2000),
        ("§1 continued use", date(2026, 3, 31), date(2026, 4, 5), 2500),
        # A month end and a leap day: counted by platform-local days.
        ("§1 leap day", date(2028, 2, 28), date(2028, 2, 29), 2500),
    ],
)
def test_a_price_change_applies_only_once_accepted(article, accepted_on, period_start, expected):
    changes = [PriceChange(PUBLISHED, 2500, accepted_on)]
    assert monthly_price(2000, SUBSCRIBED, period_start, changes) == expected, article


@pytest.mark.parametrize(
    ("article", "subscribed_at", "changes", "expected"),
    [
        ("§1 no change", SUBSCRIBED, [], 2000),
        # Subscribed after the version: its price is the one locked at checkout.
        (
            "§1 subscribed after",
            datetime(2026, 3, 2, tzinfo=UTC),
            [PriceChange(PUBLISHED, 2500, date(2026, 3, 3))],
            2000,
        ),
        # Two accepted changes: the latest one accepted before the period.
        (
            "§1 two changes",
            SUBSCRIBED,
            [
                PriceChange(datetime(2026, 4, 1, tzinfo=UTC), 3000, date(2026, 4, 2)),
                PriceChange(PUBLISHED, 2500, date(2026, 3, 2)),
            ],
            3000,
        ),
        # The second not accepted (yet): the first one's price.
        (
            "§1 second not accepted",
            SUBSCRIBED,
            [
                PriceChange(PUBLISHED, 2500, date(2026, 3, 2)),
                PriceChange(datetime(2026, 4, 1, tzinfo=UTC), 3000, None),
            ],
            2500,
        ),
    ],
)
def test_the_latest_accepted_price_change_wins(article, subscribed_at, changes, expected):
    assert monthly_price(2000, subscribed_at, date(2026, 5, 5), changes) == expected, article
