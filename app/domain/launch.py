"""Estimated launch periods of upcoming Learning Paths (Terms §1)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    MONTH = "month"
    SEASON = "season"


class Season(StrEnum):
    WINTER = "winter"
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"


_SEASONS = {
    12: Season.WINTER,
    1: Season.WINTER,
    2: Season.WINTER,
    3: Season.SPRING,
    4: Season.SPRING,
    5: Season.SPRING,
    6: Season.SUMMER,
    7: Season.SUMMER,
    8: Season.SUMMER,
    9: Season.AUTUMN,
    10: Season.AUTUMN,
    11: Season.AUTUMN,
}


@dataclass(frozen=True)
class LaunchPeriod:
    precision: Precision
    year: int
    month: int | None = None
    season: Season | None = None

    @property
    def key(self) -> str:
        """What identifies the period to the people waiting: it changes only when what
        they were told changes."""
        if self.precision is Precision.MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.season}"


def launch_period(estimate: date, precision: Precision) -> LaunchPeriod:
    """The period shown for an estimated launch month. December belongs to the winter
    of the following year ("winter 2028" runs from December 2027 to February 2028)."""
    if precision is Precision.MONTH:
        return LaunchPeriod(precision, estimate.year, month=estimate.month)
    season = _SEASONS[estimate.month]
    year = estimate.year + 1 if estimate.month == 12 else estimate.year
    return LaunchPeriod(precision, year, season=season)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def estimate_in_past(estimate: date, today: date) -> bool:
    """An estimate earlier than the current month cannot be right for an upcoming path."""
    return first_of_month(estimate) < first_of_month(today)
