"""Checkout steps, each its own page under /checkout/<order>/…, plain forms that htmx
enhances. Views read the request, call app.services.checkout and render or redirect."""

from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from app import clock
from app.blueprints.auth.forms import RegisterForm
from app.blueprints.auth.views import new_account_from
from app.blueprints.checkout import bp
from app.blueprints.checkout.forms import (
    CodeForm,
    ConsentForm,
    DetailsForm,
    EligibilityForm,
    EmptyForm,
    PaymentForm,
    ReviewForm,
)
from app.domain.cards import CardProblem, card_problem, digits_only
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus, Plan, Step
from app.domain.periods import withdrawal_ends
from app.domain.pricing import SOLO, path_offer
from app.extensions import limiter
from app.links import public_url
from app.models import Availability, Certification, PaymentKind
from app.services import accounts, catalog, promotions, subscriptions
from app.services.checkout import (
    acceptances,
    charging,
    consent,
    figures,
    orders,
    steps,
    wording,
)
from app.services.checkout.charging import Result
from app.services.checkout.confirm import confirm as confirm_order
from app.services.checkout.orders import AlreadySubscribed, CheckoutRefused
from app.services.tokens import InvalidToken
from app.web.forms import populate_errors, select_choices
from app.web.http_caching import public_page
from app.web.i18n import countries
from app.web.rendering import redirect_to, render
from app.web.security import log_security_event


def _limit(name: str):
    return lambda: current_app.config[name]


def _locale() -> str:
    return str(get_locale() or "en")


def _country_choices(form_field) -> None:
    form_field.choices = select_choices(countries(_locale()), _("Select a country"))


def _client_context() -> charging.Context:
    public_id = g.order.public_id
    return charging.Context(
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        return_url=public_url("checkout.gateway_return", public_id=public_id),
        cancel_url=public_url("checkout.gateway_return", public_id=public_id, cancelled=1),
    )


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


def _first_step(order) -> str:
    """A member starting an order is already past the account step: straight to the next
    one (the account step, when Back comes to it, says they are signed in)."""
    if order.user_id is None:
        return url_for("checkout.account", public_id=order.public_id)
    return _next_step(order, Step.ACCOUNT)


# --- Entry points -------------------------------------------------------------------------


# The entry points are links ("Become Premium Solo", "Start") to a start page (GOV.UK's
# pattern), so that the pages carrying them stay public; the start page is personal: its
# form, with a CSRF token, creates the order.


def _plans_page() -> str:
    """Where a member who already holds a plan is told so: the page listing their plans
    (Settings → Premium takes this over when it exists)."""
    return url_for("account.profile") + "#plans"


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


# --- Step 4: payment method --------------------------------------------------------------

CARD_MESSAGES = {
    CardProblem.NUMBER_FORMAT: _l("Enter a card number of 12 to 19 digits, as shown on your card."),
    CardProblem.NUMBER_CHECKSUM: _l("This card number is not valid. Check it for typing mistakes."),
    CardProblem.EXPIRY_FORMAT: _l("Enter the expiry date as shown on your card, like 04/29."),
    CardProblem.EXPIRED: _l("This card has expired. Use another card."),
    CardProblem.CVC_FORMAT: _l(
        "Enter the 3-digit security code from the back of your card (4 digits on the front "
        "for American Express)."
    ),
}


def _card_message(problem: CardProblem) -> str:
    return str(CARD_MESSAGES[problem])


def _check_card_fields(form: PaymentForm, order) -> bool:
    """The sandbox takes the card on this page: say exactly what is wrong with it."""
    number = digits_only(form.card_number.data or "")
    keep = order.payment_method_id and order.payment_kind is PaymentKind.CARD
    if not number and keep and not order.last_decline:
        return True  # keep the card saved before (never one the bank just declined)
    if not number:
        form.card_number.errors.append(_("Enter your card number."))
        return False
    found = card_problem(
        number, form.card_expiry.data or "", form.card_cvc.data or "", clock.today()
    )
    if found is not None:
        field, problem = found
        form[field].errors.append(_card_message(problem))
        return False
    return True


@bp.route("/<public_id>/payment", methods=["GET", "POST"])
@with_order
@step_view(Step.PAYMENT)
def payment(order):
    form = PaymentForm()
    if request.method == "GET":
        form.payment_kind.data = order.payment_kind.value if order.payment_kind else None
        form.holder.data = order.holder_confirmed_at is not None
    sandbox = current_app.config["CARD_GATEWAY"] == "sandbox"
    if form.validate_on_submit():
        kind = PaymentKind(form.payment_kind.data)
        fields_ok = kind is not PaymentKind.CARD or not sandbox or _check_card_fields(form, order)
        if fields_ok:
            posted = {
                "card_number": digits_only(form.card_number.data or ""),
                "card_expiry": form.card_expiry.data or "",
                "card_cvc": form.card_cvc.data or "",
                "adyen_state_data": form.adyen_state_data.data or "",
            }
            try:
                steps.save_payment(order, kind, posted, form.holder.data)
            except DomainError as error:
                # With Adyen the card fields are Adyen's own: the error goes on the choice.
                visible = (
                    "payment_kind"
                    if current_app.config["CARD_GATEWAY"] == "adyen"
                    else "card_number"
                )
                target = (
                    error.field
                    if error.field in form and error.field != "adyen_state_data"
                    else visible
                )
                form[target].errors.append(error.message)
            else:
                return redirect_to(_next_step(order, Step.PAYMENT))
    # No card field ever goes back into the page (the form also asks the browser not to
    # restore them on Back: autocomplete="off" in payment.html).
    form.card_number.data = form.card_expiry.data = form.card_cvc.data = ""
    status = 422 if form.errors else 200
    decline = wording.decline_message(order.last_decline) if order.last_decline else None
    return _page(
        "checkout/payment.html",
        order,
        form,
        status,
        sandbox=sandbox,
        paypal_sandbox=current_app.config["PAYPAL_GATEWAY"] == "sandbox",
        adyen=current_app.config["CARD_GATEWAY"] == "adyen",
        test_cards=TEST_CARD_ROWS if sandbox else (),
        decline=decline,
    )


TEST_CARD_ROWS = (
    ("4242 4242 4242 4242", _l("The payment succeeds.")),
    ("5555 5555 5555 4444", _l("The payment succeeds (Mastercard).")),
    ("4000 0000 0000 0002", _l("The bank declines the payment.")),
    ("4000 0000 0000 9995", _l("The bank declines: insufficient funds.")),
    ("4000 0000 0000 0069", _l("The bank declines: expired card.")),
    ("4000 0000 0000 3220", _l("The bank asks for 3-D Secure; the sandbox page lets you approve.")),
    ("4000 0000 0000 0119", _l("The bank's answer is lost (a timeout); check again afterwards.")),
)


# --- Step 5: review and confirm ----------------------------------------------------------


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


def _ticked(form) -> set[str]:
    """The names of the acceptance boxes ticked on a Review or consent form."""
    return {box for box in acceptances.BOXES.values() if box in form and form[box].data}


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


@bp.route("/<public_id>/payment/abandon", methods=["POST"])
@with_order
def abandon_payment(order):
    form = EmptyForm()
    if not form.validate_on_submit() or order.user_id is None:
        abort(400)
    charging.abandon_action(order)
    return redirect_to(url_for("checkout.payment", public_id=order.public_id))


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


# --- The legal representative -------------------------------------------------------------


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


# --- The sandbox gateway's own pages (offline stand-ins for 3-D Secure and PayPal) --------


def _sandbox_transaction(reference: str, kind: str):
    from app.payments.sandbox import SandboxGateway

    setting = "PAYPAL_GATEWAY" if kind == "paypal" else "CARD_GATEWAY"
    if current_app.config[setting] != "sandbox" or not current_user.is_authenticated:
        abort(404)
    gateway = SandboxGateway()
    row = gateway.transaction(reference)
    if row is None or row.kind != kind:
        abort(404)
    order = orders.find_by_reference(row.merchant_reference)
    if order is None or order.user_id != current_user.id:
        abort(404)
    return gateway, row, order


def _sandbox_page(kind: str, reference: str):
    gateway, row, order = _sandbox_transaction(reference, kind)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        approve = request.form.get("answer") == "approve"
        row = gateway.decide(reference, approve)
        target = row.return_url if approve or kind != "paypal" else row.cancel_url
        separator = "&" if "?" in target else "?"
        return redirect(f"{target}{separator}reference={row.reference}")
    return render(
        "checkout/sandbox_gateway.html",
        "content",
        kind=kind,
        row=row,
        order=order,
        form=form,
    )


@bp.route("/sandbox/3ds/<reference>", methods=["GET", "POST"])
def sandbox_3ds(reference: str):
    return _sandbox_page("card", reference)


@bp.route("/sandbox/paypal/<reference>", methods=["GET", "POST"])
def sandbox_paypal(reference: str):
    return _sandbox_page("paypal", reference)
