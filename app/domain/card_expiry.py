"""When a saved card expires and when its holder is told (a month before, so that the
next renewal does not fail for it, §3.2)."""

import calendar
from datetime import date

from app.domain.periods import add_months


def last_valid_day(exp_month: int, exp_year: int) -> date:
    """A card marked 04/27 works until the end of April 2027."""
    return date(exp_year, exp_month, calendar.monthrange(exp_year, exp_month)[1])


def notice_due(exp_month: int | None, exp_year: int | None, today: date) -> bool:
    """From a month before its last valid day, until that day: the window for the
    reminder. No expiry (PayPal) or already expired: no reminder."""
    if exp_month is None or exp_year is None:
        return False
    last = last_valid_day(exp_month, exp_year)
    return add_months(last, -1) <= today <= last


def expiries_in_notice(today: date) -> tuple[tuple[int, int], ...]:
    """The (month, year) expiries whose reminder window can hold `today`: this month's
    and next month's (a window starts a month before the last valid day). The billing
    job reads only those cards, then asks `notice_due` of each."""
    following = add_months(today.replace(day=1), 1)
    return ((today.month, today.year), (following.month, following.year))
