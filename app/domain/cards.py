"""Card number checks done before anything is sent anywhere: Luhn, brand, expiry.

Only the brand and the last four digits ever leave these functions' callers."""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.numbers import is_ascii_digits


class CardProblem(StrEnum):
    NUMBER_FORMAT = "number_format"
    NUMBER_CHECKSUM = "number_checksum"
    EXPIRY_FORMAT = "expiry_format"
    EXPIRED = "expired"
    CVC_FORMAT = "cvc_format"


_BRANDS = (
    ("amex", re.compile(r"^3[47]")),
    ("visa", re.compile(r"^4")),
    ("mastercard", re.compile(r"^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))")),
    ("discover", re.compile(r"^6(011|5)")),
)


def digits_only(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def luhn_valid(number: str) -> bool:
    if not is_ascii_digits(number):
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(number: str) -> str:
    for brand, pattern in _BRANDS:
        if pattern.match(number):
            return brand
    return "card"


@dataclass(frozen=True)
class Expiry:
    month: int
    year: int


def parse_expiry(text: str) -> Expiry | None:
    """'MM/YY', 'MM/YYYY', 'MM YY' → Expiry, or None."""
    match = re.fullmatch(r"\s*([0-9]{1,2})\s*[/ -]?\s*([0-9]{2}|[0-9]{4})\s*", text or "")
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        return None
    return Expiry(month, year)


def card_problems(number: str, expiry: str, cvc: str, today: date) -> list[tuple[str, CardProblem]]:
    """(field, problem) for each field of the card that is wrong, at most one per field,
    in the form's order: all of them at once, so that one submit shows every mistake."""
    problems: list[tuple[str, CardProblem]] = []
    digits = digits_only(number)
    if not is_ascii_digits(digits) or not 12 <= len(digits) <= 19:
        problems.append(("card_number", CardProblem.NUMBER_FORMAT))
    elif not luhn_valid(digits):
        problems.append(("card_number", CardProblem.NUMBER_CHECKSUM))
    parsed = parse_expiry(expiry)
    if parsed is None:
        problems.append(("card_expiry", CardProblem.EXPIRY_FORMAT))
    elif (parsed.year, parsed.month) < (today.year, today.month):
        problems.append(("card_expiry", CardProblem.EXPIRED))
    expected = 4 if brand_of(digits) == "amex" else 3
    if not re.fullmatch(rf"[0-9]{{{expected}}}", (cvc or "").strip()):
        problems.append(("card_cvc", CardProblem.CVC_FORMAT))
    return problems


def card_problem(number: str, expiry: str, cvc: str, today: date) -> tuple[str, CardProblem] | None:
    """(field, problem) for the first thing wrong with a card, or None."""
    problems = card_problems(number, expiry, cvc, today)
    return problems[0] if problems else None
