"""A member's certificates, their PDF, and the public verification page."""

from flask import abort, make_response, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required

from app.blueprints.learning import bp
from app.domain.certificates import display_code
from app.services import certificates
from app.web.rendering import render


def _locale() -> str:
    return str(get_locale() or "en")


@bp.route("/learning/certificates")
@login_required
def my_certificates():
    """A certificate once earned stays its learner's: listed and downloadable whatever
    their plan now (earning one needs Solo or Plus, app.services.certificates)."""
    found = certificates.of_user(current_user)
    return render(
        "learning/certificates.html",
        "content",
        certificates=found,
        linkedin={c.id: certificates.linkedin_url(c, _locale()) for c in found},
        display_code=display_code,
    )


@bp.route("/learning/certificates/<code>/certificate.pdf")
@login_required
def certificate_pdf(code: str):
    found = certificates.own(current_user, code) or abort(404)
    pdf = certificates.pdf_for(found, _locale())
    response = make_response(pdf.data)
    response.headers["Content-Type"] = "application/pdf"
    # The code is [0-9A-Z] only: nothing to sanitize in the name.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{display_code(found.code)}.pdf"'
    )
    return response


@bp.route("/certificates/<code>")
def verify(code: str):
    """Public: who earned what and when, or that the code is unknown or revoked."""
    found = certificates.by_code(code)
    if found is None:
        return render_template("learning/verify.html", certificate=None, code=code), 404
    return render(
        "learning/verify.html",
        "content",
        certificate=found,
        code=display_code(found.code),
        course_title=certificates.title(found, _locale()),
    )
