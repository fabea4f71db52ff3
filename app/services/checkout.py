"""Checkout: an order filled in step by step, reviewed, then confirmed once.

Confirm never holds a transaction open across a gateway call. It first commits a
`Payment` row whose (order, attempt) pair is unique: the request that inserts it is the
only one that charges; a double click, a refresh or a concurrent request finds the row
and shows its state instead. The answer is applied in a second transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.domain.eligibility import Eligibility, assess
from app.domain.errors import DomainError
from app.domain.order_pricing import Quote, quote
from app.domain.orders import (
    LIVE_SUBSCRIPTION,
    OrderStatus,
    Plan,
    Step,
    SubscriptionStatus,
    transition,
)
from app.domain.periods import REFLECTION_DAYS, anniversary, reflection_ends
from app.domain.pricing import SOLO, PriceRefused, path_offer
from app.extensions import db
from app.models import (
    Acceptance,
    AcceptanceSubject,
    AcceptedBy,
    Availability,
    DocumentKind,
    LearningPath,
    Order,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Price,
    Subscription,
    User,
)
from app.models.types import utcnow
from app.payments import gateway_for, gateway_named
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayTimeout,
    MethodDetails,
    Outcome,
    Recurring,
)
from app.security import log_security_event
from app.services import catalog, legal_documents, mail

# Crockford's alphabet: no I, L, O or U to misread on the phone with Student Success.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CheckoutRefused(DomainError):
    """Something about the order itself (not one field) stops it; `field` may be None."""


# --- Starting and finding orders ---------------------------------------------------------


def new_reference() -> str:
    return "AT-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def live_subscription(user: User, plan: Plan) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(
            Subscription.user_id == user.id,
            Subscription.plan == plan,
            Subscription.status.in_(LIVE_SUBSCRIPTION),
        )
    )


def may_buy_problem(user: User, plan: Plan) -> str | None:
    """Why this member cannot take this plan now (Terms §2: one Solo at a time; Plus is
    one Learning Path, changed only through Student Success, §2.2c)."""
    if plan is Plan.SOLO and (
        live_subscription(user, Plan.SOLO) or live_subscription(user, Plan.PLUS)
    ):
        return _l("You already have Premium: Premium Plus includes everything in Premium Solo.")
    if plan is Plan.PLUS and live_subscription(user, Plan.PLUS):
        return _l(
            "You already follow a Learning Path. To change it, write to Student Success "
            "through the contact form."
        )
    return None


def startable_path_problem(path: LearningPath | None) -> str | None:
    if path is None:
        return _l("This Learning Path does not exist.")
    if path.availability is not Availability.OPEN:
        return _l("This Learning Path is not open yet, so it cannot be started.")
    if catalog.current_price(path_offer(path.id), catalog.platform_today()) is None:
        return _l("This Learning Path has no price yet, so it cannot be started.")
    return None


def start(plan: Plan, user: User | None, path: LearningPath | None = None) -> Order:
    if plan is Plan.PLUS:
        problem = startable_path_problem(path)
        if problem:
            raise CheckoutRefused(None, problem)
    if user is not None:
        problem = may_buy_problem(user, plan)
        if problem:
            raise CheckoutRefused(None, problem)
    public_id = secrets.token_urlsafe(18)
    order = Order(
        public_id=public_id,
        reference=new_reference(),
        idempotency_key=f"order:{public_id}",
        plan=plan,
        path_id=path.id if plan is Plan.PLUS else None,
        user_id=user.id if user else None,
    )
    db.session.add(order)
    db.session.commit()
    return order


def subscriptions_of(user: User) -> list[Subscription]:
    return list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == user.id, Subscription.status.in_(LIVE_SUBSCRIPTION))
            .order_by(Subscription.created_at)
        )
    )


def waiting_orders_of(user: User) -> list[Order]:
    """Orders the member still has to act on, or waits on: consent or a payment answer."""
    return list(
        db.session.scalars(
            select(Order)
            .where(
                Order.user_id == user.id,
                Order.status.in_((OrderStatus.AWAITING_CONSENT, OrderStatus.PAYMENT_PENDING)),
            )
            .order_by(Order.created_at)
        )
    )


def find_by_reference(reference: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.reference == reference))


def subscription_for(order: Order) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))


def find(public_id: str, user: User | None) -> Order | None:
    """The order if this visitor may see it: its owner, or anyone holding the link of an
    order nobody has signed in to yet (its first step is signing in or registering)."""
    order = db.session.scalar(select(Order).where(Order.public_id == public_id))
    if order is None:
        return None
    if order.user_id is None:
        return order
    if user is not None and user.is_authenticated and order.user_id == user.id:
        return order
    return None


def claim(order: Order, user: User, created_in_flow: bool = False) -> None:
    """Attach the order to the member who signed in or registered during it."""
    if order.user_id not in (None, user.id):
        raise CheckoutRefused(None, _l("This order belongs to another account."))
    problem = may_buy_problem(user, order.plan)
    if problem:
        raise CheckoutRefused(None, problem)
    order.user_id = user.id
    order.account_created_in_flow = order.account_created_in_flow or created_in_flow
    db.session.commit()


# --- Steps ------------------------------------------------------------------------------


def step_done(order: Order, step: Step) -> bool:
    if step is Step.ACCOUNT:
        return order.user_id is not None
    if step is Step.ELIGIBILITY:
        return order.date_of_birth is not None and order.country is not None
    if step is Step.DETAILS:
        return bool(order.full_name and order.address_line1 and order.city and order.locale) and (
            not order.needs_consent or bool(order.representative_email)
        )
    if step is Step.PAYMENT:
        has_method = order.payment_kind is PaymentKind.PAYPAL or order.payment_method_id
        return bool(has_method and order.holder_confirmed_at)
    return False


def first_missing_step(order: Order) -> Step:
    for step in (Step.ACCOUNT, Step.ELIGIBILITY, Step.DETAILS, Step.PAYMENT):
        if not step_done(order, step):
            return step
    return Step.REVIEW


def may_open(order: Order, step: Step) -> bool:
    """A step opens once the ones before it are done."""
    order_of_steps = list(Step)
    return order_of_steps.index(step) <= order_of_steps.index(first_missing_step(order))


def _require_draft(order: Order) -> None:
    if order.status is not OrderStatus.DRAFT:
        raise CheckoutRefused(None, _l("This order can no longer be changed."))


def save_eligibility(
    order: Order, born: date, country: str, legal_protection: bool, today: date
) -> Eligibility:
    _require_draft(order)
    assessment = assess(born, country, legal_protection, today)
    if assessment.status is Eligibility.TOO_YOUNG:
        raise DomainError(
            "date_of_birth",
            _l(
                "Paid plans are open from the age of 16. You can still read every course "
                "and watch its videos for free."
            ),
        )
    order.date_of_birth = born
    order.country = country
    order.legal_protection = legal_protection
    order.needs_consent = assessment.needs_consent
    if not order.needs_consent:
        order.representative_name = order.representative_email = None
    # The profile follows what the buyer just confirmed.
    user = order.user
    user.date_of_birth, user.country, user.legal_protection = born, country, legal_protection
    if not order.billing_country:
        order.billing_country = country
    db.session.commit()
    return assessment.status


@dataclass(frozen=True)
class Details:
    full_name: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    billing_country: str
    locale: str
    code: str
    representative_name: str | None = None
    representative_email: str | None = None


def save_details(order: Order, details: Details, now: datetime) -> None:
    _require_draft(order)
    code = details.code.strip()
    applied = None
    if code:
        from app.services import promotions

        applied = promotions.check_code(code, order.plan, order.user, now)
    if order.needs_consent:
        representative = (details.representative_email or "").strip().lower()
        if representative == order.user.email:
            raise DomainError(
                "representative_email",
                _l("Enter your legal representative's email address, not your own."),
            )
    order.full_name = details.full_name.strip()
    order.address_line1 = details.address_line1.strip()
    order.address_line2 = details.address_line2.strip() or None
    order.postal_code = details.postal_code.strip()
    order.city = details.city.strip()
    order.billing_country = details.billing_country
    order.locale = details.locale
    order.code = applied.code if applied else None
    order.promo_code_id = applied.promo_code_id if applied else None
    order.referrer_id = applied.referrer_id if applied else None
    if order.needs_consent:
        order.representative_name = (details.representative_name or "").strip()
        order.representative_email = (details.representative_email or "").strip().lower()
    db.session.commit()


def save_payment(
    order: Order, kind: PaymentKind, form: dict, holder_confirmed: bool
) -> PaymentMethod | None:
    """Keep the chosen method. A card is handed to the gateway at once and only its token,
    brand and last four digits come back; left blank, the card saved before is kept."""
    _require_draft(order)
    method = None
    if kind is PaymentKind.CARD:
        entered = any(form.get(name) for name in ("card_number", "adyen_state_data"))
        if entered or order.payment_method_id is None or order.payment_kind is not kind:
            gateway = gateway_for("card")
            result = gateway.save_method(order.user_id, form)
            if result.problem is not None:
                db.session.commit()  # the gateway log
                field, decline = result.problem
                raise DomainError(field, decline_message(decline))
            method = _keep_method(order.user_id, gateway.name, result.method)
            order.payment_method_id = method.id
    else:
        order.payment_method_id = None
    order.payment_kind = kind
    order.holder_confirmed_at = utcnow() if holder_confirmed else None
    order.last_decline = None
    db.session.commit()
    return method


def _keep_method(user_id: int, gateway: str, details: MethodDetails) -> PaymentMethod:
    method = PaymentMethod(
        user_id=user_id,
        gateway=gateway,
        kind=details.kind,
        token=details.token,
        brand=details.brand,
        last4=details.last4,
        exp_month=details.exp_month,
        exp_year=details.exp_year,
        payer_email=details.payer_email,
    )
    db.session.add(method)
    db.session.flush()
    return method


# --- Figures ------------------------------------------------------------------------------


def _price_row(order: Order, today: date) -> Price | None:
    offer = SOLO if order.plan is Plan.SOLO else path_offer(order.path_id)
    point = catalog.current_price(offer, today)
    if point is None:
        return None
    return db.session.scalar(
        select(Price).where(Price.offer == offer, Price.effective_from == point.effective_from)
    )


def current_quote(order: Order, today: date | None = None) -> Quote:
    """The figures as they stand now: the price in force today and the order's code."""
    today = today or catalog.platform_today()
    price = _price_row(order, today)
    if price is None:
        raise CheckoutRefused(None, _l("This offer has no price at the moment."))
    discount = None
    if order.promo_code is not None:
        discount = order.promo_code.discount
    elif order.referrer_id is not None:
        from app.domain.promotions import referral_discount

        config = current_app.config
        discount = referral_discount(config["REFERRAL_PERCENT_OFF"], config["REFERRAL_MONTHS"])
    try:
        return quote(
            order.plan,
            price.amount_cents,
            today,
            discount,
            order.path.duration_months if order.path else None,
        )
    except PriceRefused as error:
        raise CheckoutRefused(
            None, _l("This Learning Path cannot be sold at its current price.")
        ) from error


def first_charge_from(plan: Plan, today: date) -> date:
    return today + timedelta(days=REFLECTION_DAYS) if plan is Plan.PLUS else today


def figures_token(figures: tuple) -> str:
    """What the Review page shows, condensed: Confirm goes ahead only if it still holds."""
    return hashlib.sha256(repr(figures).encode()).hexdigest()[:32]


def record_review(order: Order, shown: Quote) -> None:
    price = _price_row(order, catalog.platform_today())
    order.price_id = price.id if price else None
    order.monthly_cents = shown.monthly_cents
    order.discount_cents = shown.discount_cents
    order.discount_months = shown.discount_months
    order.due_today_cents = shown.due_today_cents
    order.first_charge_on = shown.first_charge_on
    order.currency = shown.currency
    order.reviewed_at = utcnow()
    db.session.commit()


def documents_for(order: Order) -> dict[AcceptanceSubject, object]:
    """The exact versions the buyer accepts at Review (and the representative later)."""
    terms = legal_documents.current(DocumentKind.TERMS)
    found = {AcceptanceSubject.TERMS: terms}
    if order.plan is Plan.PLUS:
        found[AcceptanceSubject.CODE_OF_CONDUCT] = legal_documents.current(
            DocumentKind.CODE_OF_CONDUCT
        )
    else:
        found[AcceptanceSubject.IMMEDIATE_ACCESS] = terms
    return found


def versions_token(order: Order) -> str:
    return ",".join(
        f"{subject.value}={version.label if version else ''}"
        for subject, version in sorted(documents_for(order).items())
    )


# --- Confirm -----------------------------------------------------------------------------


class Result(StrEnum):
    COMPLETED = "completed"
    AWAITING_CONSENT = "awaiting_consent"
    REDIRECT = "redirect"  # to the gateway's page (PayPal approval, 3-D Secure)
    PENDING = "pending"  # outcome unknown: asked again, never charged again blindly
    DECLINED = "declined"
    CANCELLED = "cancelled"
    CHANGED = "changed"  # figures or documents moved since Review: nothing charged
    REFUSED = "refused"  # a return that is not this payment's: ignored
    CODE_REFUSED = "code_refused"  # the promo code can no longer be used: nothing charged


@dataclass(frozen=True)
class ConfirmOutcome:
    result: Result
    action_url: str | None = None
    decline: Decline | None = None
    message: str | None = None


@dataclass(frozen=True)
class Context:
    ip: str | None
    user_agent: str | None
    return_url: str
    cancel_url: str


def confirm(order: Order, shown_figures: str, shown_versions: str, context: Context):
    """Confirm at Review. Safe to call any number of times, at once or one after another."""
    if order.status is OrderStatus.COMPLETED:
        return ConfirmOutcome(Result.COMPLETED)
    if order.status is OrderStatus.AWAITING_CONSENT:
        return ConfirmOutcome(Result.AWAITING_CONSENT)
    if order.status is OrderStatus.PAYMENT_PENDING:
        return resume(order)
    if order.status is OrderStatus.CANCELLED:
        raise CheckoutRefused(None, _l("This order was cancelled."))
    if first_missing_step(order) is not Step.REVIEW:
        raise CheckoutRefused(None, _l("Some answers are missing."))
    problem = may_buy_problem(order.user, order.plan)
    if problem:
        raise CheckoutRefused(None, problem)
    if order.plan is Plan.PLUS:
        problem = startable_path_problem(order.path)
        if problem:
            raise CheckoutRefused(None, problem)
    fresh = current_quote(order)
    if figures_token(fresh.figures()) != shown_figures or versions_token(order) != shown_versions:
        record_review(order, fresh)
        return ConfirmOutcome(Result.CHANGED)

    try:
        record_acceptances(order, AcceptedBy.LEARNER, context)
        try:
            _redeem(order)
        except DomainError as refused:
            # The code ran out or expired since Review (another buyer took the last use).
            db.session.rollback()
            return ConfirmOutcome(Result.CODE_REFUSED, message=str(refused.message))
        order.monthly_cents = fresh.monthly_cents
        order.discount_cents = fresh.discount_cents
        order.discount_months = fresh.discount_months
        order.due_today_cents = fresh.due_today_cents
        order.first_charge_on = fresh.first_charge_on
        order.confirmed_at = utcnow()
        if order.needs_consent:
            order.status = transition(order.status, OrderStatus.AWAITING_CONSENT)
            db.session.flush()
            from app.services import consent

            consent.request(order)
            db.session.commit()
            return ConfirmOutcome(Result.AWAITING_CONSENT)
        payment = open_payment(order)
        db.session.commit()
    except IntegrityError:
        # Another request confirmed this order first: show what it did.
        db.session.rollback()
        db.session.refresh(order)
        return _state_of(order)
    return charge(order, payment, context)


def record_acceptances(order: Order, by: AcceptedBy, context: Context, name=None) -> None:
    now = utcnow()
    # A second Confirm after a decline keeps the first record of the same version.
    already = {
        (subject, version_id)
        for subject, version_id in db.session.execute(
            select(Acceptance.subject, Acceptance.document_version_id).where(
                Acceptance.order_id == order.id, Acceptance.accepted_by == by
            )
        )
    }
    for subject, version in documents_for(order).items():
        if version is None or (subject, version.id) in already:
            continue
        db.session.add(
            Acceptance(
                user_id=order.user_id,
                order_id=order.id,
                subject=subject,
                document_version_id=version.id,
                accepted_by=by,
                representative_name=name,
                accepted_at=now,
                ip=context.ip,
                user_agent=(context.user_agent or "")[:500] or None,
            )
        )
    db.session.flush()


def _redeem(order: Order) -> None:
    if order.promo_code_id is None:
        return
    from app.services import promotions

    promotions.redeem(order, order.user, utcnow())


def open_payment(order: Order) -> Payment:
    """The row whose unique (order, attempt) makes this the only request that charges."""
    order.status = transition(order.status, OrderStatus.PAYMENT_PENDING)
    kind = order.payment_kind.value
    payment = Payment(
        order_id=order.id,
        attempt=order.payment_attempt,
        user_id=order.user_id,
        payment_method_id=order.payment_method_id,
        idempotency_key=f"{order.idempotency_key}:{order.payment_attempt}",
        gateway=current_app.config["PAYPAL_GATEWAY" if kind == "paypal" else "CARD_GATEWAY"],
        amount_cents=order.due_today_cents,
        currency=order.currency,
        status=PaymentStatus.PENDING,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def _charge_request(order: Order, payment: Payment, context: Context) -> ChargeRequest:
    method = order.payment_method
    title = plan_title(order)
    return ChargeRequest(
        idempotency_key=payment.idempotency_key,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        reference=order.reference,
        description=f"{current_app.config['PLATFORM_NAME']} {title} ({order.reference})",
        kind=order.payment_kind.value,
        shopper_reference=f"user-{order.user_id}",
        method_token=method.token if method else None,
        return_url=context.return_url,
        cancel_url=context.cancel_url,
        recurring=Recurring(
            monthly_cents=order.monthly_cents,
            first_charge_on=order.first_charge_on,
            discount_cents=order.discount_cents or 0,
            discount_months=order.discount_months or 0,
            description=title,
        ),
        locale=order.locale or "en",
    )


def charge(order: Order, payment: Payment, context: Context) -> ConfirmOutcome:
    gateway = gateway_named(payment.gateway)
    request = _charge_request(order, payment, context)
    try:
        result = gateway.charge(request)
    except GatewayTimeout:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()  # with the gateway log
        log_security_event("checkout.payment_unknown", user_id=order.user_id, order=order.reference)
        return ConfirmOutcome(Result.PENDING)
    return _apply(order, payment, result)


def _apply(order: Order, payment: Payment, result: ChargeResult) -> ConfirmOutcome:
    if result.reference:
        payment.gateway_reference = result.reference
    if result.outcome is Outcome.ACTION_REQUIRED:
        payment.status = PaymentStatus.ACTION_REQUIRED
        payment.action_url = result.action_url
        db.session.commit()
        return ConfirmOutcome(Result.REDIRECT, action_url=result.action_url)
    if result.outcome is Outcome.UNKNOWN:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()
        return ConfirmOutcome(Result.PENDING)
    if result.outcome in (Outcome.SUCCEEDED, Outcome.AUTHORISED):
        if result.method is not None and result.method.token:
            _attach_method(order, payment, result.method)
        settle_payment(
            payment,
            PaymentStatus.SUCCEEDED
            if result.outcome is Outcome.SUCCEEDED
            else PaymentStatus.AUTHORISED,
        )
        return ConfirmOutcome(Result.COMPLETED)
    status = (
        PaymentStatus.CANCELLED if result.outcome is Outcome.CANCELLED else PaymentStatus.DECLINED
    )
    if status is PaymentStatus.DECLINED:
        payment.decline_code = (result.decline or Decline.DECLINED).value
    settle_payment(payment, status)
    return ConfirmOutcome(
        Result.CANCELLED if status is PaymentStatus.CANCELLED else Result.DECLINED,
        decline=result.decline,
    )


def _attach_method(order: Order, payment: Payment, details: MethodDetails) -> None:
    """PayPal: the billing agreement approved on PayPal's page is what renewals charge."""
    method = order.payment_method
    if method is None or method.token != details.token:
        method = _keep_method(order.user_id, payment.gateway, details)
        order.payment_method_id = method.id
        payment.payment_method_id = method.id


def settle_payment(payment: Payment, status: PaymentStatus) -> None:
    """Apply a payment's final answer to it and its order (from Confirm, a gateway return
    or a webhook), then commit."""
    payment.status = status
    order = db.session.get(Order, payment.order_id) if payment.order_id else None
    if order is None or order.status is not OrderStatus.PAYMENT_PENDING:
        db.session.commit()
        return
    if status in (PaymentStatus.SUCCEEDED, PaymentStatus.AUTHORISED):
        _complete(order, payment)
        return
    # Declined or cancelled: back to the payment step, the order and its answers kept; the
    # next attempt gets a key of its own.
    order.status = transition(order.status, OrderStatus.DRAFT)
    order.payment_attempt += 1
    if order.promo_code_id is not None:
        # Nothing was paid: the code's use goes back until the next Confirm takes it again.
        from app.services import promotions

        promotions.release(order)
    order.last_decline = payment.decline_code or (
        "cancelled" if status is PaymentStatus.CANCELLED else Decline.DECLINED.value
    )
    db.session.commit()


def _complete(order: Order, payment: Payment | None) -> None:
    now = utcnow()
    today = catalog.platform_today()
    order.status = transition(order.status, OrderStatus.COMPLETED)
    order.completed_at = now
    plus = order.plan is Plan.PLUS
    if plus:
        # The reflection period runs from acceptance, which for a minor is the day the
        # representative said yes: the first charge moves with it.
        order.first_charge_on = reflection_ends(now).astimezone(catalog.platform_zone()).date()
    subscription = Subscription(
        user_id=order.user_id,
        order_id=order.id,
        plan=order.plan,
        path_id=order.path_id,
        status=SubscriptionStatus.REFLECTION if plus else SubscriptionStatus.ACTIVE,
        monthly_cents=order.monthly_cents,
        currency=order.currency,
        discount_cents=order.discount_cents or 0,
        # Solo's first month is paid: one discounted month fewer to come.
        discount_months=max((order.discount_months or 0) - (0 if plus else 1), 0),
        payment_method_id=order.payment_method_id,
        accepted_at=now,
        reflection_ends_at=reflection_ends(now) if plus else None,
        anchor_date=order.first_charge_on if plus else today,
        current_period_start=None if plus else today,
        current_period_end=None if plus else anniversary(today, 1),
    )
    db.session.add(subscription)
    db.session.flush()
    if payment is not None:
        payment.subscription_id = subscription.id
    if plus:
        _end_solo_for_plus(order.user)
    if order.referrer_id is not None:
        from app.services import promotions

        promotions.record_referral(order)
    db.session.commit()
    send_order_emails(order, subscription)


def _end_solo_for_plus(user: User) -> None:
    """Plus includes Solo: a Solo subscription stops renewing and ends with the period
    already paid, so no month is charged twice and nothing paid is lost."""
    solo = live_subscription(user, Plan.SOLO)
    if solo is not None and solo.status is SubscriptionStatus.ACTIVE:
        solo.status = SubscriptionStatus.CANCELLING
        solo.ends_on = solo.current_period_end


def open_payment_row(order: Order) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(
            Payment.order_id == order.id, Payment.attempt == order.payment_attempt
        )
    )


def _state_of(order: Order) -> ConfirmOutcome:
    if order.status is OrderStatus.COMPLETED:
        return ConfirmOutcome(Result.COMPLETED)
    if order.status is OrderStatus.AWAITING_CONSENT:
        return ConfirmOutcome(Result.AWAITING_CONSENT)
    if order.status is OrderStatus.DRAFT and order.last_decline:
        return ConfirmOutcome(Result.DECLINED, decline=_decline_of(order.last_decline))
    payment = open_payment_row(order)
    if payment is not None and payment.status is PaymentStatus.ACTION_REQUIRED:
        return ConfirmOutcome(Result.REDIRECT, action_url=payment.action_url)
    return ConfirmOutcome(Result.PENDING)


def _decline_of(code: str | None) -> Decline | None:
    try:
        return Decline(code) if code else None
    except ValueError:
        return None


def resume(order: Order) -> ConfirmOutcome:
    """A payment is under way: send the buyer back to the gateway if it waits for them, or
    ask the gateway what happened if its answer was lost (never charge again blindly)."""
    payment = open_payment_row(order)
    if payment is None:
        return _state_of(order)
    if payment.status is PaymentStatus.ACTION_REQUIRED:
        return ConfirmOutcome(Result.REDIRECT, action_url=payment.action_url)
    if payment.status is PaymentStatus.PENDING and _maybe_in_flight(payment):
        # Another request is still waiting for the gateway's answer: asking now could
        # read "never reached the bank" a moment before the charge lands.
        return ConfirmOutcome(Result.PENDING)
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN):
        return _state_of(order)
    gateway = gateway_named(payment.gateway)
    try:
        result = gateway.lookup(payment.idempotency_key, payment.gateway_reference)
    except GatewayTimeout:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()
        return ConfirmOutcome(Result.PENDING)
    if result.outcome is Outcome.DECLINED and result.decline is Decline.GATEWAY_ERROR:
        # Nothing reached the gateway: the order goes back to its payment step.
        payment.decline_code = Decline.GATEWAY_ERROR.value
    return _apply(order, payment, result)


def _maybe_in_flight(payment: Payment) -> bool:
    """A pending payment younger than the gateway timeout (plus a margin) may still have
    its request running; after that, the request has ended one way or another."""
    window = timedelta(seconds=current_app.config["GATEWAY_TIMEOUT_SECONDS"] + 10)
    return utcnow() - payment.updated_at < window


def finish_return(order: Order, params: dict) -> ConfirmOutcome:
    """The buyer is back from PayPal or 3-D Secure. Only a payment still waiting for them
    is completed, and only once: the conditional update below claims it."""
    payment = open_payment_row(order)
    if payment is None or order.status is not OrderStatus.PAYMENT_PENDING:
        log_security_event("checkout.return_refused", user_id=order.user_id, order=order.reference)
        return _state_of(order)
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.ACTION_REQUIRED)
        .values(status=PaymentStatus.PENDING)
    ).rowcount
    db.session.commit()
    if not claimed:
        log_security_event("checkout.return_replayed", user_id=order.user_id, order=order.reference)
        db.session.refresh(order)
        return _state_of(order)
    db.session.refresh(payment)
    gateway = gateway_named(payment.gateway)
    expected = Expected(
        reference=order.reference,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        payment_reference=payment.gateway_reference,
    )
    if params.get("cancelled"):
        result = ChargeResult(Outcome.CANCELLED, reference=payment.gateway_reference)
    else:
        try:
            result = gateway.complete(expected, params)
        except GatewayTimeout:
            db.session.commit()
            return ConfirmOutcome(Result.PENDING)
    if result.decline in (Decline.NOT_THIS_ORDER, Decline.AMOUNT_MISMATCH):
        log_security_event(
            "checkout.return_mismatch",
            user_id=order.user_id,
            order=order.reference,
            reason=result.decline.value,
        )
    if result.decline is Decline.NOT_THIS_ORDER:
        # Someone else's token, or a made-up one: refused, and the buyer's own approval
        # still waits for them untouched.
        payment.status = PaymentStatus.ACTION_REQUIRED
        db.session.commit()
        return ConfirmOutcome(Result.REFUSED)
    return _apply(order, payment, result)


def abandon_action(order: Order) -> bool:
    """The buyer gives up on an approval or 3-D Secure page and wants another way to pay.
    Only a payment still waiting for them can be dropped: nothing was charged for it."""
    payment = open_payment_row(order)
    if payment is None or order.status is not OrderStatus.PAYMENT_PENDING:
        return False
    dropped = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == PaymentStatus.ACTION_REQUIRED)
        .values(status=PaymentStatus.CANCELLED, decline_code="abandoned")
    ).rowcount
    if not dropped:
        db.session.rollback()
        return False
    db.session.refresh(payment)
    settle_payment(payment, PaymentStatus.CANCELLED)
    return True


def cancel(order: Order) -> None:
    """The buyer (or the representative's refusal) abandons an unfinished order."""
    if order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        return
    order.status = transition(order.status, OrderStatus.CANCELLED)
    order.cancelled_at = utcnow()
    if order.promo_code_id is not None:
        from app.services import promotions

        promotions.release(order)
    db.session.commit()


# --- Words and emails ---------------------------------------------------------------------


DECLINE_MESSAGES = {
    Decline.DECLINED: _l("Your bank declined the payment. Try another card or PayPal."),
    Decline.INSUFFICIENT_FUNDS: _l(
        "Your bank declined the payment: there are not enough funds on this card. Try "
        "another card or PayPal."
    ),
    Decline.EXPIRED_CARD: _l("Your bank says this card has expired. Use another card."),
    Decline.AUTHENTICATION_FAILED: _l(
        "Your bank could not confirm that it was you (3-D Secure), so nothing was charged. "
        "Try again or use another card."
    ),
    Decline.INVALID_CARD: _l(
        "This card was not accepted. Check the number, expiry date and security code."
    ),
    Decline.AMOUNT_MISMATCH: _l(
        "The payment did not match this order, so we did not take it. Nothing was charged."
    ),
    Decline.NOT_THIS_ORDER: _l(
        "The payment did not match this order, so we did not take it. Nothing was charged."
    ),
    Decline.GATEWAY_ERROR: _l(
        "The payment service did not complete the payment. Nothing was charged; try again."
    ),
}


def decline_message(decline: Decline | str | None) -> str:
    if decline == "abandoned":
        return str(_l("You left the payment unfinished. Nothing was charged. Choose how to pay."))
    if decline == "cancelled":
        return str(
            _l("You cancelled the payment on PayPal. Nothing was charged. Choose how to pay.")
        )
    return str(DECLINE_MESSAGES.get(_decline_of(decline) or Decline.DECLINED))


def plan_title(order: Order, locale: str | None = None) -> str:
    if order.plan is Plan.SOLO:
        return "Premium Solo"
    title = order.path.title_fr if (locale or order.locale) == "fr" else order.path.title_en
    return f"Premium Plus — {title}"


def summary_context(order: Order) -> dict:
    return {"order": order, "schedule": current_schedule(order)}


def current_schedule(order: Order):
    """The charges to come as recorded on the order (not recomputed from today's price)."""
    if order.monthly_cents is None:
        return ()
    return quote(
        order.plan,
        order.monthly_cents,
        order.first_charge_on if order.plan is Plan.SOLO else _reflection_start(order),
        _recorded_discount(order),
        order.path.duration_months if order.path else None,
    ).schedule


def _reflection_start(order: Order) -> date:
    return order.first_charge_on - timedelta(days=REFLECTION_DAYS)


def _recorded_discount(order: Order):
    from app.domain.promotions import Discount, DiscountKind

    if not order.discount_cents or not order.discount_months:
        return None
    return Discount(DiscountKind.FIXED, order.discount_cents, order.discount_months)


def send_order_emails(order: Order, subscription: Subscription) -> None:
    user = order.user
    locale = order.locale or user.locale or "en"
    mail.send_template(
        user.email,
        "order_summary",
        locale,
        order=order,
        subscription=subscription,
        schedule=current_schedule(order),
        title=plan_title(order, locale),
        link=url_for("checkout.done", public_id=order.public_id, _external=True),
    )
    if order.account_created_in_flow:
        mail.send_template(
            user.email,
            "account_access",
            locale,
            user=user,
            link=url_for("auth.signin", _external=True),
        )
    db.session.commit()
