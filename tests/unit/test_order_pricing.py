"""Order figures by table: what Review shows, Confirm charges and the order records."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.order_pricing import quote
from app.domain.orders import Plan
from app.domain.pricing import PriceRefused
from app.domain.promotions import Discount, DiscountKind

TODAY = date(2026, 1, 31)
PCT = DiscountKind.PERCENT
FIX = DiscountKind.FIXED


@pytest.mark.parametrize(
    "plan, monthly, discount, due_today, first_on, schedule",
    [
        (
            Plan.SOLO,
            2000,
            None,
            2000,
            date(2026, 1, 31),
            [(date(2026, 1, 31), 2000), (date(2026, 2, 28), 2000)],
        ),
        (
            Plan.SOLO,
            2000,
            Discount(PCT, 20, 3),
            1600,
            date(2026, 1, 31),
            [
                (date(2026, 1, 31), 1600),
                (date(2026, 2, 28), 1600),
                (date(2026, 3, 31), 1600),
                (date(2026, 4, 30), 2000),
            ],
        ),
        (
            Plan.SOLO,
            2000,
            Discount(FIX, 500, 1),
            1500,
            date(2026, 1, 31),
            [(date(2026, 1, 31), 1500), (date(2026, 2, 28), 2000)],
        ),
        # A fixed discount larger than the month makes the month free, never negative.
        (
            Plan.SOLO,
            2000,
            Discount(FIX, 5000, 1),
            0,
            date(2026, 1, 31),
            [(date(2026, 1, 31), 0), (date(2026, 2, 28), 2000)],
        ),
        (
            Plan.SOLO,
            1999,
            Discount(PCT, 15, 1),
            1699,
            date(2026, 1, 31),
            [(date(2026, 1, 31), 1699), (date(2026, 2, 28), 1999)],
        ),
        # Plus: nothing today; the first month the day the reflection period ends.
        (
            Plan.PLUS,
            30000,
            None,
            0,
            date(2026, 2, 7),
            [(date(2026, 2, 7), 30000), (date(2026, 3, 7), 30000)],
        ),
        (
            Plan.PLUS,
            30000,
            Discount(PCT, 10, 2),
            0,
            date(2026, 2, 7),
            [(date(2026, 2, 7), 27000), (date(2026, 3, 7), 27000), (date(2026, 4, 7), 30000)],
        ),
    ],
)
def test_quote(plan, monthly, discount, due_today, first_on, schedule):
    result = quote(plan, monthly, TODAY, discount, path_duration_months=12)
    assert result.due_today_cents == due_today
    assert result.first_charge_on == first_on
    assert [(c.on, c.cents) for c in result.schedule] == schedule


@pytest.mark.parametrize(
    "monthly, months, refused", [(30000, 12, False), (30000, 4, False), (30000, 3, True)]
)
def test_plus_is_checked_against_the_30_percent_rule(monthly, months, refused):
    if refused:
        with pytest.raises(PriceRefused):
            quote(Plan.PLUS, monthly, TODAY, None, path_duration_months=months)
    else:
        quote(Plan.PLUS, monthly, TODAY, None, path_duration_months=months)


def test_figures_change_when_any_figure_changes():
    base = quote(Plan.SOLO, 2000, TODAY)
    assert base.figures() == quote(Plan.SOLO, 2000, TODAY).figures()
    assert base.figures() != quote(Plan.SOLO, 2100, TODAY).figures()
    assert base.figures() != quote(Plan.SOLO, 2000, TODAY, Discount(PCT, 10, 1)).figures()


discounts = st.one_of(
    st.none(),
    st.builds(Discount, st.just(PCT), st.integers(1, 100), st.integers(1, 12)),
    st.builds(Discount, st.just(FIX), st.integers(1, 100_000), st.integers(1, 12)),
)


@given(
    plan=st.sampled_from(Plan),
    monthly=st.integers(1, 200_000),
    discount=discounts,
    today=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
)
def test_charges_are_whole_cents_between_zero_and_the_price(plan, monthly, discount, today):
    result = quote(plan, monthly, today, discount, path_duration_months=12)
    assert all(isinstance(c.cents, int) and 0 <= c.cents <= monthly for c in result.schedule)
    assert result.schedule[-1].cents == monthly
    assert result.due_today_cents == (result.schedule[0].cents if plan is Plan.SOLO else 0)
    assert 0 <= result.discount_cents <= monthly
    dates = [c.on for c in result.schedule]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
