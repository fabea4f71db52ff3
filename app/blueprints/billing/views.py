import re

from flask import abort, make_response
from flask_login import current_user

from app.access import Record, can
from app.blueprints.billing import bp
from app.extensions import login_manager
from app.services import invoices

# "F2026-000042" (invoice) or "A2026-000003" (credit note).
REFERENCE = re.compile(r"^[FA][0-9]{4}-[0-9]{6,}$")


@bp.route("/<reference>.pdf")
def pdf(reference: str):
    """The invoice's or credit note's PDF. Another member's answers 404, as one that does
    not exist: a reference (they are sequential) tells nothing about whose it is."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return login_manager.unauthorized()
    invoice = invoices.find(reference) if REFERENCE.match(reference) else None
    if invoice is None or not can(user, Record.VIEW, invoice):
        abort(404)
    document = invoices.pdf_for(invoice)
    response = make_response(document.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{invoice.reference}.pdf"'
    response.headers["Content-Length"] = str(document.size)
    return response
