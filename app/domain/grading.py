"""Grading a quiz (Terms §2.1a: the auto-graded quizzes Premium Solo gives).

The rules, stated once:
- one answer: all the question's points when the right option is chosen, else none;
- several answers: partial credit, (right options chosen minus wrong options chosen) divided by
  right options, never below zero, so ticking every box earns nothing; the question
  counts as correct only when exactly the right options are chosen;
- short answer: right when it matches an accepted answer once both are normalised
  (Unicode NFKC, case folded, spaces trimmed and collapsed);
- number: right when within the tolerance of the expected value (inclusive); a comma
  reads as the decimal point and spaces between digits are ignored ("1 000,5").
The quiz's percentage is rounded down, so a grade shown as passed never overstates.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    NUMBER = "number"


@dataclass(frozen=True)
class Key:
    """The right answer to one question: never sent to the browser before submitting."""

    kind: QuestionKind
    points: int = 1
    correct_options: frozenset[int] = frozenset()
    accepted: tuple[str, ...] = ()
    number: Decimal | None = None
    tolerance: Decimal = Decimal(0)


@dataclass(frozen=True)
class Answer:
    options: frozenset[int] = frozenset()
    text: str = ""


@dataclass(frozen=True)
class Mark:
    earned: Fraction
    correct: bool


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def parse_number(text: str) -> Decimal | None:
    """ "3.5", "3,5", "-2", "1 000" → a Decimal; anything else → None."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for space in (" ", "\u202f", "\u00a0"):
        cleaned = cleaned.replace(space, "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned or any(c not in "0123456789.-+" for c in cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def grade(key: Key, answer: Answer) -> Mark:
    points = Fraction(key.points)
    if key.kind is QuestionKind.SINGLE:
        right = len(answer.options) == 1 and answer.options <= key.correct_options
        return Mark(points if right else Fraction(0), right)
    if key.kind is QuestionKind.MULTIPLE:
        hits = len(answer.options & key.correct_options)
        misses = len(answer.options - key.correct_options)
        share = Fraction(max(0, hits - misses), max(1, len(key.correct_options)))
        return Mark(points * share, answer.options == key.correct_options)
    if key.kind is QuestionKind.TEXT:
        given = normalise(answer.text)
        right = bool(given) and given in {normalise(a) for a in key.accepted}
        return Mark(points if right else Fraction(0), right)
    value = parse_number(answer.text)
    right = value is not None and key.number is not None
    right = right and abs(value - key.number) <= key.tolerance
    return Mark(points if right else Fraction(0), right)


def percentage(earned: Iterable[Fraction], possible: int) -> int:
    """The quiz's grade in whole percent, rounded down."""
    if possible <= 0:
        return 0
    return int(sum(earned, Fraction(0)) * 100 // possible)


def passed(percent: int, pass_mark: int) -> bool:
    return percent >= pass_mark


def milli(points: Fraction) -> int:
    """Points stored as thousandths (rounded down): 2/3 of a point is 666."""
    return int(points * 1000)
