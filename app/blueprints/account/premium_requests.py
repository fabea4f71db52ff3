"""Settings → Premium: a Plus subscriber asks Student Success for a change of Learning
Path (§2.2c) or a termination for an accident or force majeure (§6.2), decided in
writing by staff at /staff/requests."""

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.blueprints.account import bp
from app.blueprints.account.premium import _back, _own, _user
from app.blueprints.account.premium_forms import ForceMajeureForm, PathChangeForm
from app.blueprints.account.premium_labels import ASK_REFUSALS
from app.domain.errors import DomainError
from app.domain.requests import MAX_DOCUMENT_BYTES, RequestKind
from app.services import contract_requests as requests
from app.web.forms import populate_errors, select_choices
from app.web.rendering import redirect_to, render
from app.web.templating import pick

TEMPLATE = "account/premium_request.html"

REQUEST_ERRORS = {
    "same_path": _l("This is the Learning Path you already follow. Choose another one."),
    "empty": _l("The file is empty. Choose the file again, or send the request without it."),
    "too_large": _l("The file must be 5 MB or smaller."),
    "wrong_type": _l("The file must be a PDF, a JPEG or a PNG."),
}

SENT = _l("Your request has been sent to Student Success. You will get their answer by email.")


def _show(form, error: DomainError) -> None:
    populate_errors(form, DomainError.of([(f, REQUEST_ERRORS[m]) for f, m in error.errors]))


def _refused_to_ask(refusal):
    flash(ASK_REFUSALS[refusal])
    return redirect_to(_back())


@bp.route("/account/premium/<int:subscription_id>/path-change", methods=["GET", "POST"])
@login_required
def ask_path_change(subscription_id: int):
    subscription = _own(subscription_id)
    refusal = requests.refusal_for(subscription, RequestKind.PATH_CHANGE)
    if refusal is not None:
        return _refused_to_ask(refusal)
    form = PathChangeForm()
    offered = requests.movable_paths(subscription)
    form.new_path.choices = select_choices(
        [(path.slug, pick(path, "title")[0]) for path in offered], _("Select a Learning Path")
    )
    if form.validate_on_submit():
        chosen = next(path for path in offered if path.slug == form.new_path.data)
        try:
            requests.ask_path_change(_user(), subscription, chosen, form.explanation.data)
        except requests.Refused as error:
            return _refused_to_ask(error.refusal)
        except DomainError as error:
            _show(form, error)
        else:
            flash(SENT)
            return redirect_to(_back())
    return _page(form, subscription, RequestKind.PATH_CHANGE)


@bp.route("/account/premium/<int:subscription_id>/force-majeure", methods=["GET", "POST"])
@login_required
def ask_force_majeure(subscription_id: int):
    subscription = _own(subscription_id)
    refusal = requests.refusal_for(subscription, RequestKind.FORCE_MAJEURE)
    if refusal is not None:
        return _refused_to_ask(refusal)
    form = ForceMajeureForm()
    if form.validate_on_submit():
        upload = form.document.data
        document = None
        if upload is not None and upload.filename:
            # One byte more than allowed is enough to know it is too large.
            data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
            document = requests.Document(upload.filename, data)
        try:
            requests.ask_force_majeure(_user(), subscription, form.explanation.data, document)
        except requests.Refused as error:
            return _refused_to_ask(error.refusal)
        except DomainError as error:
            _show(form, error)
        else:
            flash(SENT)
            return redirect_to(_back())
    return _page(form, subscription, RequestKind.FORCE_MAJEURE)


def _page(form, subscription, kind):
    status = 422 if form.errors else 200
    return render(
        TEMPLATE, "content", form=form, subscription=subscription, kind=kind, status=status
    )
