"""Progress through courses: chapters marked done, the best grade of each quiz, and
"My learning". Each page reads a fixed number of rows sets, whatever the number of
chapters, attempts or courses (tests/web/test_learning_progress.py counts them)."""

from dataclasses import dataclass

from sqlalchemy import delete, func, select, union, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain.progress import CourseProgress, course_progress
from app.extensions import db
from app.models import (
    Certificate,
    Chapter,
    ChapterCompletion,
    Course,
    Exercise,
    QuizAttempt,
    Submission,
)


def graded_exercises(course: Course) -> list:
    """The exercises that count for the certificate: those a learner can take now."""
    return [e for e in course.exercises if e.is_open]


def mark_done(user, chapter: Chapter) -> None:
    """Idempotent: marking a chapter done twice (two tabs) keeps one row."""
    exists = db.session.scalar(
        select(ChapterCompletion.id).where(
            ChapterCompletion.user_id == user.id, ChapterCompletion.chapter_id == chapter.id
        )
    )
    if exists is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                ChapterCompletion(
                    user_id=user.id, chapter_id=chapter.id, course_id=chapter.course_id
                )
            )
    except IntegrityError:
        pass  # the other request marked it first


def mark_not_done(user, chapter: Chapter) -> None:
    db.session.execute(
        delete(ChapterCompletion).where(
            ChapterCompletion.user_id == user.id, ChapterCompletion.chapter_id == chapter.id
        )
    )


def chapters_done(user, course_ids) -> dict[int, set[int]]:
    rows = db.session.execute(
        select(ChapterCompletion.course_id, ChapterCompletion.chapter_id).where(
            ChapterCompletion.user_id == user.id, ChapterCompletion.course_id.in_(course_ids)
        )
    )
    done: dict[int, set[int]] = {}
    for course_id, chapter_id in rows:
        done.setdefault(course_id, set()).add(chapter_id)
    return done


def best_grades(user, exercise_ids=None) -> dict[int, int]:
    """The grade that counts for each exercise: the best attempt of a quiz, the grade of
    an assignment's submission (one read for both)."""
    quizzes = select(
        QuizAttempt.exercise_id.label("exercise_id"), func.max(QuizAttempt.percent).label("grade")
    ).where(QuizAttempt.user_id == user.id)
    assignments = select(
        Submission.exercise_id.label("exercise_id"), Submission.grade.label("grade")
    ).where(Submission.user_id == user.id, Submission.grade.is_not(None))
    if exercise_ids is not None:
        ids = list(exercise_ids)
        quizzes = quizzes.where(QuizAttempt.exercise_id.in_(ids))
        assignments = assignments.where(Submission.exercise_id.in_(ids))
    both = union_all(quizzes.group_by(QuizAttempt.exercise_id), assignments).subquery()
    return {row.exercise_id: row.grade for row in db.session.execute(select(both))}


def certificate_of(user, course: Course) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.course_id == course.id
        )
    )


def passed_ids(course: Course, best: dict[int, int]) -> set[int]:
    return {e.id for e in graded_exercises(course) if best.get(e.id, -1) >= course.passing_grade}


@dataclass(frozen=True)
class CoursePage:
    """What the course page adds for a signed-in member."""

    progress: CourseProgress
    best: dict[int, int]
    done: set[int]
    certificate: Certificate | None


def course_page(user, course: Course) -> CoursePage:
    graded = graded_exercises(course)
    done = chapters_done(user, [course.id]).get(course.id, set())
    best = best_grades(user, [e.id for e in graded]) if graded else {}
    progress = course_progress(
        [c.id for c in course.chapters], done, [e.id for e in graded], passed_ids(course, best)
    )
    return CoursePage(progress, best, done, certificate_of(user, course))


def is_done(user, chapter: Chapter) -> bool:
    return (
        db.session.scalar(
            select(ChapterCompletion.id).where(
                ChapterCompletion.user_id == user.id, ChapterCompletion.chapter_id == chapter.id
            )
        )
        is not None
    )


@dataclass(frozen=True)
class Learning:
    course: Course
    progress: CourseProgress
    next_chapter: Chapter | None
    certificate: Certificate | None


def my_learning(user) -> list[Learning]:
    """The courses the member started (a chapter done, a quiz attempted, a certificate),
    most progressed first."""
    started = union(
        select(ChapterCompletion.course_id).where(ChapterCompletion.user_id == user.id),
        select(Exercise.course_id)
        .join(QuizAttempt, QuizAttempt.exercise_id == Exercise.id)
        .where(QuizAttempt.user_id == user.id),
        select(Exercise.course_id)
        .join(Submission, Submission.exercise_id == Exercise.id)
        .where(Submission.user_id == user.id),
    )
    course_ids = set(db.session.scalars(select(started.subquery().c[0])))
    certificates = {
        c.course_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    }
    course_ids |= {i for i in certificates if i is not None}
    if not course_ids:
        return []
    courses = db.session.scalars(
        select(Course)
        .where(Course.id.in_(course_ids))
        .options(selectinload(Course.chapters), selectinload(Course.exercises))
        .order_by(Course.title_en)
    ).all()
    done = chapters_done(user, course_ids)
    best = best_grades(user)
    items = []
    for course in courses:
        graded = graded_exercises(course)
        progress = course_progress(
            [c.id for c in course.chapters],
            done.get(course.id, set()),
            [e.id for e in graded],
            passed_ids(course, best),
        )
        following = next((c for c in course.chapters if c.id == progress.next_chapter), None)
        items.append(Learning(course, progress, following, certificates.get(course.id)))
    items.sort(key=lambda item: -item.progress.percent)
    return items


def exercise_by_id(exercise_id: int) -> Exercise | None:
    return db.session.get(Exercise, exercise_id)
