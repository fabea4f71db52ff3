from datetime import date

import pytest

from app.domain.eligibility import (
    BirthDateProblem,
    Eligibility,
    age_of_majority,
    age_on,
    assess,
    birth_date_problem,
)

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2008, 11, 26), TODAY, 18),  # birthday today
        (date(2008, 11, 27), TODAY, 17),  # birthday tomorrow
        (date(2008, 11, 25), TODAY, 18),  # birthday yesterday
        (date(2010, 11, 27), TODAY, 15),  # the day before turning 16
        (date(2010, 11, 26), TODAY, 16),  # 16 today
        # Born on 29 February: a year older on 1 March in common years...
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        # ...and on 29 February in leap years.
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2026, 11, 26), TODAY, 0),
    ],
)
def test_age_on(born, today, age):
    assert age_on(born, today) == age


@pytest.mark.parametrize(
    ("born", "country", "protected", "status"),
    [
        (date(1990, 1, 1), "FR", False, Eligibility.ELIGIBLE),
        (date(2008, 11, 26), "FR", False, Eligibility.ELIGIBLE),  # 18 today
        (date(2008, 11, 27), "FR", False, Eligibility.NEEDS_CONSENT),  # 18 tomorrow
        (date(2010, 11, 26), "FR", False, Eligibility.NEEDS_CONSENT),  # 16 today
        (date(2010, 11, 27), "FR", False, Eligibility.TOO_YOUNG),  # 16 tomorrow
        (date(2015, 6, 1), "FR", True, Eligibility.TOO_YOUNG),  # too young whatever else
        (date(1980, 1, 1), "FR", True, Eligibility.NEEDS_CONSENT),  # protected adult
        (date(2008, 2, 29), "FR", False, Eligibility.ELIGIBLE),  # leap-day, 18 on 1 March 2026
        # Another age of majority: 19 in South Korea and Algeria, 21 in Singapore.
        (date(2007, 11, 27), "KR", False, Eligibility.NEEDS_CONSENT),  # 18, not yet 19
        (date(2007, 11, 26), "KR", False, Eligibility.ELIGIBLE),  # 19 today
        (date(2008, 1, 1), "DZ", False, Eligibility.NEEDS_CONSENT),  # 18 in Algeria
        (date(2006, 1, 1), "SG", False, Eligibility.NEEDS_CONSENT),  # 20 in Singapore
        (date(2005, 11, 26), "SG", False, Eligibility.ELIGIBLE),  # 21 today
        (date(2008, 1, 1), "kr", False, Eligibility.NEEDS_CONSENT),  # code case-insensitive
        (date(2008, 1, 1), None, False, Eligibility.ELIGIBLE),  # unknown country: default 18
    ],
)
def test_assess(born, country, protected, status):
    assert assess(born, country, protected, TODAY).status is status


def test_assessment_explains_itself():
    result = assess(date(2008, 12, 1), "FR", False, TODAY)
    assert (result.age, result.age_of_majority) == (17, 18)
    assert result.may_buy and result.needs_consent
    assert not assess(date(2012, 1, 1), "FR", False, TODAY).may_buy


@pytest.mark.parametrize(("country", "age"), [("FR", 18), ("BE", 18), ("KR", 19), ("SG", 21)])
def test_age_of_majority(country, age):
    assert age_of_majority(country) == age


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (date(2026, 11, 27), BirthDateProblem.IN_FUTURE),
        (date(2026, 11, 26), None),
        (date(1899, 12, 31), BirthDateProblem.TOO_OLD),
        (date(1900, 1, 1), None),
    ],
)
def test_birth_date_problem(born, problem):
    assert birth_date_problem(born, TODAY) == problem
