"""Staff: submissions that waited too long for peers (staff grade them with the rubric)
and assessments reported as abusive (remove them, or let them count again)."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.blueprints.learning import assignments_staff_bp as bp
from app.blueprints.learning.forms import ResolveForm, StaffGradeForm
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Assessment, Exercise, Submission
from app.services import assignments
from app.services.quizzes import BadSubmission
from app.web.rendering import render


@bp.route("")
def queue():
    return render(
        "learning/staff_assignments.html",
        "content",
        waiting=assignments.waiting_for_staff(clock.now()),
        reported=assignments.reported(),
        resolve_form=ResolveForm(),
    )


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
def grade(submission_id: int):
    submission = db.session.get(Submission, submission_id) or abort(404)
    exercise = db.session.get(Exercise, submission.exercise_id)
    form = StaffGradeForm()
    errors = {}
    if form.validate_on_submit():
        try:
            assignments.staff_grade(current_user, submission, request.form, clock.now())
        except BadSubmission:
            abort(400)
        except DomainError as error:
            errors = dict(error.errors)
        else:
            flash(_("Grade recorded: %(grade)s%%.", grade=submission.grade))
            return redirect(url_for("learning.staff_assignments.queue"))
    return render(
        "learning/staff_submission.html",
        "content",
        status=422 if errors else 200,
        submission=submission,
        exercise=exercise,
        form=form,
        errors=errors,
        answers=request.form if errors else None,
        criteria=assignments.rubric_for(submission, exercise),
        field_name=assignments.field_name,
    )


@bp.route("/assessments/<int:assessment_id>/resolve", methods=["POST"])
def resolve(assessment_id: int):
    found = db.session.get(Assessment, assessment_id) or abort(404)
    form = ResolveForm()
    if not form.validate_on_submit() or form.decision.data not in ("remove", "keep"):
        abort(400)
    assignments.resolve(found, form.decision.data == "remove", clock.now())
    flash(
        _("The assessment is removed.")
        if form.decision.data == "remove"
        else _("The report is dismissed: the assessment counts again.")
    )
    return redirect(url_for("learning.staff_assignments.queue"))
