"""Whole numbers from people and URLs: 0-9 only (issue: `?page=²` gave a 500)."""

import pytest

from app.domain.cards import CardProblem, card_problem, luhn_valid, parse_expiry
from app.domain.numbers import is_ascii_digits, parse_whole_number

TODAY = __import__("datetime").date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        ("007", 7),
        ("", None),
        (None, None),
        ("²", None),  # str.isdigit() says yes; int() says no
        ("٣", None),  # Arabic-Indic three: int() would take it
        ("\uff14\uff12", None),  # full-width digits
        ("-1", None),
        ("+1", None),
        ("1.5", None),
        ("1e3", None),
        ("1 000", None),
        ("9" * 9, 999_999_999),
        ("9" * 10, None),  # past max_digits
    ],
)
def test_parse_whole_number(text, expected):
    assert parse_whole_number(text) == expected


def test_max_digits_is_a_bound_on_the_text():
    assert parse_whole_number("123456", max_digits=6) == 123456
    assert parse_whole_number("1234567", max_digits=6) is None


@pytest.mark.parametrize(("text", "expected"), [("0123", True), ("²", False), ("", False)])
def test_is_ascii_digits(text, expected):
    assert is_ascii_digits(text) is expected


def test_card_checks_refuse_other_digits_with_a_reason():
    full_width = "\uff14\uff12" * 8  # 4242… in full-width digits
    assert not luhn_valid(full_width)
    found = card_problem(full_width, "12/30", "123", TODAY)
    assert found == ("card_number", CardProblem.NUMBER_FORMAT)
    assert parse_expiry("¹²/³⁰") is None
    found = card_problem("4242 4242 4242 4242", "12/30", "¹²³", TODAY)
    assert found is not None and found[0] == "card_cvc"
