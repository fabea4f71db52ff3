"""The legal representative's consent (a learner aged 16 or 17, or under a legal protection
measure: Terms §1), from the link emailed to them; and the buyer's "send the link again"."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import ConsentForm, EmptyForm
from app.blueprints.checkout.shared import _limit, _locale, _ticked, with_order
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus
from app.extensions import limiter
from app.services.checkout import acceptances, consent, figures, wording
from app.services.tokens import InvalidToken
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render
from app.web.security import log_security_event


@bp.route("/<public_id>/consent/resend", methods=["POST"])
@limiter.limit(_limit("RATELIMIT_RESET"))
@with_order
def resend_consent(order):
    form = EmptyForm()
    if not form.validate_on_submit() or order.user_id is None:
        abort(400)
    if order.status is OrderStatus.AWAITING_CONSENT:
        consent.request(order)
        flash(_("We have sent the link again to %(email)s.", email=order.representative_email))
    return redirect_to(url_for("checkout.done", public_id=order.public_id))


@bp.route("/consent/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_CHECKOUT"), methods=["POST"])
def consent_page(token: str):
    try:
        order = consent.order_for_token(token)
    except InvalidToken as error:
        return render("checkout/consent_link_problem.html", "content", expired=error.expired), 400
    if order is None:
        abort(404)
    decision = consent.decision_for(order)
    form = ConsentForm()
    if request.method == "GET" and not form.name.data:
        form.name.data = order.representative_name
    if request.method == "POST" and decision is None and form.validate_on_submit():
        accepting = request.form.get("decision") == "accept"
        answer = consent.Answer(
            name=form.name.data,
            ip=request.remote_addr,
            user_agent=request.user_agent.string,
            ticked=frozenset(_ticked(form)),
            versions=form.versions.data or "",
        )
        try:
            if accepting:
                consent.accept(order, answer)
            else:
                consent.refuse(order, answer)
        except consent.DocumentsChanged as changed:
            for box in acceptances.BOXES.values():
                form[box].data = False  # ticked for the version before
            populate_errors(form, changed)
        except DomainError as unticked:
            populate_errors(form, unticked)
        else:
            log_security_event(
                "consent.accepted" if accepting else "consent.refused",
                order=order.reference,
            )
            return redirect_to(url_for("checkout.consent_page", token=token))
    # The versions shown now are the ones the boxes below accept.
    form.versions.data = acceptances.versions_token(order)
    status = 422 if form.errors else 200
    return render(
        "checkout/consent.html",
        "content",
        status=status,
        order=order,
        form=form,
        decision=consent.decision_for(order),
        documents=acceptances.documents_for(order),
        schedule=figures.current_schedule(order),
        title=wording.plan_title(order, _locale()),
        token=token,
    )
