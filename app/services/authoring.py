"""Staff authoring of a course's quizzes: the questions as text (app.domain.quiz_text),
published as a new revision so that past attempts keep the questions they answered;
attempt settings; the course's passing grade."""

from flask_babel import lazy_gettext as _l

from app.domain import quiz_text
from app.domain.errors import DomainError
from app.models import Course, Exercise, QuizOption, QuizQuestion
from app.services import quizzes
from app.services.catalog import bump_version

PROBLEMS = {
    "too_long": _l("Line %(line)s is too long."),
    "too_many": _l("A quiz has at most %(max)s questions (line %(line)s)."),
    "no_question": _l(
        "Line %(line)s comes before any question: start with a line like “? single”."
    ),
    "empty": _l("Write at least one question."),
    "kind": _l(
        "Line %(line)s: a question starts with “? single”, “? multiple”, “? text” or “? number”."
    ),
    "points": _l("Line %(line)s: the points are a whole number from 1 to 100."),
    "option_not_allowed": _l("Line %(line)s: only single and multiple questions have options."),
    "option_languages": _l(
        "Line %(line)s: write the option in English and French, separated by “|”."
    ),
    "unknown": _l("Line %(line)s is not understood: see the format below the text area."),
    "not_a_number": _l("Line %(line)s: write a number, for example 3.5."),
    "prompt_languages": _l(
        "The question at line %(line)s needs its wording in English (en:) and French (fr:)."
    ),
    "single_options": _l(
        "The question at line %(line)s needs two options or more, exactly one of them right (+)."
    ),
    "multiple_options": _l(
        "The question at line %(line)s needs two options or more, at least one of them right (+)."
    ),
    "no_answer": _l("The question at line %(line)s needs its answer (answer:)."),
}


def quiz_as_text(exercise: Exercise) -> str:
    revision = quizzes.revision(exercise) if exercise.published_revision else None
    if revision is None:
        return ""
    return quiz_text.write(
        [
            quiz_text.Question(
                kind=q.kind,
                points=q.points,
                prompt_en=q.prompt_en,
                prompt_fr=q.prompt_fr,
                feedback_en=q.feedback_en,
                feedback_fr=q.feedback_fr,
                options=[quiz_text.Option(o.label_en, o.label_fr, o.correct) for o in q.options],
                accepted=[a for a in q.accepted.splitlines() if a.strip()],
                number=q.number_answer,
                tolerance=q.tolerance or 0,
            )
            for q in revision.questions
        ]
    )


def publish_quiz(exercise: Exercise, text: str, max_attempts: int | None, wait_hours: int):
    try:
        parsed = quiz_text.parse(text or "")
    except quiz_text.QuizTextError as error:
        message = PROBLEMS[error.problem] % {"line": error.line, "max": quiz_text.MAX_QUESTIONS}
        raise DomainError("questions", message) from None
    exercise.max_attempts = max_attempts
    exercise.retry_wait_hours = wait_hours
    if text.strip() == quiz_as_text(exercise).strip():
        bump_version()
        return None  # the same questions: no new revision, only the settings changed
    return quizzes.publish_revision(
        exercise,
        [
            QuizQuestion(
                position=position,
                kind=q.kind,
                points=q.points,
                prompt_en=q.prompt_en,
                prompt_fr=q.prompt_fr,
                feedback_en=q.feedback_en,
                feedback_fr=q.feedback_fr,
                accepted="\n".join(q.accepted),
                number_answer=q.number,
                tolerance=q.tolerance,
                options=[
                    QuizOption(
                        position=i, label_en=o.label_en, label_fr=o.label_fr, correct=o.correct
                    )
                    for i, o in enumerate(q.options, 1)
                ],
            )
            for position, q in enumerate(parsed, 1)
        ],
    )


def set_passing_grade(course: Course, grade: int) -> None:
    course.passing_grade = grade
    bump_version()
