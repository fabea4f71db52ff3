"""Peer-assessed assignments: the assignment page (submit, see one's assessments and
grade, report an abusive one) and assessing peers' work without their names."""

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.access import Feature, Refusal, record_use, why_not
from app.blueprints.learning import bp
from app.blueprints.learning.forms import AssessForm, ReportForm, SubmissionForm
from app.domain.errors import DomainError
from app.extensions import login_manager, talisman
from app.services import assignments, catalog, learning, uploads
from app.services.quizzes import BadSubmission, NotAllowed
from app.web.forms import populate_errors
from app.web.rendering import render


def _user():
    return current_user._get_current_object()


def _assignment(slug: str, position: int):
    course = catalog.course_by_slug(slug) or abort(404)
    exercise = assignments.assignment_in(course, position) or abort(404)
    return course, exercise


def _gate():
    refusal = why_not(_user(), Feature.EXERCISES)
    if refusal is Refusal.SIGN_IN:
        return refusal, login_manager.unauthorized()
    if refusal is None:
        record_use(_user())
    return refusal, None


# Room for the text fields and the form's parts beside the largest file.
FORM_ALLOWANCE = 200_000


@bp.url_value_preprocessor
def _limit_submissions(endpoint, values):
    """The submission form may carry a file: its request may be that much larger, and
    no larger. Set here because these run before any before_request (CSRF reads the
    form there); a larger request is answered by too_large below."""
    if endpoint == "learning.assignment" and request.method == "POST":
        request.max_content_length = (
            current_app.config["ASSIGNMENT_MAX_FILE_BYTES"] + FORM_ALLOWANCE
        )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Over the limit, nothing of the form could be read: the page again, with the
    file field's error (not a bare 413 page)."""
    if request.endpoint != "learning.assignment" or not request.view_args:
        return error
    course, exercise = _assignment(**request.view_args)
    refusal, sign_in = _gate()
    if sign_in is not None:
        return sign_in
    if refusal is not None:
        abort(403)
    form = SubmissionForm(formdata=None)
    form.file.errors = [uploads.too_big_message()]
    return _assignment_page(course, exercise, form, status=413)


@bp.route("/courses/<slug>/assignments/<int:position>", methods=["GET", "POST"])
def assignment(slug: str, position: int):
    course, exercise = _assignment(slug, position)
    refusal, sign_in = _gate()
    if sign_in is not None:
        return sign_in
    if refusal is not None:
        return render(
            "learning/assignment.html",
            "content",
            status=403,
            course=course,
            exercise=exercise,
            refusal=refusal,
        )
    form = SubmissionForm()
    if form.validate_on_submit():
        chosen = form.file.data
        file = (chosen.filename, uploads.read(chosen.stream)) if chosen else None
        try:
            assignments.submit(
                _user(), exercise, form.body.data, form.link.data, clock.now(), file=file
            )
        except NotAllowed:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Your work is submitted. Assess your peers' work to receive your grade."))
            return redirect(url_for("learning.assignment", slug=slug, position=position))
    return _assignment_page(course, exercise, form, status=422 if form.errors else 200)


def _assignment_page(course, exercise, form, status: int):
    user = _user()
    mine = assignments.submission_of(user, exercise)
    return render(
        "learning/assignment.html",
        "content",
        status=status,
        course=course,
        exercise=exercise,
        refusal=None,
        form=form,
        # The author's work is assessed with the rubric it was submitted under.
        criteria=assignments.rubric_for(mine, exercise) if mine else assignments.rubric(exercise),
        submission=mine,
        given=assignments.given_count(user.id, exercise.id),
        report_form=ReportForm(formdata=None),
    )


@bp.route("/learning/submission-files/<int:file_id>")
# Talisman would put the site's policy back after the view: it is off here, and the view
# sends the sandbox (a file opened in the browser runs nothing and has no origin).
@talisman(content_security_policy=False)
@login_required
def submission_file(file_id: int):
    """A file of a submission, as an attachment that never runs in our origin: for its
    author, staff, and the peers it was shown to (under a name that does not tell the
    author's); 404 for everyone else."""
    found = uploads.file_for(_user(), file_id) or abort(404)
    stored, anonymous = found
    response = send_file(
        uploads.path_of(stored),
        mimetype=uploads.content_type(stored),
        as_attachment=True,
        download_name=uploads.download_name(stored, anonymous),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/courses/<slug>/assignments/<int:position>/assess", methods=["GET", "POST"])
def assess(slug: str, position: int):
    course, exercise = _assignment(slug, position)
    refusal, sign_in = _gate()
    if sign_in is not None:
        return sign_in
    if refusal is not None:
        abort(403)
    user = _user()
    form = AssessForm()
    errors, work, status = {}, None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            assignments.assess(user, exercise, form.submission.data, request.form, clock.now())
        except BadSubmission:
            abort(400)
        except (NotAllowed, assignments.OwnWork):
            abort(403)
        except assignments.AlreadyAssessed:
            flash(_("You have already assessed this work."))
            return redirect(url_for("learning.assignment", slug=slug, position=position))
        except DomainError as error:
            status = 422
            errors = {f: m for f, m in error.errors if f != "comment"}
            form.comment.errors = [m for f, m in error.errors if f == "comment"]
            work = assignments.submission_by_id(int(form.submission.data))
        else:
            flash(_("Thank you: your assessment is recorded."))
            return redirect(url_for("learning.assignment", slug=slug, position=position))
    work = work or assignments.offer_next(user, exercise, clock.now())
    if work is not None:
        form.submission.data = str(work.id)
    return render(
        "learning/assess.html",
        "content",
        status=status,
        course=course,
        exercise=exercise,
        work=work,
        form=form,
        errors=errors,
        answers=request.form if status == 422 else None,
        # The work's own rubric revision (work submitted before an edit keeps its rubric).
        criteria=assignments.rubric_for(work, exercise) if work else [],
        field_name=assignments.field_name,
        given=assignments.given_count(user.id, exercise.id),
        file_kinds=uploads.KIND_LABELS,
    )


@bp.route("/learning/assessments/<int:assessment_id>/report", methods=["POST"])
@login_required
def report(assessment_id: int):
    form = ReportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        found = assignments.report(_user(), assessment_id, form.reason.data, clock.now())
    except DomainError:
        abort(400)
    if found is None:
        abort(404)
    exercise = learning.exercise_by_id(found.exercise_id)
    flash(
        _("Thank you: Student Success will look at this assessment. Until then it does not count.")
    )
    return redirect(
        url_for("learning.assignment", slug=exercise.course.slug, position=exercise.position)
    )
