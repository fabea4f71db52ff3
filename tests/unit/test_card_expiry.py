"""The card-expiry reminder, a month before a saved card stops working (so that a
renewal does not fail for it, Terms §3.2, §2.1d)."""

from datetime import date

import pytest

from app.domain.card_expiry import last_valid_day, notice_due


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
