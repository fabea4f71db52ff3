"""Terms §2.1a (peer-assessed assignments): medians per criterion, missing assessments,
and when a submission goes to staff."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from app.domain.peer_grading import (
    Criterion,
    criterion_medians,
    is_peer_graded,
    peer_grade,
    waiting_for_staff,
)

RUBRIC = [Criterion(1, 4), Criterion(2, 6)]


@pytest.mark.parametrize(
    ("assessments", "medians", "grade"),
    [
        ([{1: 4, 2: 6}] * 3, {1: 4, 2: 6}, 100),
        ([{1: 4, 2: 6}, {1: 2, 2: 3}, {1: 3, 2: 3}], {1: 3, 2: 3}, 60),
        # One outlier (0 everywhere) moves nothing.
        ([{1: 4, 2: 6}, {1: 4, 2: 6}, {1: 0, 2: 0}], {1: 4, 2: 6}, 100),
        # Even count: the mean of the two middle values.
        ([{1: 1, 2: 2}, {1: 2, 2: 5}], {1: Fraction(3, 2), 2: Fraction(7, 2)}, 50),
        # Ties: the median is the tied value.
        ([{1: 2, 2: 4}, {1: 2, 2: 4}, {1: 4, 2: 6}], {1: 2, 2: 4}, 60),
        ([{1: 1, 2: 1}], {1: 1, 2: 1}, 20),
    ],
)
def test_medians_and_grade(assessments, medians, grade):
    assert criterion_medians(RUBRIC, assessments) == medians
    assert peer_grade(RUBRIC, assessments) == grade


def test_no_assessment_or_no_rubric_is_no_grade():
    assert peer_grade(RUBRIC, []) is None
    assert peer_grade([], [{}]) is None


@pytest.mark.parametrize(
    ("counted", "given", "graded"),
    [(3, 3, True), (4, 3, True), (2, 3, False), (3, 2, False), (0, 0, False)],
)
def test_graded_once_assessed_and_assessing_enough(counted, given, graded):
    assert is_peer_graded(counted, given, 3) is graded


NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.mark.parametrize(
    ("sent", "counted", "to_staff"),
    [
        (NOW - WEEK, 2, True),  # exactly seven days
        (NOW - WEEK + timedelta(minutes=1), 2, False),
        (NOW - 3 * WEEK, 3, False),  # enough assessments: peers graded it
        (NOW - 3 * WEEK, 0, True),
    ],
)
def test_waiting_too_long_goes_to_staff(sent, counted, to_staff):
    assert waiting_for_staff(sent, counted, 3, NOW, WEEK) is to_staff
