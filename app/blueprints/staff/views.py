from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.blueprints.staff import bp, inquiry_labels
from app.blueprints.staff.forms import AnswerForm, document_form
from app.domain.errors import DomainError
from app.domain.orders import Plan
from app.extensions import db
from app.models import DocumentKind, Inquiry, InquiryStatus
from app.services import catalog, inquiries, terms_prices, terms_updates
from app.services import legal_documents as documents
from app.services.billing import rates as billing_rates
from app.services.markdown import render_markdown
from app.web.rendering import redirect_to, render


@bp.route("/")
def dashboard():
    open_count = len(inquiries.queue(InquiryStatus.OPEN))
    return render_template(
        "staff/dashboard.html",
        open_count=open_count,
        missing_rate=billing_rates.missing_now(clock.today()),
    )


@bp.route("/inquiries")
def inquiry_queue():
    status = request.args.get("status", InquiryStatus.OPEN.value)
    if status not in {s.value for s in InquiryStatus}:
        status = InquiryStatus.OPEN.value
    return render_template(
        "staff/inquiries.html",
        inquiries=inquiries.queue(InquiryStatus(status)),
        status=status,
        labels=inquiry_labels,
    )


@bp.route("/inquiries/<int:inquiry_id>", methods=["GET", "POST"])
def inquiry_detail(inquiry_id: int):
    inquiry = db.session.get(Inquiry, inquiry_id) or abort(404)
    form = AnswerForm()
    if inquiry.status is InquiryStatus.OPEN and form.validate_on_submit():
        inquiries.answer(inquiry, current_user._get_current_object(), form.reply.data)
        flash(_("Your answer to %(reference)s has been emailed.", reference=inquiry.reference))
        return redirect(url_for("staff.inquiry_queue"))
    status = 422 if form.errors else 200
    return (
        render_template("staff/inquiry.html", inquiry=inquiry, form=form, labels=inquiry_labels),
        status,
    )


# --- Legal documents ---------------------------------------------------------------

DOCUMENT_ERRORS = {
    "label_format": _l(
        "Use 1 to 20 letters, digits or hyphens, starting with a letter or digit, like 2027-01."
    ),
    "label_taken": _l("This document already has a version with this label. Choose another."),
    "required": _l("This cannot be empty."),
    "too_long": _l("This is too long."),
}
PRICE_NOT_MATERIAL = _l(
    "A new price is a material change of the Terms of Service: choose the Terms of Service "
    "and tick the box for a change of duration, features or price."
)


def _new_prices(form, paths) -> dict:
    """{(plan, path id or None): cents} from the price fields that were filled in."""
    cents = getattr(form, "cents_of", {})
    prices = {}
    if "price_solo" in cents:
        prices[(Plan.SOLO, None)] = cents["price_solo"]
    for path in paths:
        if f"price_path_{path.id}" in cents:
            prices[(Plan.PLUS, path.id)] = cents[f"price_path_{path.id}"]
    return prices


@bp.route("/documents")
def documents_list():
    return render_template(
        "staff/documents.html",
        groups=[(kind, documents.versions(kind)) for kind in DocumentKind],
    )


@bp.route("/documents/new", methods=["GET", "POST"])
def document_new():
    """Write a new version, preview it (a plain submit button; htmx swaps the preview in),
    then publish it. There are no drafts: a version exists once it is published. A
    material version of the Terms may set new monthly prices (§1), taken by each
    subscriber's renewals once they accepted it."""
    paths = catalog.all_paths()
    form = document_form(paths)
    if request.method == "GET":
        kind = request.args.get("kind", DocumentKind.TERMS.value)
        kind = DocumentKind(kind) if kind in {k.value for k in DocumentKind} else DocumentKind.TERMS
        latest = documents.current(kind)
        form.kind.data = kind.value
        if latest is not None:
            form.body_en.data, form.body_fr.data = latest.body_en, latest.body_fr
    preview = None
    action = request.form.get("action")
    if form.validate_on_submit():
        new = documents.NewVersion(
            kind=DocumentKind(form.kind.data),
            label=form.label.data,
            body_en=form.body_en.data,
            body_fr=form.body_fr.data,
            change_summary_en=form.change_summary_en.data,
            change_summary_fr=form.change_summary_fr.data,
            material=form.material.data,
        )
        problems = documents.validate(new)
        for problem in problems:
            getattr(form, problem.field).errors.append(DOCUMENT_ERRORS[problem.message])
        prices = _new_prices(form, paths)
        if prices and (new.kind is not DocumentKind.TERMS or not new.material):
            problems.append(DomainError("material", "price_not_material"))
            form.material.errors.append(PRICE_NOT_MATERIAL)
        if not problems and action == "publish":
            try:
                version = documents.publish(new, current_user._get_current_object())
            except DomainError as error:
                getattr(form, error.field).errors.append(DOCUMENT_ERRORS[error.message])
            else:
                terms_prices.set_prices(version, prices)
                told = terms_updates.announce(version)
                if told:
                    flash(
                        _(
                            "Version %(label)s is published. %(count)s subscribers have been "
                            "emailed what changed and have 30 days to cancel at no cost.",
                            label=version.label,
                            count=told,
                        )
                    )
                else:
                    flash(
                        _(
                            "Version %(label)s is published.",
                            label=version.label,
                        )
                    )
                return redirect_to(url_for("staff.documents_list"))
    if request.method == "POST" and not form.errors:
        preview = {
            "en": render_markdown(form.body_en.data),
            "fr": render_markdown(form.body_fr.data),
        }
    status = 422 if form.errors else 200
    return render("staff/document_new.html", "editor", form=form, preview=preview, status=status)
