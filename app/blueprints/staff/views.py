from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import staff_required
from app.blueprints.staff import bp
from app.blueprints.staff.forms import AnswerForm
from app.extensions import db
from app.models import Inquiry, InquiryStatus
from app.services import inquiries


@bp.route("/staff/")
@staff_required
def dashboard():
    open_count = len(inquiries.queue(InquiryStatus.OPEN))
    return render_template("staff/dashboard.html", open_count=open_count)


@bp.route("/staff/inquiries")
@staff_required
def inquiry_queue():
    status = request.args.get("status", InquiryStatus.OPEN.value)
    if status not in {s.value for s in InquiryStatus}:
        status = InquiryStatus.OPEN.value
    return render_template(
        "staff/inquiries.html",
        inquiries=inquiries.queue(InquiryStatus(status)),
        status=status,
    )


@bp.route("/staff/inquiries/<int:inquiry_id>", methods=["GET", "POST"])
@staff_required
def inquiry_detail(inquiry_id: int):
    inquiry = db.session.get(Inquiry, inquiry_id) or abort(404)
    form = AnswerForm()
    if inquiry.status is InquiryStatus.OPEN and form.validate_on_submit():
        inquiries.answer(inquiry, current_user._get_current_object(), form.reply.data)
        flash(_("Your answer to %(reference)s has been emailed.", reference=inquiry.reference))
        return redirect(url_for("staff.inquiry_queue"))
    status = 422 if form.errors else 200
    return render_template("staff/inquiry.html", inquiry=inquiry, form=form), status
