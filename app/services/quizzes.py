"""Taking a quiz: the questions of its published revision (never the answer key), the
attempt window, and grading a submitted form into an attempt with its answers.

A form carries the revision it shows and a one-time token: the same form sent twice
is one attempt; ids that are not the revision's own are a tampered form (400) and
nothing is stored."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.access import Feature, can
from app.domain.attempts import AttemptRule, Window, window
from app.domain.errors import DomainError
from app.domain.grading import Answer, Key, QuestionKind, grade, milli, parse_number, passed
from app.domain.grading import percentage as percent_of
from app.domain.text import has_control_characters
from app.extensions import db
from app.models import (
    AttemptAnswer,
    Course,
    Exercise,
    ExerciseKind,
    QuizAttempt,
    QuizQuestion,
    QuizRevision,
)
from app.services import certificates
from app.services.catalog import bump_version

TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_TEXT = 500
FIELD = "q-"


class BadSubmission(Exception):
    """A form this site did not make: unknown question or option ids, a bad token."""


class NotAllowed(Exception):
    """The member may not take quizzes now (no plan, a payment due...)."""


class TooEarly(Exception):
    def __init__(self, opens_at: datetime):
        super().__init__(opens_at.isoformat())
        self.opens_at = opens_at


def new_token() -> str:
    return secrets.token_hex(16)


def field_name(question: QuizQuestion) -> str:
    return f"{FIELD}{question.id}"


def quiz_in(course: Course, position: int) -> Exercise | None:
    """The course's quiz at `position`, if it is offered."""
    return next(
        (
            e
            for e in course.exercises
            if e.position == position and e.is_open and e.kind == ExerciseKind.QUIZ
        ),
        None,
    )


def revision(exercise: Exercise, number: int | None = None) -> QuizRevision | None:
    number = exercise.published_revision if number is None else number
    # Questions and options joined in (a row per option, a quiz has tens): one query
    # rather than three.
    return (
        db.session.scalars(
            select(QuizRevision)
            .where(QuizRevision.exercise_id == exercise.id, QuizRevision.number == number)
            .options(joinedload(QuizRevision.questions).joinedload(QuizQuestion.options))
        )
        .unique()
        .first()
    )


def rule(exercise: Exercise) -> AttemptRule:
    return AttemptRule(exercise.max_attempts, timedelta(hours=exercise.retry_wait_hours))


def attempts_of(user, exercise: Exercise) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.exercise_id == exercise.id)
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )


def window_for(exercise: Exercise, attempts: list[QuizAttempt], now: datetime) -> Window:
    return window([a.submitted_at for a in attempts], rule(exercise), now)


def attempt_of(user, attempt_id: int) -> QuizAttempt | None:
    """The member's own attempt with its answers and questions; None for anyone else's."""
    found = db.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt_id)
        .options(
            selectinload(QuizAttempt.answers),
            selectinload(QuizAttempt.revision)
            .selectinload(QuizRevision.questions)
            .selectinload(QuizQuestion.options),
        )
    )
    if found is None or found.user_id != user.id:
        return None
    return found


# --- answers ---------------------------------------------------------------------------


def key_of(question: QuizQuestion) -> Key:
    return Key(
        kind=question.kind,
        points=question.points,
        correct_options=frozenset(o.id for o in question.options if o.correct),
        accepted=tuple(line for line in question.accepted.splitlines() if line.strip()),
        number=question.number_answer,
        tolerance=question.tolerance or 0,
    )


MISSING = {
    QuestionKind.SINGLE: _l("Choose an answer to question %(n)s."),
    QuestionKind.MULTIPLE: _l("Choose at least one answer to question %(n)s."),
    QuestionKind.TEXT: _l("Enter your answer to question %(n)s."),
    QuestionKind.NUMBER: _l("Enter a number for question %(n)s."),
}


def parse(quiz: QuizRevision, form) -> dict[int, Answer]:
    """The answers in a submitted form (a MultiDict). Raises BadSubmission for ids that
    are not this revision's, DomainError (one per question) for missing answers."""
    questions = {field_name(q): q for q in quiz.questions}
    for name in form:
        if name.startswith(FIELD) and name not in questions:
            raise BadSubmission(name)
    answers, problems = {}, []
    for number, question in enumerate(quiz.questions, 1):
        name = field_name(question)
        values = [v for v in form.getlist(name)]
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            own = {str(o.id): o.id for o in question.options}
            if any(v not in own for v in values) or len(set(values)) != len(values):
                raise BadSubmission(name)
            if question.kind is QuestionKind.SINGLE and len(values) > 1:
                raise BadSubmission(name)
            if not values:
                problems.append((name, MISSING[question.kind] % {"n": number}))
            answers[question.id] = Answer(options=frozenset(own[v] for v in values))
            continue
        if len(values) > 1:
            raise BadSubmission(name)
        text = values[0].strip() if values else ""
        if not text:
            problems.append((name, MISSING[question.kind] % {"n": number}))
        elif has_control_characters(text):
            problems.append(
                (
                    name,
                    _l(
                        "This answer contains an invisible control character (a null byte, "
                        "for example, which pasting can bring). Remove it and try again."
                    ),
                )
            )
        elif len(text) > MAX_TEXT:
            problems.append(
                (name, _l("Your answer must be %(max)s characters or fewer.", max=MAX_TEXT))
            )
        elif question.kind is QuestionKind.NUMBER and parse_number(text) is None:
            problems.append(
                (name, _l("Enter a number for question %(n)s, for example 3.5.", n=number))
            )
        answers[question.id] = Answer(text=text)
    if problems:
        raise DomainError.of(problems)
    return answers


@dataclass(frozen=True)
class Submitted:
    attempt: QuizAttempt
    # False when the same form had already been submitted (nothing new was stored).
    new: bool


def submit(user, exercise: Exercise, revision_number, token, form, now: datetime) -> Submitted:
    if not can(user, Feature.EXERCISES):
        raise NotAllowed()
    if not isinstance(token, str) or not TOKEN.match(token):
        raise BadSubmission("token")
    try:
        number = int(revision_number)
    except (TypeError, ValueError):
        raise BadSubmission("revision") from None
    quiz = revision(exercise, number)
    if quiz is None or not exercise.is_open:
        raise BadSubmission("revision")
    answers = parse(quiz, form)  # tampered ids: 400 even for a form sent twice
    again = _by_token(user, token)
    if again is not None:
        return Submitted(again, False)
    opening = window_for(exercise, attempts_of(user, exercise), now)
    if not opening.is_open:
        raise TooEarly(opening.opens_at)
    attempt = _grade(user, exercise, quiz, answers, token, now)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # the same form, sent twice at the same moment
        return Submitted(_by_token(user, token), False)
    certificates.issue_if_earned(user, exercise.course, now)
    return Submitted(attempt, True)


def _by_token(user, token: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.token == token)
    )


def _grade(user, exercise, quiz, answers, token, now) -> QuizAttempt:
    marks, rows, possible = [], [], 0
    for question in quiz.questions:
        answer = answers[question.id]
        mark = grade(key_of(question), answer)
        marks.append(mark.earned)
        possible += question.points
        rows.append(
            AttemptAnswer(
                question_id=question.id,
                option_ids=",".join(str(i) for i in sorted(answer.options)),
                text=answer.text,
                earned_milli=milli(mark.earned),
                correct=mark.correct,
            )
        )
    percent = percent_of(marks, possible)
    pass_mark = exercise.course.passing_grade
    return QuizAttempt(
        user_id=user.id,
        exercise_id=exercise.id,
        revision_id=quiz.id,
        token=token,
        earned_milli=sum(milli(m) for m in marks),
        possible_milli=possible * 1000,
        percent=percent,
        pass_mark=pass_mark,
        passed=passed(percent, pass_mark),
        submitted_at=now,
        answers=rows,
    )


def publish_revision(exercise: Exercise, questions: list[QuizQuestion]) -> QuizRevision:
    """A new revision with `questions` becomes the one learners get; earlier revisions,
    and the attempts that answered them, stay as they were."""
    latest = db.session.scalar(
        select(func.max(QuizRevision.number)).where(QuizRevision.exercise_id == exercise.id)
    )
    made = QuizRevision(exercise_id=exercise.id, number=(latest or 0) + 1, questions=questions)
    db.session.add(made)
    db.session.flush()
    exercise.published_revision = made.number
    bump_version()  # the course page lists the quizzes that are open
    return made
