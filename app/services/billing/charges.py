"""One billing charge (a renewal, a retry, a Plus termination fee: see
app.services.billing.fees), from its committed row to its applied answer: the billing
side of the payment protocol (app.services.checkout.charging is the checkout side).

- The charge's row is committed before the gateway is called, and no row lock is held
  during the call: the caller claimed its work, committed, and only then calls `charge`.
- The gateway's answer (its own books and the log) is committed right after the call,
  before it is applied: a crash in between leaves a pending payment that the next run
  asks the gateway about (`repair`), finding the charge by its idempotency key, and
  applies without charging again.
- Applying locks the payment and checks it is still pending: of two processes applying
  one answer (a repair racing the original run), one does it.

A renewal's key is `renew:<subscription>:<period start>`; each retry of an unpaid
renewal is a new attempt on the same row, `renew:<subscription>:<period start>:<n>`."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select

from app import clock
from app.domain.billing import period_starting, renewal_price
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    DueStatus,
    Order,
    Payment,
    PaymentStatus,
    Subscription,
)
from app.payments import gateway_named
from app.payments.base import ChargeRequest, ChargeResult, Decline, GatewayTimeout, Outcome
from app.services import invoices, subscriptions, terms_prices
from app.services.billing import emails, fees, referrals
from app.services.payment_methods import method_by_id
from app.services.settlement import settle_payment

JOB = "billing"


class Applied(StrEnum):
    PAID = "paid"
    DECLINED = "declined"
    # No answer (timeout, gateway down): asked again by the next run, never charged twice.
    UNKNOWN = "unknown"
    # Someone else applied it first, or there was nothing to apply.
    NOTHING = "nothing"


def period_key(day: date) -> datetime:
    """Payment.period_start for a period starting on the platform-local `day`: that date
    at 00:00 UTC, a key more than an instant (UNIQUE(subscription_id, period_start))."""
    return datetime.combine(day, time(0), UTC)


def renewal_key(subscription_id: int, day: date, attempt: int = 1) -> str:
    key = f"renew:{subscription_id}:{day.isoformat()}"
    return key if attempt == 1 else f"{key}:{attempt}"


def new_renewal(
    subscription: Subscription, start: date, offers: list[terms_prices.Offer] | None = None
) -> Payment:
    """The row of the charge for the period starting on `start` (flushed, not committed),
    its referral credit taken (§4)."""
    payment = Payment(**renewal_row(subscription, start, offers))
    db.session.add(payment)
    db.session.flush()
    referrals.take_credit(payment)
    return payment


def renewal_row(
    subscription: Subscription, start: date, offers: list[terms_prices.Offer] | None = None
) -> dict:
    """The row of the charge for the period starting on `start`: the locked price less
    the running discount (§2.2f, §4). `offers`: the material versions' new prices (§1);
    one the subscriber accepted before `start` becomes their locked price from this
    period on. (The referral credit is taken once it is written.)"""
    method = method_by_id(subscription.payment_method_id)
    if offers:
        subscription.monthly_cents = terms_prices.monthly_for(subscription, start, offers)
    price = renewal_price(
        subscription.monthly_cents, subscription.discount_cents, subscription.discount_months
    )
    return {
        "subscription_id": subscription.id,
        "period_start": period_key(start),
        "attempt": 1,
        "user_id": subscription.user_id,
        "payment_method_id": subscription.payment_method_id,
        "idempotency_key": renewal_key(subscription.id, start),
        "gateway": method.gateway if method else current_app.config["CARD_GATEWAY"],
        "amount_cents": price.cents,
        "currency": subscription.currency,
        "status": PaymentStatus.PENDING,
    }


@dataclass(frozen=True)
class Call:
    """A committed pending charge, read while its row was written: everything the gateway
    needs, so that calling it asks nothing of the database (no transaction of ours is
    open during the call)."""

    payment_id: int
    subscription_id: int | None
    gateway: str
    # None: nothing to ask the bank for (wholly paid by referral credit).
    request: ChargeRequest | None


def prepare(payment: Payment, what: str = "renewal") -> Call:
    """The gateway call of `payment` (`what` names it on the bank statement)."""
    if payment.amount_cents == 0:
        return Call(payment.id, payment.subscription_id, payment.gateway, None)
    subscription = db.session.get(Subscription, payment.subscription_id)
    order = db.session.get(Order, subscription.order_id)
    method = method_by_id(payment.payment_method_id)
    request = ChargeRequest(
        idempotency_key=payment.idempotency_key,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        reference=order.reference,
        description=f"{current_app.config['PLATFORM_NAME']} {what} ({order.reference})",
        kind=method.kind if method else "card",
        shopper_reference=f"user-{payment.user_id}",
        method_token=method.token if method else None,
        save_for_renewals=False,
        locale=order.locale or "en",
    )
    return Call(payment.id, payment.subscription_id, payment.gateway, request)


class GatewayDown(Exception):
    """The gateway raised something other than a timeout: nothing is known."""


def send(call: Call) -> ChargeResult:
    """Ask the gateway. Its books (the sandbox's) and its log join the session, for the
    caller to commit before applying. A timeout is an unknown answer; any other error
    is raised as GatewayDown (the caller decides what its session keeps)."""
    if call.request is None:
        return ChargeResult(Outcome.SUCCEEDED)
    if call.request.method_token is None:
        return ChargeResult(Outcome.DECLINED, decline=Decline.NO_METHOD)
    try:
        return gateway_named(call.gateway).charge(call.request)
    except GatewayTimeout:
        return ChargeResult(Outcome.UNKNOWN)
    except Exception as error:
        raise GatewayDown(f"{type(error).__name__}: {error}") from error


def send_many(calls: list[Call]) -> list[ChargeResult]:
    """`send` for a batch, in order, each gateway asked once for all of its calls
    (`PaymentGateway.charge_many`). A call the gateway raised for has an unknown answer
    (a timeout, or the gateway down): asked again by the next run."""
    results: dict[int, ChargeResult] = {}
    asking: dict[str, list[int]] = {}
    for index, call in enumerate(calls):
        if call.request is None or call.request.method_token is None:
            results[index] = send(call)
        else:
            asking.setdefault(call.gateway, []).append(index)
    for gateway, indexes in asking.items():
        answers = gateway_named(gateway).charge_many([calls[i].request for i in indexes])
        for index, answer in zip(indexes, answers, strict=True):
            unknown = isinstance(answer, Exception)
            results[index] = ChargeResult(Outcome.UNKNOWN) if unknown else answer
    return [results[index] for index in range(len(calls))]


def charge(payment_id: int) -> Applied:
    """Call the gateway for a committed pending charge, commit its answer, apply it."""
    payment = db.session.get(Payment, payment_id)
    call = prepare(payment, "termination" if fees.is_fee(payment) else "renewal")
    db.session.commit()  # nothing of ours stays open across the call
    try:
        result = send(call)
    except GatewayDown:  # the gateway is down: nothing known, asked again next run
        db.session.rollback()
        result = ChargeResult(Outcome.UNKNOWN)
    if result.reference:
        db.session.get(Payment, payment_id).gateway_reference = result.reference
    db.session.commit()  # the gateway's books and log, before anything is applied
    applied = apply(payment_id, result)
    db.session.commit()
    return applied


def lookup(payment_id: int) -> Applied:
    """A pending charge whose answer was lost (a crash, a timeout): ask the gateway by its
    idempotency key and apply what it says; a charge that never reached it is sent again
    with the same key once it cannot still be in flight."""
    payment = db.session.get(Payment, payment_id)
    gateway = gateway_named(payment.gateway)
    try:
        result = gateway.lookup(payment.idempotency_key, payment.gateway_reference)
    except Exception:
        db.session.rollback()
        return Applied.UNKNOWN
    db.session.commit()
    if result.outcome is Outcome.DECLINED and result.decline is Decline.GATEWAY_ERROR:
        window = timedelta(seconds=current_app.config["GATEWAY_TIMEOUT_SECONDS"] + 10)
        if clock.now() - payment.updated_at < window:
            return Applied.NOTHING  # perhaps still in flight in another process
        return charge(payment_id)
    applied = apply(payment_id, result)
    db.session.commit()
    return applied


def apply(payment_id: int, result: ChargeResult) -> Applied:
    """Apply the gateway's answer to the charge and its subscription (caller commits)."""
    # The subscription, then its payment: the order of every request (withdrawal, Pay
    # now, a refund), so that one holding the subscription while this waits for it can
    # still take the payment: the other order is a deadlock on PostgreSQL.
    subscription_id = db.session.get(Payment, payment_id).subscription_id
    subscription = db.session.get(Subscription, subscription_id) if subscription_id else None
    if subscription is not None:
        subscriptions.lock(subscription)
    payment = db.session.get(Payment, payment_id, with_for_update=True, populate_existing=True)
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN):
        return Applied.NOTHING
    if result.outcome is Outcome.UNKNOWN:
        payment.status = PaymentStatus.UNKNOWN
        return Applied.UNKNOWN
    if result.reference:
        payment.gateway_reference = result.reference
    fee = fees.is_fee(payment)
    if result.outcome is Outcome.SUCCEEDED:
        if fee:
            fees.paid(payment, subscription)
            settle_payment(payment, PaymentStatus.SUCCEEDED)
        else:
            _paid(payment, subscription)
        return Applied.PAID
    # Declined, or a charge that would need the member on the gateway's page (3-D
    # Secure, PayPal approval): off-session, that is a failure to pay. A declined
    # termination fee terminates nothing and leaves nothing due.
    payment.decline_code = (result.decline or Decline.DECLINED).value
    settle_payment(payment, PaymentStatus.DECLINED)
    if not fee:
        _unpaid(payment, subscription)
    return Applied.DECLINED


def due_of(payment: Payment) -> BillingDue | None:
    return db.session.scalar(select(BillingDue).where(BillingDue.payment_id == payment.id))


def _paid(payment: Payment, subscription: Subscription) -> None:
    due = due_of(payment)
    invoice = None
    if due is not None:
        # The balance: the month (VAT included), then interest and fee (outside VAT).
        invoice = invoices.issue_for_payment(
            payment, breakdown=(due.amount_cents, due.interest_cents, due.fee_cents)
        )
        due.status = DueStatus.PAID
        due.closed_at = clock.now()
    elif payment.credit_cents:
        # Even when the credit paid it all (nothing charged): the invoice shows both.
        invoice = invoices.issue_for_payment(payment, credit_cents=payment.credit_cents)
    # Issues the plain invoice (or finds the one above).
    invoice = settle_payment(payment, PaymentStatus.SUCCEEDED) or invoice
    amount = payment.amount_cents
    if subscription.status is SubscriptionStatus.REFLECTION:
        subscriptions.change_status(
            subscription,
            SubscriptionStatus.ACTIVE,
            reason=Reason.REFLECTION_ENDED,
            by_job=JOB,
            amount_cents=amount,
        )
    elif subscription.status is SubscriptionStatus.PAST_DUE:
        subscriptions.change_status(
            subscription,
            SubscriptionStatus.ACTIVE,
            reason=Reason.BALANCE_PAID,
            by_job=JOB,
            amount_cents=amount,
        )
    advance(subscription, payment)
    db.session.flush()
    emails.renewal_charged(subscription, payment, invoice)


def advance(subscription: Subscription, payment: Payment) -> None:
    """The period a paid renewal paid for becomes the current one (unless a later one
    already is), and a running discount counts that month."""
    paid = period_starting(subscription.anchor_date, payment.period_start.date())
    if subscription.current_period_end is None or paid.end > subscription.current_period_end:
        subscription.current_period_start = paid.start
        subscription.current_period_end = paid.end
        price = renewal_price(
            subscription.monthly_cents, subscription.discount_cents, subscription.discount_months
        )
        subscription.discount_months = price.discount_months_left


def _unpaid(payment: Payment, subscription: Subscription) -> None:
    """§3.2: past due at once, the service suspended; the due is opened (once)."""
    if due_of(payment) is not None:
        return  # a retry that failed: the due stays open, its retries counted
    start = payment.period_start.date()
    db.session.add(
        BillingDue(
            subscription_id=subscription.id,
            payment_id=payment.id,
            period_start=start,
            due_on=start,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
        )
    )
    if subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.REFLECTION):
        subscriptions.change_status(
            subscription,
            SubscriptionStatus.PAST_DUE,
            reason=Reason.PAYMENT_FAILED,
            by_job=JOB,
            amount_cents=payment.amount_cents,
        )
    db.session.flush()
    emails.payment_failed(subscription, payment)


@dataclass(frozen=True)
class Attempt:
    payment_id: int
    amount_cents: int


def new_attempt(due: BillingDue, total_cents: int) -> Attempt | None:
    """Another try at an unpaid renewal, for its balance today (caller commits, then
    calls `charge`). None while the previous attempt has no answer yet."""
    payment = db.session.get(Payment, due.payment_id, with_for_update=True)
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.UNKNOWN):
        return None
    # The method the member has now: a card changed since the failure is the one tried.
    subscription = db.session.get(Subscription, due.subscription_id)
    method = method_by_id(subscription.payment_method_id)
    if method is not None:
        payment.payment_method_id = method.id
        payment.gateway = method.gateway
    payment.attempt = (payment.attempt or 1) + 1
    payment.idempotency_key = renewal_key(due.subscription_id, due.period_start, payment.attempt)
    payment.amount_cents = total_cents
    payment.status = PaymentStatus.PENDING
    payment.decline_code = None
    payment.gateway_reference = None
    db.session.flush()
    return Attempt(payment.id, total_cents)
