"""What the checkout's pages share: the order named in the URL, the step checks, the page
around each step, and where a step sends the buyer next."""

from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.domain.orders import OrderStatus, Step
from app.services.checkout import acceptances, orders, steps, wording
from app.web.forms import select_choices
from app.web.i18n import countries
from app.web.rendering import render


def _limit(name: str):
    return lambda: current_app.config[name]


def _locale() -> str:
    return str(get_locale() or "en")


def _country_choices(form_field) -> None:
    form_field.choices = select_choices(countries(_locale()), _("Select a country"))


def with_order(view):
    """Load the order for this visitor, or 404 (a made-up or someone else's order looks
    exactly like one that does not exist)."""

    @wraps(view)
    def wrapper(public_id: str, *args, **kwargs):
        order = orders.find(public_id, current_user)
        if order is None:
            abort(404)
        g.order = order
        return view(order, *args, **kwargs)

    return wrapper


def step_view(step: Step):
    """A step page: needs a signed-in owner (but the account step), an order still being
    filled in, and the steps before it done."""

    def decorator(view):
        @wraps(view)
        def wrapper(order, *args, **kwargs):
            if order.status is not OrderStatus.DRAFT:
                return redirect(url_for("checkout.done", public_id=order.public_id))
            if step is not Step.ACCOUNT and order.user_id is None:
                return redirect(url_for("checkout.account", public_id=order.public_id))
            if not steps.may_open(order, step):
                missing = steps.first_missing_step(order)
                return redirect(url_for(f"checkout.{missing.value}", public_id=order.public_id))
            return view(order, *args, **kwargs)

        return wrapper

    return decorator


def _next_step(order, current: Step) -> str:
    """After a step: back to Review when the buyer came from a Change link, else onwards."""
    if request.args.get("change") and steps.first_missing_step(order) is Step.REVIEW:
        return url_for("checkout.review", public_id=order.public_id)
    return url_for(f"checkout.{steps.first_missing_step(order).value}", public_id=order.public_id)


def _page(template: str, order, form, status: int = 200, **context):
    return render(
        template,
        "step",
        status=status,
        order=order,
        form=form,
        steps=list(Step),
        change=bool(request.args.get("change")),
        title=wording.plan_title(order, _locale()),
        **context,
    )


def _plans_page() -> str:
    """Where a member who already holds a plan is told so: the page listing their plans
    (Settings → Premium takes this over when it exists)."""
    return url_for("account.profile") + "#plans"


def _ticked(form) -> set[str]:
    """The names of the acceptance boxes ticked on a Review or consent form."""
    return {box for box in acceptances.BOXES.values() if box in form and form[box].data}
