"""The answers of each checkout step, and which step an order is at."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app import clock
from app.domain.eligibility import Eligibility, assess
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus, Step
from app.extensions import db
from app.models import Order, PaymentKind, PaymentMethod
from app.payments import gateway_for
from app.payments.base import MethodDetails
from app.services import promotions
from app.services.checkout.orders import CheckoutRefused
from app.services.checkout.wording import decline_message


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


def check_eligibility(born: date, country: str, legal_protection: bool, today: date):
    """The assessment of these answers (Terms §1), or DomainError when they refuse any
    paid plan: checked before an account is made in the flow, so nothing is half made."""
    assessment = assess(born, country, legal_protection, today)
    if assessment.status is Eligibility.TOO_YOUNG:
        raise DomainError(
            "date_of_birth",
            _l(
                "Paid plans are open from the age of 16. You can still read every course "
                "and watch its videos for free."
            ),
        )
    return assessment


def save_eligibility(
    order: Order, born: date, country: str, legal_protection: bool, today: date
) -> Eligibility:
    _require_draft(order)
    assessment = check_eligibility(born, country, legal_protection, today)
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
    db.session.flush()
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
    """Every answer is checked before any is kept."""
    _require_draft(order)
    code = details.code.strip()
    applied = promotions.check_code(code, order.plan, order.user, now) if code else None
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
    db.session.flush()


def save_payment(
    order: Order, kind: PaymentKind, form: dict, holder_confirmed: bool
) -> PaymentMethod | None:
    """Keep the chosen method. A card is handed to the gateway at once and only its token,
    brand and last four digits come back; left blank, the card saved before is kept.

    A refusal raises DomainError after the gateway's log row was added: the view answers
    with the form (no exception leaves the request), so the request's commit keeps it."""
    _require_draft(order)
    method = None
    if kind is PaymentKind.CARD:
        entered = any(form.get(name) for name in ("card_number", "adyen_state_data"))
        if entered or order.payment_method_id is None or order.payment_kind is not kind:
            gateway = gateway_for("card")
            result = gateway.save_method(order.user_id, form)
            if result.problem is not None:
                field, decline = result.problem
                raise DomainError(field, decline_message(decline))
            method = keep_method(order.user_id, gateway.name, result.method)
            order.payment_method_id = method.id
    else:
        order.payment_method_id = None
    order.payment_kind = kind
    order.holder_confirmed_at = clock.now() if holder_confirmed else None
    order.last_decline = None
    db.session.flush()
    return method


def keep_method(user_id: int, gateway: str, details: MethodDetails) -> PaymentMethod:
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
