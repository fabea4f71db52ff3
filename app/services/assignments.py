"""Peer-assessed assignments: submitting work, assessing peers' work anonymously with
the rubric, grades from the medians (app.domain.peer_grading), reports of abusive
assessments and staff's queue. Ids a form did not get from us are a tampered form
(BadSubmission, 400) and nothing is stored."""

import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.access import Feature, can
from app.domain import peer_grading
from app.domain.errors import DomainError
from app.domain.text import has_control_characters
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentOffer,
    AssessmentScore,
    Course,
    Exercise,
    ExerciseKind,
    RubricCriterion,
    Submission,
)
from app.services import certificates, uploads
from app.services.quizzes import BadSubmission, NotAllowed

MAX_BODY = 20_000
MAX_COMMENT = 5_000
LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
FIELD = "c-"
CONTROL = _l(
    "This answer contains an invisible control character (a null byte, for example, "
    "which pasting can bring). Remove it and try again."
)


class AlreadyAssessed(Exception):
    pass


class OwnWork(Exception):
    pass


def assignment_in(course: Course, position: int) -> Exercise | None:
    return next(
        (
            e
            for e in course.exercises
            if e.position == position and e.is_open and e.kind == ExerciseKind.ASSIGNMENT
        ),
        None,
    )


def rubric(exercise: Exercise, revision: int | None = None) -> list[RubricCriterion]:
    """The criteria of a revision of the rubric (the one offered now by default)."""
    number = revision if revision is not None else exercise.published_revision
    return list(
        db.session.scalars(
            select(RubricCriterion)
            .where(RubricCriterion.exercise_id == exercise.id, RubricCriterion.revision == number)
            .order_by(RubricCriterion.position)
            .options(selectinload(RubricCriterion.levels))
        )
    )


def rubric_for(submission: Submission, exercise: Exercise) -> list[RubricCriterion]:
    """The rubric the work is assessed with: the revision it was submitted under."""
    return rubric(exercise, submission.rubric_revision)


def _criteria(items: list[RubricCriterion]) -> list[peer_grading.Criterion]:
    return [peer_grading.Criterion(c.id, c.max_points) for c in items]


def field_name(criterion: RubricCriterion) -> str:
    return f"{FIELD}{criterion.id}"


def submission_of(user, exercise: Exercise) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .where(Submission.exercise_id == exercise.id, Submission.user_id == user.id)
        .options(selectinload(Submission.assessments).selectinload(Assessment.scores))
    )


def submission_by_id(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id)


def given_count(user_id: int, exercise_id: int) -> int:
    """Assessments the user gave for this assignment (those staff removed do not count)."""
    return (
        db.session.scalar(
            select(func.count(Assessment.id)).where(
                Assessment.assessor_id == user_id,
                Assessment.exercise_id == exercise_id,
                Assessment.removed_at.is_(None),
            )
        )
        or 0
    )


# --- submitting ------------------------------------------------------------------------


def submit(
    user,
    exercise: Exercise,
    body: str,
    link: str,
    now: datetime,
    file: tuple[str, bytes] | None = None,
) -> Submission:
    """One submission per learner: the same form sent twice keeps the first, with its
    file (a submission's files never change). `file` is (the browser's name, bytes)."""
    if not can(user, Feature.EXERCISES):
        raise NotAllowed()
    body, link = (body or "").strip(), (link or "").strip()
    problems, upload = [], None
    if file is not None:
        try:
            upload = uploads.check(*file)
        except DomainError as error:
            problems += error.errors
    if not body and not link and file is None:
        problems.append(("body", _l("Write your work here, attach a file, or give a link.")))
    if has_control_characters(body):
        problems.append(("body", CONTROL))
    elif len(body) > MAX_BODY:
        problems.append(
            ("body", _l("Your text must be %(max)s characters or fewer.", max="20,000"))
        )
    if link and (len(link) > 500 or not LINK.match(link) or has_control_characters(link)):
        problems.append(
            (
                "link",
                _l(
                    "Enter a web address starting with https://, for example https://example.org/my-work"
                ),
            )
        )
    if problems:
        raise DomainError.of(problems)
    existing = submission_of(user, exercise)
    if existing is not None:
        return existing
    made = Submission(
        exercise_id=exercise.id,
        user_id=user.id,
        body=body,
        link=link or None,
        rubric_revision=exercise.published_revision,
        submitted_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except IntegrityError:
        return submission_of(user, exercise)
    if upload is not None:
        made.files.append(uploads.store(db.session, made.id, upload))
    return made


# --- assessing -------------------------------------------------------------------------


def next_to_assess(user, exercise: Exercise) -> Submission | None:
    """Someone else's work not assessed by the user yet, not graded, fewest counting
    assessments first, then the oldest: every submission gets its turn."""
    counted = (
        select(func.count(Assessment.id))
        .where(
            Assessment.submission_id == Submission.id,
            Assessment.reported_at.is_(None),
            Assessment.removed_at.is_(None),
        )
        .correlate(Submission)
        .scalar_subquery()
    )
    mine = select(Assessment.submission_id).where(Assessment.assessor_id == user.id)
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.exercise_id == exercise.id,
            Submission.user_id != user.id,
            Submission.grade.is_(None),
            Submission.id.not_in(mine),
        )
        .order_by(counted, Submission.submitted_at, Submission.id)
        .limit(1)
    )


def offer_next(user, exercise: Exercise, now: datetime) -> Submission | None:
    """next_to_assess, recorded as shown to the user (what lets them download its
    files)."""
    work = next_to_assess(user, exercise)
    if work is not None and not db.session.scalar(
        select(AssessmentOffer.id).where(
            AssessmentOffer.submission_id == work.id, AssessmentOffer.assessor_id == user.id
        )
    ):
        try:
            with db.session.begin_nested():
                db.session.add(
                    AssessmentOffer(submission_id=work.id, assessor_id=user.id, offered_at=now)
                )
        except IntegrityError:
            pass  # the same page loaded twice at once: one offer is enough
    return work


def parse_levels(items: list[RubricCriterion], form) -> dict[int, tuple[int, int]]:
    """{criterion id: (level id, points)} from a form; foreign ids raise BadSubmission,
    a criterion left without a level a DomainError."""
    by_name = {field_name(c): c for c in items}
    for name in form:
        if name.startswith(FIELD) and name not in by_name:
            raise BadSubmission(name)
    chosen, problems = {}, []
    for number, criterion in enumerate(items, 1):
        values = form.getlist(field_name(criterion))
        levels = {str(level.id): level for level in criterion.levels}
        if len(values) > 1 or any(v not in levels for v in values):
            raise BadSubmission(field_name(criterion))
        if not values:
            problems.append(
                (field_name(criterion), _l("Choose a level for criterion %(n)s.", n=number))
            )
            continue
        level = levels[values[0]]
        chosen[criterion.id] = (level.id, level.points)
    if problems:
        raise DomainError.of(problems)
    return chosen


def _comment(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("comment", _l("Write a comment for the author."))
    if has_control_characters(text):
        raise DomainError("comment", CONTROL)
    if len(text) > MAX_COMMENT:
        raise DomainError(
            "comment", _l("Your comment must be %(max)s characters or fewer.", max="5,000")
        )
    return text


def assess(user, exercise: Exercise, submission_id, form, now: datetime) -> Assessment:
    if not can(user, Feature.EXERCISES):
        raise NotAllowed()
    try:
        number = int(submission_id)
    except (TypeError, ValueError):
        raise BadSubmission("submission") from None
    submission = db.session.get(Submission, number)
    if submission is None or submission.exercise_id != exercise.id:
        raise BadSubmission("submission")
    if submission.user_id == user.id:
        raise OwnWork()
    items = rubric_for(submission, exercise)
    chosen, comment_problem = {}, None
    try:
        chosen = parse_levels(items, form)
    except DomainError as error:
        comment_problem = error
    try:
        comment = _comment(form.get("comment", ""))
    except DomainError as error:
        comment_problem = DomainError.of(
            [*(comment_problem.errors if comment_problem else []), *error.errors]
        )
    if comment_problem:
        raise comment_problem
    if db.session.scalar(
        select(Assessment.id).where(
            Assessment.submission_id == submission.id, Assessment.assessor_id == user.id
        )
    ):
        raise AlreadyAssessed()
    made = Assessment(
        submission_id=submission.id,
        assessor_id=user.id,
        exercise_id=exercise.id,
        comment=comment,
        created_at=now,
        scores=[
            AssessmentScore(criterion_id=cid, level_id=level, points=points)
            for cid, (level, points) in chosen.items()
        ],
    )
    try:
        with db.session.begin_nested():
            db.session.add(made)
    except IntegrityError:
        raise AlreadyAssessed() from None
    regrade(submission, now)
    own = submission_of(user, exercise)
    if own is not None:
        regrade(own, now)  # giving an assessment may release the assessor's own grade
    return made


# --- grades ------------------------------------------------------------------------------


def regrade(submission: Submission, now: datetime) -> None:
    """The peers' grade, when the rules give one; staff's grade is final."""
    if submission.staff_grader_id is not None:
        return
    db.session.flush()
    db.session.refresh(submission, ["assessments"])
    exercise = db.session.get(Exercise, submission.exercise_id)
    counting = [a for a in submission.assessments if a.counts]
    given = given_count(submission.user_id, exercise.id)
    grade = None
    if peer_grading.is_peer_graded(len(counting), given, exercise.reviews_required):
        scores = [{s.criterion_id: s.points for s in a.scores} for a in counting]
        grade = peer_grading.peer_grade(_criteria(rubric_for(submission, exercise)), scores)
    if grade != submission.grade:
        submission.grade = grade
        submission.graded_at = now if grade is not None else None
    if grade is not None:
        _certificate(submission, exercise, now)


def _certificate(submission: Submission, exercise: Exercise, now: datetime) -> None:
    from app.models import User

    author = db.session.get(User, submission.user_id)
    certificates.issue_if_earned(author, exercise.course, now)


def report(user, assessment_id: int, reason: str, now: datetime) -> Assessment | None:
    """The author reports an assessment of their work as abusive (None: not theirs)."""
    found = db.session.get(Assessment, assessment_id)
    if found is None or found.submission.user_id != user.id:
        return None
    reason = (reason or "").strip()
    if has_control_characters(reason):
        raise DomainError("reason", CONTROL)
    if len(reason) > MAX_COMMENT:
        raise DomainError(
            "reason", _l("Your comment must be %(max)s characters or fewer.", max="5,000")
        )
    if found.reported_at is None and found.removed_at is None:
        found.reported_at, found.report_reason = now, reason or None
        regrade(found.submission, now)
    return found


# --- staff -----------------------------------------------------------------------------


def waiting_for_staff(now: datetime) -> list[Submission]:
    """Ungraded submissions older than their assignment's wait, oldest first."""
    rows = db.session.scalars(
        select(Submission)
        .where(Submission.grade.is_(None))
        .order_by(Submission.submitted_at)
        .options(selectinload(Submission.assessments))
    ).all()
    exercises = (
        {
            e.id: e
            for e in db.session.scalars(
                select(Exercise).where(Exercise.id.in_({s.exercise_id for s in rows}))
            )
        }
        if rows
        else {}
    )
    waiting = []
    for s in rows:
        e = exercises[s.exercise_id]
        counted = sum(1 for a in s.assessments if a.counts)
        if peer_grading.waiting_for_staff(
            s.submitted_at, counted, e.reviews_required, now, timedelta(days=e.peer_wait_days)
        ):
            waiting.append(s)
    return waiting


def reported() -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.reported_at.is_not(None), Assessment.removed_at.is_(None))
            .order_by(Assessment.reported_at)
        )
    )


def staff_grade(staff, submission: Submission, form, now: datetime) -> None:
    exercise = db.session.get(Exercise, submission.exercise_id)
    items = rubric_for(submission, exercise)
    chosen = parse_levels(items, form)
    possible = sum(c.max_points for c in items)
    points = sum(p for _level, p in chosen.values())
    submission.grade = points * 100 // possible if possible else 0
    submission.graded_at = now
    submission.staff_grader_id = staff.id
    _certificate(submission, exercise, now)


def resolve(assessment: Assessment, remove: bool, now: datetime) -> None:
    """Staff's decision on a report: remove the assessment, or let it count again."""
    if remove:
        assessment.removed_at = now
    else:
        assessment.reported_at = None
    regrade(assessment.submission, now)
