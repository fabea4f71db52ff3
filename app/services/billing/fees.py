"""The Plus termination fee (§6.2) as a billing charge: its row, its key, and what its
answer does. It goes through the renewals' machinery (app.services.billing.charges):
the row committed before the gateway call, the answer committed right after, applied
under the payment's lock, and an answer lost to a crash or a timeout looked up by the
billing job's first step ("lost answers") like a renewal's.

One row per subscription: the first attempt's key is `terminate:<subscription>`; after
a decline, another attempt on the same row is `terminate:<subscription>:<n>`. A paid fee
terminates the contract in the transaction that applies its answer, with its one
invoice (a compensation, outside the scope of VAT), whoever learns the answer: the
member's request or, if its answer was lost, the job."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.invoices import NO_VAT, Line
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Order, Payment, PaymentStatus, Subscription, User
from app.services import invoices, subscriptions
from app.services.payment_methods import method_by_id
from app.services.premium import tell

PREFIX = "terminate:"
WAITING = (PaymentStatus.PENDING, PaymentStatus.UNKNOWN)


def key(subscription_id: int, attempt: int = 1) -> str:
    base = f"{PREFIX}{subscription_id}"
    return base if attempt == 1 else f"{base}:{attempt}"


def is_fee(payment: Payment) -> bool:
    return payment.idempotency_key.startswith(PREFIX)


def fee_payment(subscription: Subscription) -> Payment | None:
    """The subscription's termination-fee row, if one was ever written."""
    return db.session.scalar(
        select(Payment)
        .where(
            Payment.subscription_id == subscription.id,
            Payment.idempotency_key.like(f"{PREFIX}%"),
        )
        .order_by(Payment.id.desc())
        .limit(1)
    )


def attempt(subscription: Subscription, amount_cents: int) -> tuple[Payment, bool]:
    """The row to charge the fee on (flushed, for the caller to commit before the call)
    and whether it is a new attempt to charge: a new row, or the same row tried again
    after a decline. A row still waiting for its answer (or already paid) comes back as
    it is, not new: the caller asks about it, never charges it anew."""
    payment = fee_payment(subscription)
    if payment is not None and payment.status in (*WAITING, PaymentStatus.SUCCEEDED):
        return payment, False
    method = method_by_id(subscription.payment_method_id)
    if method is None:
        raise DomainError(None, "no_method")
    if payment is None:
        payment = Payment(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            attempt=1,
            idempotency_key=key(subscription.id),
            currency=subscription.currency,
        )
        db.session.add(payment)
    else:  # declined before: another attempt, with the method the member has now
        payment.attempt = (payment.attempt or 1) + 1
        payment.idempotency_key = key(subscription.id, payment.attempt)
        payment.decline_code = None
        payment.gateway_reference = None
    payment.payment_method_id = method.id
    payment.gateway = method.gateway
    payment.amount_cents = amount_cents
    payment.status = PaymentStatus.PENDING
    db.session.flush()
    return payment, True


def paid(payment: Payment, subscription: Subscription) -> None:
    """The fee is paid (caller holds the payment's lock and settles it after): its
    invoice, then the contract terminated at the member's request, with the email."""
    order = db.session.get(Order, subscription.order_id)
    with force_locale((order.locale if order else None) or "en"):
        line = Line(
            _("Compensation for terminating within three months"), payment.amount_cents, NO_VAT
        )
    invoices.issue_for_payment(payment, lines=[line])
    subscriptions.lock(subscription)
    if subscription.status is S.TERMINATED:
        return
    member = db.session.get(User, subscription.user_id)
    subscriptions.change_status(
        subscription,
        S.TERMINATED,
        reason=Reason.TERMINATED_BY_MEMBER,
        by_user=member,
        amount_cents=payment.amount_cents,
    )
    subscription.ends_on = clock.today()
    tell(member, subscription, "subscription_terminated", fee_cents=payment.amount_cents)
