"""Staff authoring of an assignment's rubric: the criteria and levels as text
(app.domain.rubric_text), published as a new revision, so that work submitted before
keeps the rubric it was assessed with, and its assessments the levels they chose."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain import rubric_text
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Exercise, RubricCriterion, RubricLevel
from app.services import assignments
from app.services.catalog import bump_version

PROBLEMS = {
    "too_long": _l("Line %(line)s is too long."),
    "too_many": _l("A rubric has at most %(max)s criteria (line %(line)s)."),
    "too_many_levels": _l("A criterion has at most %(levels)s levels (line %(line)s)."),
    "empty": _l("Write at least one criterion, on a line starting with “*”."),
    "criterion_languages": _l(
        "Line %(line)s: write the criterion in English and French, separated by “|”."
    ),
    "level_first": _l(
        "Line %(line)s comes before any criterion: start with a line like “* Clear code | Un code clair”."
    ),
    "level_languages": _l(
        "Line %(line)s: write a level as its points, then its English and French wording, separated by “|”."
    ),
    "points": _l("Line %(line)s: the points are a whole number from 0 to %(points)s."),
    "duplicate_points": _l(
        "Line %(line)s: this criterion already has a level with these points; give each level different points."
    ),
    "levels": _l("The criterion at line %(line)s needs two levels or more."),
    "unknown": _l("Line %(line)s is not understood: see the format below the text area."),
}


def rubric_as_text(exercise: Exercise) -> str:
    if exercise.published_revision is None:
        return ""
    return rubric_text.write(
        [
            rubric_text.Criterion(
                c.title_en,
                c.title_fr,
                [rubric_text.Level(lv.points, lv.label_en, lv.label_fr) for lv in c.levels],
            )
            for c in assignments.rubric(exercise)
        ]
    )


def publish_rubric(exercise: Exercise, text: str) -> int | None:
    """The new revision's number, or None when the rubric is the same as now."""
    try:
        parsed = rubric_text.parse(text or "")
    except rubric_text.RubricTextError as error:
        message = PROBLEMS[error.problem] % {
            "line": error.line,
            "max": rubric_text.MAX_CRITERIA,
            "levels": rubric_text.MAX_LEVELS,
            "points": rubric_text.MAX_POINTS,
        }
        raise DomainError("rubric", message) from None
    if rubric_text.write(parsed) == rubric_as_text(exercise):
        return None
    latest = db.session.scalar(
        select(func.max(RubricCriterion.revision)).where(RubricCriterion.exercise_id == exercise.id)
    )
    number = (latest or 0) + 1
    for position, criterion in enumerate(parsed, 1):
        db.session.add(
            RubricCriterion(
                exercise_id=exercise.id,
                revision=number,
                position=position,
                title_en=criterion.title_en,
                title_fr=criterion.title_fr,
                levels=[
                    RubricLevel(points=lv.points, label_en=lv.label_en, label_fr=lv.label_fr)
                    for lv in criterion.levels
                ],
            )
        )
    db.session.flush()
    exercise.published_revision = number
    bump_version()  # the course page lists the assignments that are open
    return number
