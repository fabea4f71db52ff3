from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.cards import (
    CardProblem,
    brand_of,
    card_problem,
    card_problems,
    luhn_valid,
    parse_expiry,
)
from app.domain.orders import ALLOWED, InvalidTransition, OrderStatus, transition
from app.domain.periods import add_months, anniversary, reflection_ends

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    "number, valid",
    [
        ("4242424242424242", True),
        ("4242424242424241", False),
        ("378282246310005", True),
        ("5555555555554444", True),
        ("0000000000000000", True),
        ("12a4", False),
    ],
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    "number, brand",
    [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("9999999999999995", "card"),
    ],
)
def test_brand(number, brand):
    assert brand_of(number) == brand


@pytest.mark.parametrize(
    "number, expiry, cvc, problem",
    [
        ("4242 4242 4242 4242", "04/39", "123", None),
        ("4242-4242-4242-4242", "4/2039", "123", None),
        ("", "04/39", "123", ("card_number", CardProblem.NUMBER_FORMAT)),
        ("4242", "04/39", "123", ("card_number", CardProblem.NUMBER_FORMAT)),
        ("4242424242424241", "04/39", "123", ("card_number", CardProblem.NUMBER_CHECKSUM)),
        ("4242424242424242", "13/39", "123", ("card_expiry", CardProblem.EXPIRY_FORMAT)),
        ("4242424242424242", "10/26", "123", ("card_expiry", CardProblem.EXPIRED)),
        ("4242424242424242", "11/26", "123", None),  # valid to the end of its month
        ("4242424242424242", "04/39", "12", ("card_cvc", CardProblem.CVC_FORMAT)),
        ("378282246310005", "04/39", "123", ("card_cvc", CardProblem.CVC_FORMAT)),
        ("378282246310005", "04/39", "1234", None),
    ],
)
def test_card_problem(number, expiry, cvc, problem):
    assert card_problem(number, expiry, cvc, TODAY) == problem


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "problems"),
    [
        ("4242424242424242", "04/39", "123", []),
        (
            "4242424242424241",
            "10/26",
            "12",
            [
                ("card_number", CardProblem.NUMBER_CHECKSUM),
                ("card_expiry", CardProblem.EXPIRED),
                ("card_cvc", CardProblem.CVC_FORMAT),
            ],
        ),
        (
            "",
            "",
            "",
            [
                ("card_number", CardProblem.NUMBER_FORMAT),
                ("card_expiry", CardProblem.EXPIRY_FORMAT),
                ("card_cvc", CardProblem.CVC_FORMAT),
            ],
        ),
        (
            "378282246310005",
            "13/39",
            "123",
            [("card_expiry", CardProblem.EXPIRY_FORMAT), ("card_cvc", CardProblem.CVC_FORMAT)],
        ),
    ],
)
def test_card_problems_are_every_fields_at_once(number, expiry, cvc, problems):
    assert card_problems(number, expiry, cvc, TODAY) == problems


def test_parse_expiry():
    assert parse_expiry("04/29").year == 2029 and parse_expiry("0429") is not None
    assert parse_expiry("00/29") is None and parse_expiry("") is None


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 8, 31), 13, date(2027, 9, 30)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected == anniversary(start, months)


def test_reflection_is_seven_days():
    accepted = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert reflection_ends(accepted) - accepted == timedelta(days=7)


@pytest.mark.parametrize("current", list(OrderStatus))
@pytest.mark.parametrize("target", list(OrderStatus))
def test_order_transitions(current, target):
    if target in ALLOWED[current]:
        assert transition(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            transition(current, target)
