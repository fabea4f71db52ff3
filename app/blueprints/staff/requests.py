"""/staff/requests: subscribers' requests about their contract (path change, force
majeure) and the written decision on each, emailed to them."""

from flask import abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.account.premium_labels import REQUEST_KINDS, REQUEST_STATUSES
from app.blueprints.staff import bp
from app.blueprints.staff.forms import DecisionForm
from app.domain.errors import DomainError
from app.domain.requests import RequestStatus
from app.extensions import db
from app.models import ContractRequest
from app.services import contract_requests as requests
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render

DECISION_ERRORS = {
    "already_decided": _l("This request has already been decided."),
    "cannot_approve": _l(
        "The subscription can no longer be ended this way (it was withdrawn, ended or "
        "terminated meanwhile): refuse the request and say why."
    ),
}
LABELS = {"kinds": REQUEST_KINDS, "statuses": REQUEST_STATUSES}


@bp.route("/requests")
def requests_queue():
    status = request.args.get("status", RequestStatus.OPEN.value)
    if status not in {s.value for s in RequestStatus}:
        status = RequestStatus.OPEN.value
    return render(
        "staff/requests.html",
        found=requests.queue(RequestStatus(status)),
        shown=status,
        **LABELS,
    )


def _request(request_id: int) -> ContractRequest:
    return db.session.get(ContractRequest, request_id) or abort(404)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
def request_detail(request_id: int):
    found = _request(request_id)
    form = DecisionForm()
    if found.status is RequestStatus.OPEN and form.validate_on_submit():
        try:
            requests.decide(
                found,
                current_user._get_current_object(),
                form.decision.data == "approve",
                form.message.data,
            )
        except DomainError as error:
            populate_errors(
                form,
                DomainError.of([(f, DECISION_ERRORS[m]) for f, m in error.errors]),
                fallback="decision",
            )
        else:
            flash(_("Your decision has been recorded and emailed to the subscriber."))
            return redirect_to(url_for("staff.requests_queue"))
    status = 422 if form.errors else 200
    return render("staff/request.html", "content", item=found, form=form, status=status, **LABELS)


@bp.route("/requests/<int:request_id>/document")
def request_document(request_id: int):
    """The document as a download, never shown inline: its type was checked from its
    bytes when it was sent."""
    found = _request(request_id)
    if found.document is None:
        abort(404)
    response = make_response(found.document)
    response.headers["Content-Type"] = found.document_type or "application/octet-stream"
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    name = f"request-{found.id}.{extension.get(found.document_type, 'bin')}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
