"""The ways into checkout: the start pages for Premium Solo and for a Learning Path
(Premium Plus), and the public "Choose a Learning Path" page."""

from flask import abort, flash, request, url_for
from flask_login import current_user

from app import clock
from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import EmptyForm
from app.blueprints.checkout.shared import _limit, _locale, _next_step, _plans_page
from app.domain.orders import Plan, Step
from app.domain.pricing import SOLO, path_offer
from app.extensions import limiter
from app.models import Availability, Certification
from app.services import catalog
from app.services.checkout import orders
from app.services.checkout.orders import CheckoutRefused
from app.web.http_caching import public_page
from app.web.rendering import redirect_to, render

# The entry points are links ("Become Premium Solo", "Start") to a start page (GOV.UK's
# pattern), so that the pages carrying them stay public; the start page is personal: its
# form, with a CSRF token, creates the order.


def _first_step(order) -> str:
    """A member starting an order is already past the account step: straight to the next
    one (the account step, when Back comes to it, says they are signed in)."""
    if order.user_id is None:
        return url_for("checkout.account", public_id=order.public_id)
    return _next_step(order, Step.ACCOUNT)


def _start_page(plan: Plan, path=None):
    user = current_user if current_user.is_authenticated else None
    problem = orders.startable_path_problem(path) if plan is Plan.PLUS else None
    already_held = None
    if problem is None and user is not None:
        problem = already_held = orders.may_buy_problem(user, plan)
    offer = SOLO if plan is Plan.SOLO else path_offer(path.id)
    return render(
        "checkout/start.html",
        "content",
        plan=plan.value,
        path=path,
        price=catalog.current_price(offer, clock.today()),
        problem=problem,
        plans_page=_plans_page() if already_held else None,
    )


@bp.route("/solo", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_CHECKOUT"), methods=["POST"])
def start_solo():
    if request.method == "GET":
        return _start_page(Plan.SOLO)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user if current_user.is_authenticated else None
    try:
        order = orders.start(Plan.SOLO, user)
    except CheckoutRefused as refused:
        flash(str(refused.message))
        return redirect_to(_plans_page())
    return redirect_to(_first_step(order))


@bp.route("/path/<slug>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_CHECKOUT"), methods=["POST"])
def start_plus(slug: str):
    path = catalog.path_by_slug(slug)
    if path is None:
        abort(404)
    if request.method == "GET":
        return _start_page(Plan.PLUS, path)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user if current_user.is_authenticated else None
    try:
        order = orders.start(Plan.PLUS, user, path)
    except CheckoutRefused as refused:
        flash(str(refused.message))
        return redirect_to(url_for("catalog.path", slug=slug) + "#fund")
    return redirect_to(_first_step(order))


def choosable_paths() -> tuple[list, list, dict]:
    """ "Choose a Learning Path" (Terms §2.2b): every open path that can be started, the
    degree-granting ones first (§2.2a: a registered path leads to an RNCP or RS title;
    the others are Premium Plus too, without a title). (registered, others, prices by
    path id), each list by title in the page's language."""
    locale = _locale()
    today = clock.today()
    prices = {}
    for path in catalog.all_paths():
        if path.availability is Availability.OPEN:
            price = catalog.current_price(path_offer(path.id), today)
            if price is not None:
                prices[path] = price

    def title(path) -> str:
        return (path.title_fr if locale == "fr" else path.title_en).casefold()

    ordered = sorted(prices, key=title)
    return (
        [p for p in ordered if p.certification is not Certification.NONE],
        [p for p in ordered if p.certification is Certification.NONE],
        {path.id: price for path, price in prices.items()},
    )


@bp.route("/plus")
@public_page(catalog.catalog_version, clock.today)
def choose_path():
    registered, others, prices = choosable_paths()
    return render(
        "checkout/choose_path.html",
        "content",
        registered=registered,
        others=others,
        prices=prices,
    )
