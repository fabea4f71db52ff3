"""Review's Change link for the plan and the Learning Path: this order's own "Choose a
Learning Path" page (the public one stays the same for everybody), with Premium Solo
beside the paths. Choosing another offer keeps every answer (services.checkout.switching)."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from app import clock
from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import PlanChoiceForm
from app.blueprints.checkout.shared import _limit, _locale, _page, step_view, with_order
from app.blueprints.checkout.start import choosable_paths
from app.domain.orders import Plan, Step
from app.domain.pricing import SOLO
from app.extensions import limiter
from app.services import catalog
from app.services.checkout import orders, steps, switching, wording
from app.services.checkout.orders import CheckoutRefused
from app.web.rendering import redirect_to


@bp.route("/<public_id>/plan", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_CHECKOUT"), methods=["POST"])
@with_order
@step_view(Step.REVIEW)
def change_plan(order):
    form = PlanChoiceForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        return _switch(order, Plan(form.plan.data), form.path.data or "")
    registered, others, prices = choosable_paths()
    return _page(
        "checkout/change_plan.html",
        order,
        form,
        registered=registered,
        others=others,
        prices=prices,
        solo_price=catalog.current_price(SOLO, clock.today()),
        solo_refused=orders.may_buy_problem(order.user, Plan.SOLO),
    )


def _switch(order, plan: Plan, slug: str):
    path = None
    if plan is Plan.PLUS:
        path = catalog.path_by_slug(slug)
        if path is None:
            abort(404)
    try:
        switched = switching.switch(order, plan, path, clock.now())
    except CheckoutRefused as refused:
        flash(str(refused.message))
        return redirect_to(url_for("checkout.change_plan", public_id=order.public_id))
    new = switched.order
    if new is not order:
        flash(
            _(
                "Your order is now for %(plan)s, with the reference %(reference)s. Your "
                "answers are kept: check them below.",
                plan=wording.plan_title(new, _locale()),
                reference=new.reference,
            )
        )
    if switched.dropped_code:
        flash(
            _(
                "%(reason)s The code %(code)s has been taken off your order.",
                reason=switched.dropped_because,
                code=switched.dropped_code,
            )
        )
    missing = steps.first_missing_step(new)
    return redirect_to(url_for(f"checkout.{missing.value}", public_id=new.public_id))
