"""Billing periods: monthly anniversaries and the Plus reflection period."""

import calendar
from datetime import date, datetime, timedelta

# Education Code L444-8 (Terms §6.2): seven days from acceptance.
REFLECTION_DAYS = 7
# Consumer Code L221-18 (Terms §6.1): fourteen days to withdraw from Solo.
WITHDRAWAL_DAYS = 14


def add_months(start: date, months: int) -> date:
    """The same day `months` later; a day the target month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def anniversary(anchor: date, months: int) -> date:
    """The `months`-th billing date of a subscription that started on `anchor`. Always
    counted from the anchor, so 31 January → 28 February → 31 March (not 28 March)."""
    return add_months(anchor, months)


def months_after(anchor: date, day: date) -> int:
    """Which anniversary of `anchor` the billing date `day` is (its `months` above)."""
    return (day.year - anchor.year) * 12 + day.month - anchor.month


def reflection_ends(accepted_at: datetime) -> datetime:
    return accepted_at + timedelta(days=REFLECTION_DAYS)


def withdrawal_ends(subscribed_at: datetime) -> datetime:
    return subscribed_at + timedelta(days=WITHDRAWAL_DAYS)
