"""Peer-assessed assignments (Terms §2.1a): when a submission is graded and with what.

- A submission is graded by its peers once it has `required` assessments that count
  (an assessment reported as abusive does not count while staff look at it, nor once
  they remove it) and its author has assessed `required` submissions of others: giving
  assessments is the price of receiving a grade.
- Each criterion gets the median of the points the assessors gave (with an even count,
  the mean of the two middle values): one outlier, generous or harsh, moves a median
  little, and a tie needs no rule of its own.
- The grade is the sum of the medians over the rubric's maximum, in whole percent,
  rounded down.
- A submission still short of assessments `wait` after it was sent goes to staff, who
  grade it with the same rubric; their grade is final.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from statistics import median


@dataclass(frozen=True)
class Criterion:
    id: int
    max_points: int


def criterion_medians(
    criteria: Sequence[Criterion], assessments: Sequence[Mapping[int, int]]
) -> dict[int, Fraction]:
    """{criterion id: median points} over the assessments (each {criterion id: points})."""
    return {c.id: Fraction(median([Fraction(a[c.id]) for a in assessments])) for c in criteria}


def peer_grade(
    criteria: Sequence[Criterion], assessments: Sequence[Mapping[int, int]]
) -> int | None:
    """The grade in percent, or None without an assessment or a rubric."""
    possible = sum(c.max_points for c in criteria)
    if not assessments or possible <= 0:
        return None
    medians = criterion_medians(criteria, assessments)
    return int(sum(medians.values(), Fraction(0)) * 100 // possible)


def is_peer_graded(counted: int, given: int, required: int) -> bool:
    return counted >= required and given >= required


def waiting_for_staff(
    submitted_at: datetime, counted: int, required: int, now: datetime, wait: timedelta
) -> bool:
    return counted < required and now >= submitted_at + wait
