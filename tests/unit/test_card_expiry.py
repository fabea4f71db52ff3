"""The card-expiry reminder, a month before a saved card stops working (so that a
renewal does not fail for it, Terms §3.2, §2.1d)."""

from datetime import date, timedelta

import pytest

from app.domain.card_expiry import expiries_in_notice, last_valid_day, notice_due


@pytest.mark.parametrize(
    "article, month, year, today, due",
    [
        ("§3.2 two months before", 4, 2027, date(2027, 2, 28), False),
        ("§3.2 a month before", 4, 2027, date(2027, 3, 30), True),
        ("§3.2 the day before", 4, 2027, date(2027, 3, 29), False),
        ("§3.2 the last valid day", 4, 2027, date(2027, 4, 30), True),
        ("§3.2 expired", 4, 2027, date(2027, 5, 1), False),
        # A month ending on the 31st: a month before is the 28th or 29th of February.
        ("§3.2 March, not leap", 3, 2027, date(2027, 2, 28), True),
        ("§3.2 March, leap", 3, 2028, date(2028, 2, 28), False),
        ("§3.2 March, leap day", 3, 2028, date(2028, 2, 29), True),
        ("§3.2 PayPal has no expiry", None, None, date(2027, 3, 30), False),
    ],
)
def test_notice_due(article, month, year, today, due):
    assert notice_due(month, year, today) is due


def test_a_card_works_to_the_end_of_its_month():
    assert last_valid_day(2, 2028) == date(2028, 2, 29)


@pytest.mark.parametrize(
    "article, today, expiries",
    [
        ("§3.2 mid-month", date(2027, 3, 15), ((3, 2027), (4, 2027))),
        ("§3.2 December", date(2027, 12, 31), ((12, 2027), (1, 2028))),
        ("§3.2 leap day", date(2028, 2, 29), ((2, 2028), (3, 2028))),
    ],
)
def test_expiries_in_notice(article, today, expiries):
    assert expiries_in_notice(today) == expiries


def test_no_card_outside_those_expiries_is_due_any_day():
    # §3.2: the job reads only these expiries, so none it leaves out may be due.
    day = date(2026, 1, 1)
    while day < date(2029, 1, 1):
        candidates = set(expiries_in_notice(day))
        for year in (day.year - 1, day.year, day.year + 1):
            for month in range(1, 13):
                if notice_due(month, year, day):
                    assert (month, year) in candidates, (day, month, year)
        day += timedelta(days=1)
