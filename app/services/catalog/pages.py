"""The data of a course's or a path's own page, and of a path's launch period."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.launch import LaunchPeriod, Precision, launch_period
from app.extensions import db
from app.models import (
    Availability,
    Course,
    LearningPath,
    PathStep,
)

# --- single pages ---------------------------------------------------------------------


def course_by_slug(slug: str) -> Course | None:
    # The exercises (a course has a few) joined in, the chapters in a second query: two
    # queries rather than three, without a row per chapter and exercise.
    return (
        db.session.scalars(
            select(Course)
            .where(Course.slug == slug)
            .options(joinedload(Course.exercises), selectinload(Course.chapters))
        )
        .unique()
        .first()
    )


def path_by_slug(slug: str) -> LearningPath | None:
    return db.session.scalar(
        select(LearningPath)
        .where(LearningPath.slug == slug)
        .options(selectinload(LearningPath.steps).selectinload(PathStep.course))
    )


def period_of(path: LearningPath, previous: bool = False) -> LaunchPeriod | None:
    estimate = path.previous_launch_estimate if previous else path.launch_estimate
    precision = path.previous_launch_precision if previous else path.launch_precision
    if estimate is None or precision is None:
        return None
    return launch_period(estimate, precision)


def opened_relative_to_estimate(path: LearningPath) -> str | None:
    """'earlier' or 'later' when an open path opened outside the announced period."""
    period = period_of(path)
    if path.availability is not Availability.OPEN or path.opened_on is None or period is None:
        return None
    start, end = period_bounds(path.launch_estimate, path.launch_precision)
    if path.opened_on < start:
        return "earlier"
    if path.opened_on > end:
        return "later"
    return None


def period_bounds(estimate: date, precision: Precision) -> tuple[date, date]:
    """First and last day of the announced period."""
    if precision is Precision.MONTH:
        start = estimate.replace(day=1)
        months = 1
    else:
        # The season's first month: Dec, Mar, Jun or Sep.
        first_month = {12: 12, 1: 12, 2: 12, 3: 3, 4: 3, 5: 3, 6: 6, 7: 6, 8: 6}.get(
            estimate.month, 9
        )
        year = estimate.year - 1 if estimate.month in (1, 2) else estimate.year
        start = date(year, first_month, 1)
        months = 3
    year, month = divmod(start.month - 1 + months, 12)
    end_exclusive = date(start.year + year, month + 1, 1)
    return start, date.fromordinal(end_exclusive.toordinal() - 1)
