"""Plus terminated by the subscriber within three months of acceptance (§6.2): the
compensation fee, shown before confirming, charged through the gateway and invoiced,
then the subscription terminated. Like every charge, the payment's row (its idempotency
key `terminate:<subscription>:<attempt>`) is committed before the gateway is called and
its answer right after; a retry after a timeout reuses the key, so the fee is never
charged twice."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.domain import contract as rules
from app.domain.contract import TerminationFee
from app.domain.errors import DomainError
from app.domain.invoices import NO_VAT, Line
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Order, Payment, PaymentMethod, PaymentStatus, Subscription, User
from app.payments import gateway_named
from app.payments.base import ChargeRequest, GatewayTimeout, Outcome
from app.services import invoices, subscriptions
from app.services.checkout.wording import decline_message
from app.services.premium import Refused, contract_of, tell


@dataclass(frozen=True)
class Quote:
    fee: TerminationFee
    path_months: int


def paid_cents(subscription: Subscription) -> int:
    """What the contract has been paid so far, refunds taken off (termination fees
    aside): the sums that count towards the fee."""
    rows = db.session.scalars(
        select(Payment).where(
            Payment.subscription_id == subscription.id,
            Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)),
            Payment.idempotency_key.not_like("terminate:%"),
        )
    )
    return sum(p.amount_cents - (p.refunded_cents or 0) for p in rows)


def quote(subscription: Subscription) -> Quote:
    months = subscription.path.duration_months if subscription.path else 0
    fee = rules.termination_fee(
        subscription.monthly_cents,
        months,
        current_app.config["TERMINATION_FEE_BASIS_POINTS"],
        paid_cents(subscription),
    )
    return Quote(fee, months)


def _attempts(subscription: Subscription) -> list[Payment]:
    return list(
        db.session.scalars(
            select(Payment)
            .where(
                Payment.subscription_id == subscription.id,
                Payment.idempotency_key.like(f"terminate:{subscription.id}:%"),
            )
            .order_by(Payment.id)
        )
    )


def terminate(user: User, subscription: Subscription) -> int | None:
    """Charge the fee shown (if any), invoice it and terminate. Returns the fee charged,
    None when it was already terminated. Raises Refused after three months, DomainError
    (field None) when the gateway declines or does not answer: nothing is terminated."""
    subscriptions.lock(subscription)
    if subscription.status is S.TERMINATED:
        return None
    refusal = rules.termination_refusal(contract_of(subscription), clock.now(), clock.zone())
    if refusal is not None:
        raise Refused(refusal)
    due = quote(subscription).fee.due_cents
    if due > 0:
        payment = _payment(subscription, due)
        db.session.commit()  # the row and its key, before the gateway call
        _charge(subscription, payment)
        subscriptions.lock(subscription)
        if subscription.status is S.TERMINATED:
            return None
    subscriptions.change_status(
        subscription,
        S.TERMINATED,
        reason=Reason.TERMINATED_BY_MEMBER,
        by_user=user,
        amount_cents=due,
    )
    subscription.ends_on = clock.today()
    tell(user, subscription, "subscription_terminated", fee_cents=due)
    return due


def _payment(subscription: Subscription, amount: int) -> Payment:
    attempts = _attempts(subscription)
    waiting = [p for p in attempts if p.status in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN)]
    if waiting:
        return waiting[-1]  # a lost answer: asked again under the same key
    method = db.session.get(PaymentMethod, subscription.payment_method_id)
    if method is None:
        raise DomainError(None, "no_method")
    payment = Payment(
        subscription_id=subscription.id,
        user_id=subscription.user_id,
        payment_method_id=method.id,
        idempotency_key=f"terminate:{subscription.id}:{len(attempts) + 1}",
        gateway=method.gateway,
        amount_cents=amount,
        currency=subscription.currency,
        status=PaymentStatus.PENDING,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def _charge(subscription: Subscription, payment: Payment) -> None:
    method = db.session.get(PaymentMethod, payment.payment_method_id)
    order = db.session.get(Order, subscription.order_id)
    request = ChargeRequest(
        idempotency_key=payment.idempotency_key,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        reference=order.reference,
        description=f"{current_app.config['PLATFORM_NAME']} termination ({order.reference})",
        kind=method.kind if method else "card",
        shopper_reference=f"user-{payment.user_id}",
        method_token=method.token if method else None,
        save_for_renewals=False,
        locale=order.locale or "en",
    )
    try:
        result = gateway_named(payment.gateway).charge(request)
    except GatewayTimeout:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()
        raise DomainError(None, "no_answer") from None
    if result.outcome is Outcome.SUCCEEDED:
        payment.status = PaymentStatus.SUCCEEDED
        payment.gateway_reference = result.reference
        locale = order.locale or "en"
        with force_locale(locale):
            line = Line(
                _("Compensation for terminating within three months"), payment.amount_cents, NO_VAT
            )
        invoices.issue_for_payment(payment, lines=[line])
        db.session.commit()  # the answer and its invoice
        return
    if result.outcome is Outcome.UNKNOWN:
        payment.status = PaymentStatus.UNKNOWN
        db.session.commit()
        raise DomainError(None, "no_answer")
    payment.status = PaymentStatus.DECLINED
    payment.decline_code = result.decline.value if result.decline else None
    db.session.commit()
    raise DomainError(None, decline_message(result.decline))
