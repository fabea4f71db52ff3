"""Who may buy a paid plan (Terms §1): age, country of residence, legal protection."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MINIMUM_AGE = 16
DEFAULT_AGE_OF_MAJORITY = 18

# Countries whose age of majority is not 18 (ISO 3166-1 alpha-2). Staff extend this
# table as the platform opens to new countries.
AGE_OF_MAJORITY = {
    "DZ": 19,  # Algeria
    "KR": 19,  # South Korea
    "EG": 21,  # Egypt
    "SG": 21,  # Singapore
    "BH": 21,  # Bahrain
}


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_CONSENT = "needs_consent"
    TOO_YOUNG = "too_young"


@dataclass(frozen=True)
class Assessment:
    status: Eligibility
    age: int
    age_of_majority: int

    @property
    def may_buy(self) -> bool:
        return self.status is not Eligibility.TOO_YOUNG

    @property
    def needs_consent(self) -> bool:
        return self.status is Eligibility.NEEDS_CONSENT


def age_on(born: date, today: date) -> int:
    """Completed years. Someone born on 29 February has their birthday on 1 March
    in common years: (2, 28) still sorts before (2, 29)."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - int(before_birthday)


def age_of_majority(country: str | None) -> int:
    return AGE_OF_MAJORITY.get((country or "").upper(), DEFAULT_AGE_OF_MAJORITY)


def assess(born: date, country: str | None, legal_protection: bool, today: date) -> Assessment:
    age = age_on(born, today)
    majority = age_of_majority(country)
    if age < MINIMUM_AGE:
        status = Eligibility.TOO_YOUNG
    elif age < majority or legal_protection:
        status = Eligibility.NEEDS_CONSENT
    else:
        status = Eligibility.ELIGIBLE
    return Assessment(status=status, age=age, age_of_majority=majority)


class BirthDateProblem(StrEnum):
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"


EARLIEST_BIRTH_YEAR = 1900


def birth_date_problem(born: date, today: date) -> BirthDateProblem | None:
    if born > today:
        return BirthDateProblem.IN_FUTURE
    if born.year < EARLIEST_BIRTH_YEAR:
        return BirthDateProblem.TOO_OLD
    return None
