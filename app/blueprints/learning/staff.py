"""Staff: the certificates issued, and revoking one with a reason."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.blueprints.learning import staff_bp
from app.blueprints.learning.forms import RevokeForm
from app.domain.certificates import display_code
from app.domain.errors import DomainError
from app.services import certificates
from app.web.forms import populate_errors
from app.web.rendering import render

MESSAGES = {
    "required": _l("Enter the reason for revoking the certificate."),
    "too_long": _l("The reason must be %(max)s characters or fewer.", max=certificates.MAX_REASON),
    "already_revoked": _l("This certificate is already revoked."),
}


@staff_bp.route("")
def certificates_list():
    query = request.args.get("code", "").strip()
    if query:
        found = certificates.by_code(query)
        rows = [found] if found else []
    else:
        rows = certificates.recent()
    return render(
        "learning/staff_certificates.html",
        "content",
        rows=rows,
        query=query,
        display_code=display_code,
    )


@staff_bp.route("/<code>/revoke", methods=["GET", "POST"])
def revoke(code: str):
    found = certificates.by_code(code) or abort(404)
    form = RevokeForm()
    if found.revoked_at is None and form.validate_on_submit():
        try:
            certificates.revoke(found, current_user, form.reason.data, clock.now())
        except DomainError as error:
            populate_errors(
                form,
                DomainError.of([(f, MESSAGES[m]) for f, m in error.errors]),
                fallback="reason",
            )
        else:
            flash(_("Certificate %(code)s revoked.", code=display_code(found.code)))
            return redirect(url_for("learning.staff.certificates_list"))
    return render(
        "learning/staff_revoke.html",
        "form",
        status=422 if form.errors else 200,
        certificate=found,
        form=form,
        code=display_code(found.code),
    )
