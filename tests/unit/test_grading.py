"""Terms §2.1a (Premium Solo: auto-graded quizzes): how each kind of question is graded."""

from decimal import Decimal
from fractions import Fraction

import pytest

from app.domain.grading import (
    Answer,
    Key,
    QuestionKind,
    grade,
    milli,
    parse_number,
    passed,
    percentage,
)

K = QuestionKind
SINGLE = Key(K.SINGLE, points=2, correct_options=frozenset({1}))
MULTI = Key(K.MULTIPLE, points=3, correct_options=frozenset({1, 2, 3}))
TEXT = Key(K.TEXT, accepted=("HyperText", "hyper text"))
NUMBER = Key(K.NUMBER, number=Decimal("0.3"), tolerance=Decimal("0.01"))
EXACT = Key(K.NUMBER, number=Decimal("6"))


@pytest.mark.parametrize(
    ("key", "answer", "earned", "correct"),
    [
        (SINGLE, Answer(frozenset({1})), 2, True),
        (SINGLE, Answer(frozenset({2})), 0, False),
        (SINGLE, Answer(frozenset({1, 2})), 0, False),  # two ticks on a one-answer question
        (SINGLE, Answer(), 0, False),
        (MULTI, Answer(frozenset({1, 2, 3})), 3, True),
        (MULTI, Answer(frozenset({1, 2})), 2, False),  # partial: 2 of 3 right
        (MULTI, Answer(frozenset({1, 2, 4})), 1, False),  # 2 right - 1 wrong
        (MULTI, Answer(frozenset({1, 4, 5})), 0, False),  # never below zero
        (MULTI, Answer(frozenset({1, 2, 3, 4})), 2, False),  # all boxes: a wrong one costs
        (TEXT, Answer(text="hypertext"), 1, True),  # case folded
        (TEXT, Answer(text="  Hyper   Text "), 1, True),  # spaces trimmed and collapsed
        (TEXT, Answer(text="\uff48yper\uff54ext"), 1, True),  # full-width letters (NFKC)
        (TEXT, Answer(text="hypertexts"), 0, False),
        (TEXT, Answer(text=""), 0, False),
        (NUMBER, Answer(text="0.3"), 1, True),
        (NUMBER, Answer(text="0,31"), 1, True),  # comma as decimal point, at the tolerance
        (NUMBER, Answer(text="0.29"), 1, True),
        (NUMBER, Answer(text="0.312"), 0, False),  # just outside
        (NUMBER, Answer(text="abc"), 0, False),
        (EXACT, Answer(text="6"), 1, True),
        (EXACT, Answer(text="6.0"), 1, True),
        (EXACT, Answer(text="6.001"), 0, False),  # no tolerance: exact
    ],
)
def test_grading_by_kind(key, answer, earned, correct):
    mark = grade(key, answer)
    assert mark.earned == earned and mark.correct is correct


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.5", Decimal("3.5")),
        ("3,5", Decimal("3.5")),
        ("-2", Decimal("-2")),
        ("1 000", Decimal("1000")),
        ("1\u202f000,5", Decimal("1000.5")),
        ("", None),
        ("1,000.5", None),  # ambiguous: refused rather than guessed
        ("NaN", None),
        ("Infinity", None),
        ("1e3", None),
        ("3.5.1", None),
    ],
)
def test_numbers_are_read_in_both_languages_ways(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("earned", "possible", "percent"),
    [
        ([Fraction(1), Fraction(1), Fraction(1)], 3, 100),
        ([Fraction(2, 3), Fraction(0)], 3, 22),  # 22.2 rounded down
        ([Fraction(69, 10)], 10, 69),  # 69% is not shown as 70%
        ([], 0, 0),
    ],
)
def test_the_percentage_is_rounded_down(earned, possible, percent):
    assert percentage(earned, possible) == percent


@pytest.mark.parametrize(
    ("percent", "mark", "ok"), [(70, 70, True), (69, 70, False), (100, 70, True)]
)
def test_the_pass_mark_is_inclusive(percent, mark, ok):
    assert passed(percent, mark) is ok


def test_points_are_kept_in_thousandths():
    assert milli(Fraction(2, 3)) == 666 and milli(Fraction(3)) == 3000
