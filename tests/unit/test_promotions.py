"""Promo codes and referrals: the discount of one month, whether a code applies, and
what staff may set up."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.orders import Plan
from app.domain.promotions import (
    MAX_FIXED_CENTS,
    MAX_MONTHS,
    REFERRAL_ALPHABET,
    REFERRAL_CODE_LENGTH,
    CodeProblem,
    Discount,
    DiscountKind,
    PromoSetup,
    PromoStatus,
    PromoTerms,
    SetupProblem,
    new_referral_code,
    normalise_code,
    promo_problem,
    promo_status,
    referral_discount,
    referral_problem,
    setup_problems,
)

PERCENT, FIXED = DiscountKind.PERCENT, DiscountKind.FIXED


@pytest.mark.parametrize(
    ("kind", "value", "monthly", "expected"),
    [
        (PERCENT, 20, 2000, 400),
        (PERCENT, 15, 1999, 300),  # 299.85 rounds to 300
        (PERCENT, 10, 1995, 200),  # 199.5: half rounds up
        (PERCENT, 10, 1994, 199),  # 199.4 rounds down
        (PERCENT, 33, 1, 0),  # 0.33 of a cent: nothing
        (PERCENT, 50, 1, 1),  # 0.5 of a cent rounds up
        (PERCENT, 100, 2000, 2000),  # the whole month
        (FIXED, 1000, 2000, 1000),
        (FIXED, 2000, 2000, 2000),
        (FIXED, 5000, 2000, 2000),  # never more than the month
        (FIXED, 1, 30000, 1),
    ],
)
def test_discount_of_one_month(kind, value, monthly, expected):
    assert Discount(kind, value, 3).per_month(monthly) == expected


def test_referral_discount_is_a_percentage():
    assert referral_discount(25, 2) == Discount(PERCENT, 25, 2)
    assert referral_discount().kind is PERCENT


STARTS = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
ENDS = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
TERMS = PromoTerms(
    plans=frozenset({Plan.SOLO}),
    starts_at=STARTS,
    ends_at=ENDS,
    max_redemptions=50,
    max_per_member=1,
)
SECOND = timedelta(seconds=1)
DURING = STARTS + timedelta(days=3)


@pytest.mark.parametrize(
    ("terms", "plan", "now", "redeemed", "by_member", "expected"),
    [
        (TERMS, Plan.SOLO, DURING, 0, 0, None),
        (TERMS, Plan.SOLO, STARTS - SECOND, 0, 0, CodeProblem.NOT_STARTED),
        (TERMS, Plan.SOLO, STARTS, 0, 0, None),  # valid from its first second
        (TERMS, Plan.SOLO, ENDS - SECOND, 0, 0, None),
        (TERMS, Plan.SOLO, ENDS, 0, 0, CodeProblem.EXPIRED),  # the end is excluded
        (replace(TERMS, ends_at=None), Plan.SOLO, ENDS + timedelta(days=900), 0, 0, None),
        (replace(TERMS, active=False), Plan.SOLO, DURING, 0, 0, CodeProblem.EXPIRED),
        (TERMS, Plan.PLUS, DURING, 0, 0, CodeProblem.WRONG_PLAN),
        (TERMS, Plan.SOLO, DURING, 49, 0, None),  # the last use is still free
        (TERMS, Plan.SOLO, DURING, 50, 0, CodeProblem.EXHAUSTED),
        (replace(TERMS, max_redemptions=None), Plan.SOLO, DURING, 10**6, 0, None),
        (TERMS, Plan.SOLO, DURING, 3, 1, CodeProblem.ALREADY_USED),
        (replace(TERMS, max_per_member=2), Plan.SOLO, DURING, 3, 1, None),
        (replace(TERMS, max_per_member=2), Plan.SOLO, DURING, 3, 2, CodeProblem.ALREADY_USED),
        # The most telling reason first: not valid yet beats the wrong plan.
        (TERMS, Plan.PLUS, STARTS - SECOND, 50, 1, CodeProblem.NOT_STARTED),
        (TERMS, Plan.PLUS, DURING, 50, 1, CodeProblem.WRONG_PLAN),
        (TERMS, Plan.SOLO, DURING, 50, 1, CodeProblem.EXHAUSTED),
    ],
)
def test_promo_problem(terms, plan, now, redeemed, by_member, expected):
    assert promo_problem(terms, plan, now, redeemed, by_member) is expected


@pytest.mark.parametrize(
    ("terms", "now", "redeemed", "expected"),
    [
        (TERMS, DURING, 0, PromoStatus.ACTIVE),
        (TERMS, STARTS - SECOND, 0, PromoStatus.SCHEDULED),
        (TERMS, STARTS, 0, PromoStatus.ACTIVE),
        (TERMS, ENDS, 0, PromoStatus.EXPIRED),
        (TERMS, DURING, 50, PromoStatus.USED_UP),
        (replace(TERMS, max_redemptions=None), DURING, 50, PromoStatus.ACTIVE),
        (replace(TERMS, active=False), DURING, 0, PromoStatus.DEACTIVATED),
        (replace(TERMS, active=False), ENDS, 50, PromoStatus.DEACTIVATED),
    ],
)
def test_promo_status_for_staff(terms, now, redeemed, expected):
    assert promo_status(terms, now, redeemed) is expected


@pytest.mark.parametrize(
    ("referrer", "buyer", "had_subscription", "expected"),
    [
        (1, 2, False, None),
        (1, None, False, None),  # not signed in yet: only the code is checked
        (1, 1, False, CodeProblem.OWN_REFERRAL),
        (1, 1, True, CodeProblem.OWN_REFERRAL),
        (1, 2, True, CodeProblem.NOT_NEW),
    ],
)
def test_referral_problem(referrer, buyer, had_subscription, expected):
    assert referral_problem(referrer, buyer, had_subscription) is expected


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("welcome20", "WELCOME20"),
        ("  Spring-10 ", "SPRING-10"),
        ("abcd 2345", "ABCD2345"),
        ("", ""),
    ],
)
def test_codes_are_compared_as_stored(typed, stored):
    assert normalise_code(typed) == stored


def test_referral_codes_use_an_unambiguous_alphabet():
    codes = {new_referral_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == REFERRAL_CODE_LENGTH and set(code) <= set(REFERRAL_ALPHABET)
    assert not set("IOL01") & set(REFERRAL_ALPHABET)
    assert new_referral_code(lambda alphabet: alphabet[0]) == "A" * REFERRAL_CODE_LENGTH


SETUP = PromoSetup(
    code="WELCOME20",
    kind=PERCENT,
    value=20,
    months=3,
    plans=frozenset(Plan),
    starts_at=STARTS,
    ends_at=ENDS,
    max_redemptions=50,
    max_per_member=1,
)


@pytest.mark.parametrize(
    ("changes", "redemptions", "expected"),
    [
        ({}, 0, []),
        ({"ends_at": None, "max_redemptions": None}, 0, []),
        ({"code": "AB"}, 0, [("code", SetupProblem.CODE_FORMAT)]),
        ({"code": "A" * 41}, 0, [("code", SetupProblem.CODE_FORMAT)]),
        ({"code": "A" * 40}, 0, []),
        ({"code": "SPRING_10"}, 0, [("code", SetupProblem.CODE_FORMAT)]),
        ({"code": "spring10"}, 0, [("code", SetupProblem.CODE_FORMAT)]),  # stored upper-case
        ({"code": "SPRING-10"}, 0, []),
        ({"value": 0}, 0, [("percent", SetupProblem.PERCENT_RANGE)]),
        ({"value": 101}, 0, [("percent", SetupProblem.PERCENT_RANGE)]),
        ({"value": None}, 0, [("percent", SetupProblem.PERCENT_RANGE)]),
        ({"value": 1}, 0, []),
        ({"value": 100}, 0, []),
        ({"kind": FIXED, "value": 1000}, 0, []),
        ({"kind": FIXED, "value": 0}, 0, [("amount", SetupProblem.AMOUNT_RANGE)]),
        ({"kind": FIXED, "value": -5}, 0, [("amount", SetupProblem.AMOUNT_RANGE)]),
        ({"kind": FIXED, "value": MAX_FIXED_CENTS + 1}, 0, [("amount", SetupProblem.AMOUNT_RANGE)]),
        ({"kind": FIXED, "value": None}, 0, [("amount", SetupProblem.AMOUNT_FORMAT)]),
        ({"months": 0}, 0, [("months", SetupProblem.MONTHS_RANGE)]),
        ({"months": MAX_MONTHS + 1}, 0, [("months", SetupProblem.MONTHS_RANGE)]),
        ({"months": 1}, 0, []),
        ({"plans": frozenset()}, 0, [("plans", SetupProblem.NO_PLAN)]),
        ({"plans": frozenset({Plan.PLUS})}, 0, []),
        ({"ends_at": STARTS}, 0, [("ends_at", SetupProblem.ENDS_BEFORE_STARTS)]),
        ({"ends_at": STARTS - SECOND}, 0, [("ends_at", SetupProblem.ENDS_BEFORE_STARTS)]),
        ({"ends_at": STARTS + SECOND}, 0, []),
        ({"max_redemptions": 0}, 0, [("max_redemptions", SetupProblem.LIMIT_RANGE)]),
        ({"max_redemptions": 9}, 10, [("max_redemptions", SetupProblem.LIMIT_BELOW_USES)]),
        ({"max_redemptions": 10}, 10, []),  # exactly the uses made: now exhausted
        ({"max_redemptions": None}, 10, []),
        ({"max_per_member": 0}, 0, [("max_per_member", SetupProblem.PER_MEMBER_RANGE)]),
        (
            {"code": "x", "months": 0, "plans": frozenset()},
            0,
            [
                ("code", SetupProblem.CODE_FORMAT),
                ("months", SetupProblem.MONTHS_RANGE),
                ("plans", SetupProblem.NO_PLAN),
            ],
        ),
    ],
)
def test_setup_problems(changes, redemptions, expected):
    assert setup_problems(replace(SETUP, **changes), redemptions) == expected
