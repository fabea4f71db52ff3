"""The day a Premium Solo ends when Premium Plus replaces it (Terms §2.2a), by table."""

from datetime import date

import pytest

from app.domain.subscriptions import SubscriptionStatus as S
from app.domain.subscriptions import last_day_if_replaced

PERIOD_END = date(2026, 3, 5)
CANCELLED_END = date(2026, 2, 5)


@pytest.mark.parametrize(
    "status, ends_on, expected",
    [
        # Active: stops renewing, ends with the month already paid.
        (S.ACTIVE, None, PERIOD_END),
        # Already cancelled: keeps the end it had.
        (S.CANCELLING, CANCELLED_END, CANCELLED_END),
        # Past due: Plus does not end it (the balance comes first).
        (S.PAST_DUE, None, None),
        (S.ENDED, CANCELLED_END, None),
        (S.WITHDRAWN, None, None),
        (S.TERMINATED, None, None),
    ],
)
def test_last_day_of_a_solo_replaced_by_plus(status, ends_on, expected):
    assert last_day_if_replaced(status, PERIOD_END, ends_on) == expected
