"""A date typed in three boxes (day, month, year), as in the GOV.UK date input: what it
means, and which box is wrong when it means nothing. The date of birth it reads decides
who may subscribe (Terms §1: from 16, with consent until the age of majority)."""

from datetime import date

import pytest

from app.domain.date_parts import DateProblem, month_key, read_date

NAMES = {month_key("March"): 3, month_key("Mar"): 3, month_key("février"): 2}


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2007", date(2007, 3, 27)),
        (" 07 ", "03", "2007", date(2007, 3, 7)),  # spaces and leading zeros
        ("27", "March", "2007", date(2007, 3, 27)),  # the month in words...
        ("27", "mar.", "2007", date(2007, 3, 27)),
        ("1", "FEVRIER", "2008", date(2008, 2, 1)),  # ...whatever the case and accents
        ("29", "2", "2008", date(2008, 2, 29)),  # a leap year
    ],
)
def test_a_real_date(day, month, year, expected):
    answer = read_date(day, month, year, NAMES)
    assert (answer.value, answer.problem, answer.parts) == (expected, None, ())


@pytest.mark.parametrize(
    ("day", "month", "year", "problem", "parts"),
    [
        ("", "", "", DateProblem.EMPTY, ("day", "month", "year")),
        ("  ", "", " ", DateProblem.EMPTY, ("day", "month", "year")),
        # Something missing: only the empty boxes are wrong.
        ("27", "", "2007", DateProblem.MISSING, ("month",)),
        ("", "3", "2007", DateProblem.MISSING, ("day",)),
        ("27", "3", "", DateProblem.MISSING, ("year",)),
        ("", "", "2007", DateProblem.MISSING, ("day", "month")),
        ("", "3", "", DateProblem.MISSING, ("day", "year")),
        ("27", "", "", DateProblem.MISSING, ("month", "year")),
        # One box that cannot be right: that box only.
        ("32", "3", "2007", DateProblem.DAY, ("day",)),
        ("0", "3", "2007", DateProblem.DAY, ("day",)),
        ("2a", "3", "2007", DateProblem.DAY, ("day",)),
        ("27", "13", "2007", DateProblem.MONTH, ("month",)),
        ("27", "Smarch", "2007", DateProblem.MONTH, ("month",)),
        ("27", "3", "07", DateProblem.YEAR, ("year",)),
        ("27", "3", "20077", DateProblem.YEAR, ("year",)),
        ("27", "3", "\uff12\uff10\uff10\uff17", DateProblem.YEAR, ("year",)),  # full-width 2007
        # Several wrong boxes, or no such day: the date as a whole.
        ("32", "13", "2007", DateProblem.NOT_A_DATE, ("day", "month", "year")),
        ("30", "2", "2007", DateProblem.NOT_A_DATE, ("day", "month", "year")),
        ("29", "2", "2007", DateProblem.NOT_A_DATE, ("day", "month", "year")),
    ],
)
def test_what_is_wrong_and_where(day, month, year, problem, parts):
    answer = read_date(day, month, year, NAMES)
    assert (answer.value, answer.problem, answer.parts) == (None, problem, parts)
