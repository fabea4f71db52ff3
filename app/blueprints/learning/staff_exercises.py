"""Staff: a course's exercises, its passing grade, each quiz's questions and attempt
settings, and each assignment's rubric (/staff/courses/<slug>/exercises)."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from app.blueprints.learning import exercises_staff_bp as bp
from app.blueprints.learning.forms import PassingGradeForm, QuizEditForm, RubricEditForm
from app.domain.errors import DomainError
from app.services import assignments, authoring, catalog, quizzes, rubric_authoring
from app.web.forms import populate_errors
from app.web.rendering import render


def _course(slug: str):
    return catalog.course_by_slug(slug) or abort(404)


@bp.route("/<slug>/exercises", methods=["GET", "POST"])
def exercises(slug: str):
    course = _course(slug)
    form = PassingGradeForm(data={"passing_grade": course.passing_grade})
    if form.validate_on_submit():
        authoring.set_passing_grade(course, form.passing_grade.data)
        flash(_("The passing grade is now %(grade)s%%.", grade=form.passing_grade.data))
        return redirect(url_for("learning.staff_exercises.exercises", slug=slug))
    return render(
        "learning/staff_exercises.html",
        "content",
        status=422 if form.errors else 200,
        course=course,
        form=form,
    )


@bp.route("/<slug>/exercises/<int:position>/quiz", methods=["GET", "POST"])
def quiz(slug: str, position: int):
    course = _course(slug)
    exercise = next(
        (e for e in course.exercises if e.position == position and e.kind == "quiz"), None
    ) or abort(404)
    form = QuizEditForm(
        data={
            "questions": authoring.quiz_as_text(exercise),
            "max_attempts": exercise.max_attempts,
            "retry_wait_hours": exercise.retry_wait_hours,
        }
    )
    if form.validate_on_submit():
        try:
            made = authoring.publish_quiz(
                exercise, form.questions.data, form.max_attempts.data, form.retry_wait_hours.data
            )
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(
                _("Revision %(n)s of the quiz is published.", n=made.number)
                if made
                else _("The quiz settings are saved.")
            )
            return redirect(url_for("learning.staff_exercises.exercises", slug=slug))
    return render(
        "learning/staff_quiz.html",
        "content",
        status=422 if form.errors else 200,
        course=course,
        exercise=exercise,
        form=form,
        revision=quizzes.revision(exercise) if exercise.published_revision else None,
    )


@bp.route("/<slug>/exercises/<int:position>/rubric", methods=["GET", "POST"])
def rubric(slug: str, position: int):
    course = _course(slug)
    exercise = next(
        (e for e in course.exercises if e.position == position and e.kind == "assignment"), None
    ) or abort(404)
    form = RubricEditForm(data={"rubric": rubric_authoring.rubric_as_text(exercise)})
    if form.validate_on_submit():
        try:
            made = rubric_authoring.publish_rubric(exercise, form.rubric.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(
                _("Revision %(n)s of the rubric is published.", n=made)
                if made
                else _("The rubric is unchanged.")
            )
            return redirect(url_for("learning.staff_exercises.exercises", slug=slug))
    return render(
        "learning/staff_rubric.html",
        "content",
        status=422 if form.errors else 200,
        course=course,
        exercise=exercise,
        form=form,
        criteria=assignments.rubric(exercise) if exercise.is_open else [],
    )
