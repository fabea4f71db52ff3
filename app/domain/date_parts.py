"""A date typed in three boxes, day, month and year (the GOV.UK date input): the date it
means, or what is wrong and in which boxes, so that the message names the box and only
that box is marked."""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PARTS = ("day", "month", "year")
# ASCII digits only: str.isdigit() also takes "²" and other digits int() may refuse.
_NUMBER = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


class DateProblem(StrEnum):
    EMPTY = "empty"  # nothing typed
    MISSING = "missing"  # some boxes left empty (the parts say which)
    DAY = "day"  # not a day of a month, 1 to 31
    MONTH = "month"  # neither 1 to 12 nor a month's name
    YEAR = "year"  # not 4 digits
    NOT_A_DATE = "not_a_date"  # several boxes wrong, or no such day (30 February)


@dataclass(frozen=True)
class DateAnswer:
    value: date | None
    problem: DateProblem | None = None
    parts: tuple[str, ...] = ()  # the boxes the problem is in, in PARTS order


def month_key(name: str) -> str:
    """A month's name as compared: "Févr." and "fevrier" start alike, "MARS" is "mars"."""
    decomposed = unicodedata.normalize("NFKD", name.strip().rstrip(".").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _month(text: str, names: Mapping[str, int]) -> int | None:
    if _NUMBER.fullmatch(text):
        number = int(text)
        return number if 1 <= number <= 12 else None
    return names.get(month_key(text)) if text else None


def read_date(day: str, month: str, year: str, month_names: Mapping[str, int]) -> DateAnswer:
    """`month_names` maps month_key(name) to its number, for the months typed in words."""
    typed = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = tuple(part for part in PARTS if not typed[part])
    if len(missing) == len(PARTS):
        return DateAnswer(None, DateProblem.EMPTY, PARTS)
    if missing:
        return DateAnswer(None, DateProblem.MISSING, missing)
    day_number = int(typed["day"]) if _NUMBER.fullmatch(typed["day"]) else 0
    month_number = _month(typed["month"], month_names)
    wrong = tuple(
        part
        for part, ok in (
            ("day", 1 <= day_number <= 31),
            ("month", month_number is not None),
            ("year", bool(_YEAR.fullmatch(typed["year"]))),
        )
        if not ok
    )
    if len(wrong) == 1:
        return DateAnswer(None, DateProblem(wrong[0]), wrong)
    if wrong:
        return DateAnswer(None, DateProblem.NOT_A_DATE, PARTS)
    try:
        return DateAnswer(date(int(typed["year"]), month_number, day_number))
    except ValueError:  # each box is fine, together they name no day
        return DateAnswer(None, DateProblem.NOT_A_DATE, PARTS)
