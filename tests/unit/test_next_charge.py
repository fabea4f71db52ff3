"""A subscription's next charge and, while a discount runs, the day the full price
starts: by table, on the same anniversaries as the order's schedule."""

from datetime import date

import pytest

from app.domain.order_pricing import NextCharge, next_charge, quote
from app.domain.orders import Plan
from app.domain.promotions import Discount, DiscountKind
from app.domain.subscriptions import SubscriptionStatus as S
from app.domain.subscriptions import next_billing_date

JAN_31 = date(2026, 1, 31)
FEB_28 = date(2026, 2, 28)


@pytest.mark.parametrize(
    "anchor, on, monthly, off, months, expected",
    [
        # No discount: the full price, nothing more to say.
        (JAN_31, FEB_28, 2000, 0, 0, NextCharge(FEB_28, 2000, 2000, None)),
        # Two discounted months still to come: this one and the next; then the full
        # price on the anchor's anniversary (31 March, not 28 March).
        (JAN_31, FEB_28, 2000, 400, 2, NextCharge(FEB_28, 1600, 2000, date(2026, 4, 30))),
        (JAN_31, FEB_28, 2000, 400, 1, NextCharge(FEB_28, 1600, 2000, date(2026, 3, 31))),
        # A discount whose months are used up, or worth nothing, is no discount.
        (JAN_31, FEB_28, 2000, 400, 0, NextCharge(FEB_28, 2000, 2000, None)),
        (JAN_31, FEB_28, 2000, 0, 3, NextCharge(FEB_28, 2000, 2000, None)),
        # A month made free by the discount.
        (JAN_31, FEB_28, 2000, 2000, 1, NextCharge(FEB_28, 0, 2000, date(2026, 3, 31))),
        # Later in the year: counted from the anchor, whatever the months in between.
        (
            JAN_31,
            date(2026, 8, 31),
            2000,
            500,
            1,
            NextCharge(date(2026, 8, 31), 1500, 2000, date(2026, 9, 30)),
        ),
        # Plus at the end of its reflection period: the first charge is the anchor itself.
        (
            date(2026, 2, 7),
            date(2026, 2, 7),
            30000,
            3000,
            3,
            NextCharge(date(2026, 2, 7), 27000, 30000, date(2026, 5, 7)),
        ),
    ],
)
def test_next_charge(anchor, on, monthly, off, months, expected):
    assert next_charge(anchor, on, monthly, off, months) == expected


def test_next_charge_agrees_with_the_schedule_review_showed():
    """A Plus order's first charge and the day the full price starts, read again from
    the subscription it made, are what Review's schedule said."""
    shown = quote(Plan.PLUS, 30000, date(2026, 1, 31), Discount(DiscountKind.PERCENT, 10, 2), 24)
    first = shown.schedule[0]
    found = next_charge(first.on, first.on, 30000, shown.discount_cents, shown.discount_months)
    assert (found.on, found.cents) == (first.on, first.cents)
    assert found.full_price_from == shown.schedule[-1].on


ANCHOR = date(2026, 1, 5)
PERIOD_END = date(2026, 3, 5)


@pytest.mark.parametrize(
    "status, expected",
    [
        (S.ACTIVE, PERIOD_END),
        # Plus: the first month is charged when the reflection period ends, on the anchor.
        (S.REFLECTION, ANCHOR),
        # Nothing more is charged once cancelled; a past-due balance is not a renewal.
        (S.CANCELLING, None),
        (S.PAST_DUE, None),
        (S.ENDED, None),
        (S.WITHDRAWN, None),
        (S.TERMINATED, None),
    ],
)
def test_next_billing_date(status, expected):
    assert next_billing_date(status, ANCHOR, PERIOD_END) == expected
