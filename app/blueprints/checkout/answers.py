"""Steps 1 to 3: the account, eligibility and details pages, and the live check of a
promo or referral code on the details page."""

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from app import clock
from app.blueprints.auth.forms import RegisterForm
from app.blueprints.auth.views import new_account_from
from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import CodeForm, DetailsForm, EligibilityForm, EmptyForm
from app.blueprints.checkout.shared import (
    _country_choices,
    _limit,
    _locale,
    _next_step,
    _page,
    _plans_page,
    step_view,
    with_order,
)
from app.domain.errors import DomainError
from app.domain.orders import Step
from app.extensions import limiter
from app.services import accounts, promotions
from app.services.checkout import figures, orders, steps
from app.services.checkout.orders import CheckoutRefused
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render
from app.web.security import log_security_event

# --- Step 1: account ----------------------------------------------------------------------


@bp.route("/<public_id>/account", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_REGISTER"), methods=["POST"])
@with_order
@step_view(Step.ACCOUNT)
def account(order):
    if current_user.is_authenticated:
        if order.user_id == current_user.id and request.method == "GET":
            # Back from the next step lands here: this step's own page, never a redirect
            # onwards (it would skip the steps between, as far as Payment).
            return _page(
                "checkout/account.html",
                order,
                EmptyForm(),
                next_url=_next_step(order, Step.ACCOUNT),
            )
        try:
            orders.claim(order, current_user)
        except CheckoutRefused as refused:
            flash(str(refused.message))
            return redirect(_plans_page())
        return redirect(_next_step(order, Step.ACCOUNT))
    form = RegisterForm()
    _country_choices(form.country)
    if form.validate_on_submit():
        # The date of birth and country asked here are the eligibility step's answers
        # too: asked once, that step is done with them (its page stays for Change).
        answers = (
            form.date_of_birth.data,
            form.country.data,
            form.legal_protection.data == "yes",
            clock.today(),
        )
        try:
            steps.check_eligibility(*answers)
            user = accounts.register(new_account_from(form))
        except DomainError as error:
            populate_errors(form, error)
        else:
            log_security_event("account.created", user_id=user.id, during="checkout")
            session.clear()
            login_user(user)
            log_security_event("signin.success", user_id=user.id, remember=False)
            orders.claim(order, user, created_in_flow=True)
            steps.save_eligibility(order, *answers)
            return redirect_to(_next_step(order, Step.ACCOUNT))
    status = 422 if form.errors else 200
    signin = url_for("auth.signin", next=url_for("checkout.account", public_id=order.public_id))
    return _page("checkout/account.html", order, form, status, signin_url=signin)


# --- Step 2: eligibility -----------------------------------------------------------------


@bp.route("/<public_id>/eligibility", methods=["GET", "POST"])
@with_order
@step_view(Step.ELIGIBILITY)
def eligibility(order):
    form = EligibilityForm()
    _country_choices(form.country)
    # The first time, the answers come from the member's profile: the page says why it
    # asks to check them (whether they may subscribe is decided on the day they order).
    from_profile = order.date_of_birth is None and order.user.date_of_birth is not None
    if request.method == "GET":
        user = order.user
        form.date_of_birth.data = order.date_of_birth or user.date_of_birth
        form.country.data = order.country or user.country
        protected = order.legal_protection
        protected = user.legal_protection if protected is None else protected
        form.legal_protection.data = "yes" if protected else "no"
    if form.validate_on_submit():
        try:
            steps.save_eligibility(
                order,
                form.date_of_birth.data,
                form.country.data,
                form.legal_protection.data == "yes",
                clock.today(),
            )
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect_to(_next_step(order, Step.ELIGIBILITY))
    status = 422 if form.errors else 200
    return _page("checkout/eligibility.html", order, form, status, from_profile=from_profile)


# --- Step 3: details ---------------------------------------------------------------------


@bp.route("/<public_id>/details", methods=["GET", "POST"])
@with_order
@step_view(Step.DETAILS)
def details(order):
    form = DetailsForm(needs_consent=order.needs_consent)
    _country_choices(form.billing_country)
    if request.method == "GET":
        form.full_name.data = order.full_name or order.user.name
        form.address_line1.data = order.address_line1
        form.address_line2.data = order.address_line2
        form.postal_code.data = order.postal_code
        form.city.data = order.city
        form.billing_country.data = order.billing_country or order.country
        form.locale.data = order.locale or _locale()
        form.code.data = order.code
        form.representative_name.data = order.representative_name
        form.representative_email.data = order.representative_email
    if form.validate_on_submit():
        try:
            steps.save_details(
                order,
                steps.Details(
                    full_name=form.full_name.data,
                    address_line1=form.address_line1.data,
                    address_line2=form.address_line2.data or "",
                    postal_code=form.postal_code.data,
                    city=form.city.data,
                    billing_country=form.billing_country.data,
                    locale=form.locale.data,
                    code=form.code.data or "",
                    representative_name=form.representative_name.data,
                    representative_email=form.representative_email.data,
                ),
                clock.now(),
            )
        except DomainError as error:
            populate_errors(form, error)
        else:
            return redirect_to(_next_step(order, Step.DETAILS))
    status = 422 if form.errors else 200
    # The code's one message (its error, or what it takes off) sits in the region the
    # live check replaces: a good code typed after a wrong one replaces the error.
    news = _code_news(order, form.code) if request.method == "POST" else {}
    return _page("checkout/details.html", order, form, status, **news)


def _code_news(order, field) -> dict:
    """What to say about the code in `field` (validated): applied, problem, preview."""
    applied, problem = None, None
    if field.errors:
        problem = field.errors[0]
    elif field.data:
        try:
            applied = promotions.check_code(field.data, order.plan, order.user, clock.now())
        except DomainError as error:
            problem = error.message
    preview = None
    if applied is not None:
        price = figures.current_quote(order)
        preview = applied.discount.per_month(price.monthly_cents)
    return {"applied": applied, "problem": problem, "preview": preview}


@bp.route("/<public_id>/code", methods=["POST"])
@limiter.limit(_limit("RATELIMIT_CODE_CHECK"))
@with_order
@step_view(Step.DETAILS)
def check_code(order):
    """The live check of a promo or referral code (htmx); says what it would take off."""
    form = CodeForm()
    if not form.validate_on_submit() and not form.code.errors:
        form.code.data = None  # no valid token: nothing is looked up
    return render("checkout/_code_status.html", "code_status", **_code_news(order, form.code))
