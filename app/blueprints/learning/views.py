"""My learning, marking a chapter done, and taking a quiz."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.access import Feature, Refusal, record_use, why_not
from app.blueprints.learning import bp
from app.blueprints.learning.forms import ChapterDoneForm, QuizForm
from app.domain.errors import DomainError
from app.extensions import login_manager
from app.services import catalog, learning, quizzes
from app.web.rendering import render, wants_fragment


def _user():
    return current_user._get_current_object()


@bp.route("/learning")
@login_required
def my_learning():
    return render("learning/my_learning.html", "content", items=learning.my_learning(_user()))


# --- chapters --------------------------------------------------------------------------


@bp.route("/courses/<slug>/chapters/<int:position>/done", methods=["POST"])
@login_required
def chapter_done(slug: str, position: int):
    """Marked by the member with a button at the end of the chapter (not by scrolling:
    reading is theirs to say, and a button works with every input and without JS)."""
    course = catalog.course_by_slug(slug) or abort(404)
    chapters = course.chapters
    index = next((i for i, c in enumerate(chapters) if c.position == position), None)
    if index is None:
        abort(404)
    form = ChapterDoneForm()
    if not form.validate_on_submit() or form.done.data not in ("0", "1"):
        abort(400)
    chapter = chapters[index]
    done = form.done.data == "1"
    if done:
        learning.mark_done(_user(), chapter)
        message = _("Chapter marked as done.")
    else:
        learning.mark_not_done(_user(), chapter)
        message = _("Chapter marked as not done.")
    if wants_fragment():
        return render(
            "catalog/chapter.html",
            "chapter_done",
            course=course,
            chapter=chapter,
            done=done,
            announce=message,
            next_chapter=chapters[index + 1] if index + 1 < len(chapters) else None,
        )
    flash(message)
    return redirect(url_for("catalog.chapter", slug=slug, position=position))


# --- quizzes ---------------------------------------------------------------------------


@bp.route("/courses/<slug>/quizzes/<int:position>", methods=["GET", "POST"])
def quiz(slug: str, position: int):
    course = catalog.course_by_slug(slug) or abort(404)
    exercise = quizzes.quiz_in(course, position) or abort(404)
    refusal = why_not(_user(), Feature.EXERCISES)
    if refusal is Refusal.SIGN_IN:
        return login_manager.unauthorized()
    context = {"course": course, "exercise": exercise, "refusal": refusal}
    if refusal is not None:
        return render("learning/quiz.html", "quiz", status=403, **context)
    user, now = _user(), clock.now()
    record_use(user)
    form = QuizForm()
    status, errors, revision = 200, {}, None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            submitted = quizzes.submit(
                user, exercise, form.revision.data, form.token.data, request.form, now
            )
        except quizzes.BadSubmission:
            abort(400)
        except quizzes.NotAllowed:
            abort(403)
        except quizzes.TooEarly:
            status = 409
        except DomainError as error:
            status, errors = 422, dict(error.errors)
            revision = quizzes.revision(exercise, int(form.revision.data))
        else:
            url = url_for("learning.attempt", attempt_id=submitted.attempt.id)
            if wants_fragment():
                response = render(
                    "learning/attempt.html",
                    "result",
                    **_attempt_context(submitted.attempt, course, exercise, announce=True),
                )
                response.headers["HX-Push-Url"] = url
                return response
            return redirect(url)
    attempts = quizzes.attempts_of(user, exercise)
    if status != 422:
        form.token.data = quizzes.new_token()
    revision = revision or quizzes.revision(exercise)
    form.revision.data = str(revision.number)
    return render(
        "learning/quiz.html",
        "quiz",
        status=status,
        form=form,
        quiz=revision,
        errors=errors,
        answers=request.form if status == 422 else None,
        attempts=attempts,
        best=max((a.percent for a in attempts), default=None),
        opening=quizzes.window_for(exercise, attempts, now),
        field_name=quizzes.field_name,
        **context,
    )


def _attempt_context(attempt, course, exercise, announce=False) -> dict:
    attempts = quizzes.attempts_of(_user(), exercise)
    best = max((a.percent for a in attempts), default=attempt.percent)
    return {
        "attempt": attempt,
        "course": course,
        "exercise": exercise,
        "answers": {a.question_id: a for a in attempt.answers},
        # The right answers are shown once the quiz is passed, so that a retry is not a copy.
        "show_key": best >= course.passing_grade,
        "best": best,
        "opening": quizzes.window_for(exercise, attempts, clock.now()),
        "certificate": learning.certificate_of(_user(), course),
        "announce": announce,
    }


@bp.route("/learning/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    found = quizzes.attempt_of(_user(), attempt_id) or abort(404)
    exercise = learning.exercise_by_id(found.exercise_id) or abort(404)
    return render(
        "learning/attempt.html",
        "result",
        **_attempt_context(found, exercise.course, exercise),
    )
