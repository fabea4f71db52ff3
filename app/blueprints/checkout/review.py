"""Step 5, review and confirm; where 3-D Secure and PayPal send the buyer back; the
order's last page, and cancelling an order."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import EmptyForm, ReviewForm
from app.blueprints.checkout.shared import (
    _limit,
    _page,
    _plans_page,
    _ticked,
    step_view,
    with_order,
)
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus, Step
from app.domain.periods import withdrawal_ends
from app.extensions import limiter
from app.links import public_url
from app.services import subscriptions
from app.services.checkout import acceptances, charging, figures, orders, steps
from app.services.checkout.charging import Result
from app.services.checkout.confirm import confirm as confirm_order
from app.services.checkout.orders import AlreadySubscribed, CheckoutRefused
from app.web.forms import populate_errors
from app.web.rendering import redirect_to


def _review_page(order, form, status=200, notice=None):
    try:
        shown = figures.current_quote(order)
    except CheckoutRefused as refused:
        flash(str(refused.message))
        return redirect(url_for("catalog.premium"))
    figures.record_review(order, shown)
    form.figures.data = figures.figures_token(order, shown)
    form.versions.data = acceptances.versions_token(order)
    return _page(
        "checkout/review.html",
        order,
        form,
        status,
        quote=shown,
        solo_ends_on=figures.solo_ends_on(order),
        documents=acceptances.documents_for(order),
        notice=notice,
    )


@bp.route("/<public_id>/review")
@with_order
def review(order):
    if order.status is OrderStatus.PAYMENT_PENDING:
        return _page("checkout/pending.html", order, EmptyForm(), 200, **_pending_context(order))
    return _review_step(order)


@step_view(Step.REVIEW)
def _review_step(order):
    return _review_page(order, ReviewForm())


@bp.route("/<public_id>/confirm", methods=["POST"])
@limiter.limit(_limit("RATELIMIT_CHECKOUT"))
@with_order
def confirm(order):
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    if order.status is OrderStatus.DRAFT and steps.first_missing_step(order) is not Step.REVIEW:
        missing = steps.first_missing_step(order)
        return redirect_to(url_for(f"checkout.{missing.value}", public_id=order.public_id))
    try:
        outcome = confirm_order(
            order,
            form.figures.data or "",
            form.versions.data or "",
            _client_context(),
            ticked=_ticked(form),
        )
    except AlreadySubscribed as refused:
        flash(str(refused.message))
        return redirect_to(_plans_page())
    except CheckoutRefused as refused:
        flash(str(refused.message))
        return redirect_to(url_for("checkout.done", public_id=order.public_id))
    except DomainError as unticked:
        populate_errors(form, unticked)
        return _review_page(order, form, 422)
    return _after(order, outcome)


def _client_context() -> charging.Context:
    public_id = g.order.public_id
    return charging.Context(
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        return_url=public_url("checkout.gateway_return", public_id=public_id),
        cancel_url=public_url("checkout.gateway_return", public_id=public_id, cancelled=1),
    )


def _after(order, outcome: charging.ConfirmOutcome):
    public_id = order.public_id
    if outcome.result is Result.CHANGED:
        flash(
            _(
                "Something changed since you opened this page (the price or the documents to "
                "accept). Nothing was charged: check the figures below and confirm again."
            )
        )
        return redirect_to(url_for("checkout.review", public_id=public_id))
    if outcome.result is Result.CODE_REFUSED:
        flash(
            _(
                "Your code can no longer be used: %(reason)s Nothing was charged. Remove the "
                "code or enter another one.",
                reason=outcome.message,
            )
        )
        return redirect_to(url_for("checkout.details", public_id=public_id, change=1) + "#code")
    if outcome.result is Result.REFUSED:
        flash(
            _(
                "That answer from the payment service does not belong to this order, so we ignored it."
            )
        )
        return redirect_to(url_for("checkout.done", public_id=public_id))
    if outcome.result is Result.REDIRECT and outcome.action_url:
        return redirect_to(outcome.action_url)
    if outcome.result in (Result.DECLINED, Result.CANCELLED):
        # The reason is on the payment page, next to the choice of method.
        return redirect_to(url_for("checkout.payment", public_id=public_id))
    return redirect_to(url_for("checkout.done", public_id=public_id))


@bp.route("/<public_id>/return")
@with_order
def gateway_return(order):
    """Where PayPal and 3-D Secure send the buyer back."""
    if order.user_id is None or not current_user.is_authenticated:
        abort(404)
    outcome = charging.finish_return(order, request.args.to_dict())
    return _after(order, outcome)


def _pending_context(order) -> dict:
    return {"payment": charging.open_payment_row(order)}


@bp.route("/<public_id>/done")
@with_order
def done(order):
    if order.user_id is None:
        return redirect(url_for("checkout.account", public_id=order.public_id))
    if order.status is OrderStatus.DRAFT:
        return redirect(
            url_for(f"checkout.{steps.first_missing_step(order).value}", public_id=order.public_id)
        )
    subscription = None
    if order.status is OrderStatus.COMPLETED:
        subscription = subscriptions.subscription_for(order)
    return _page(
        "checkout/done.html",
        order,
        EmptyForm(),
        200,
        subscription=subscription,
        schedule=figures.current_schedule(order),
        withdrawal_ends=withdrawal_ends(subscription.accepted_at) if subscription else None,
        solo_ends_on=figures.solo_ends_on(order) if subscription else None,
        **_pending_context(order),
    )


@bp.route("/<public_id>/cancel", methods=["POST"])
@with_order
def cancel(order):
    form = EmptyForm()
    if not form.validate_on_submit() or order.user_id is None:
        abort(400)
    if order.status in (OrderStatus.DRAFT, OrderStatus.AWAITING_CONSENT):
        orders.cancel(order)
        flash(
            _(
                "Your order %(reference)s is cancelled. Nothing was charged.",
                reference=order.reference,
            )
        )
    return redirect_to(url_for("catalog.premium"))
