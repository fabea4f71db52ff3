"""Renewals that PayPal bills by itself (issue 13): an agreement from a billing plan (I-…)
takes each month on its own cycle, so the billing job does not charge it (the gateway
answers UNKNOWN, app.payments.paypal.renewals) and the renewal's charge row waits here for
PayPal's own sale:

- a PAYMENT.SALE.COMPLETED / DENIED whose billing_agreement_id is the subscription's
  agreement and whose time falls in the period's window (from the period's first day
  minus 1 day to plus 10 days, app.domain.paypal_agreements) settles it, as it comes
  (`receive_sale`) or from the stored notifications in the job's step (`settle`);
- with no notification after PAYPAL_LOOKUP_AFTER, the agreement's transactions in that
  window are looked up; still nothing 5 days after the due date (PayPal's retry of a
  failed payment) → declined, past due through `charges.apply` like any failed renewal;
- a sale for another amount in the renewal's currency (the plan bills the price it was
  approved for: a Terms price accepted since, §1) pays the month with what PayPal took,
  in the job's step only: more than the renewal's price is given back at once (a refund
  and its credit note, reserved in the same commit as the payment), less is not asked
  for; Settings → Payment offers a new agreement at the new price;
- a sale in another currency is not settled either way: it is logged for staff (warning
  log, the gateway log's note, the notification's outcome) and the charge stays unknown,
  named in the job's summary at every run until staff settle it."""

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.paypal_agreements import (
    Sale,
    Verdict,
    excess,
    first_day,
    in_window,
    is_plan_agreement,
    paying_sale,
    verdict,
    window,
)
from app.extensions import db
from app.models import Payment, PaymentMethod, PaymentStatus, WebhookEvent
from app.payments import audit, gateway_named, paypal_webhooks
from app.payments.base import ChargeResult, Decline, GatewayEvent, GatewayTimeout, Outcome
from app.payments.paypal.agreement_control import parse_time
from app.payments.paypal.client import Refused
from app.services import refunds
from app.services.billing import charges

log = logging.getLogger("atelier.paypal")

PROVIDER = "paypal"
SALE_STATUS = {"PAYMENT.SALE.COMPLETED": "completed", "PAYMENT.SALE.DENIED": "denied"}
UNSETTLED = (PaymentStatus.PENDING, PaymentStatus.UNKNOWN)
# Kept on the refund and shown on its credit note, as the other refunds' reasons are.
EXCESS_REASON = "PayPal took more than the month's price (Terms of Service, section 1)"


def agreement_of(payment: Payment) -> str | None:
    """The plan agreement a renewal is billed by, or None (a card, a B- agreement)."""
    if payment.payment_method_id is None:
        return None
    method = db.session.get(PaymentMethod, payment.payment_method_id)
    if method is None or method.kind != "paypal" or not is_plan_agreement(method.token):
        return None
    return method.token


def billed_by_plan(subscription) -> bool:
    """True when PayPal bills this subscription on a plan agreement: it takes the monthly
    price only, so a past-due balance has to be paid with another method."""
    if subscription.payment_method_id is None:
        return False
    method = db.session.get(PaymentMethod, subscription.payment_method_id)
    return method is not None and method.kind == "paypal" and is_plan_agreement(method.token)


def sale_of(event: GatewayEvent) -> Sale | None:
    """A plan sale in our terms; None for anything else (a renewal we charged names its
    key in invoice_number; checkout's sales name a payment)."""
    status = SALE_STATUS.get(event.event_type)
    if status is None or not is_plan_agreement(event.payment_reference):
        return None
    if event.merchant_reference and event.merchant_reference.startswith("renew:"):
        return None
    resource = event.payload.get("resource") or {}
    when = parse_time(resource.get("create_time")) or event.occurred_at
    if when is None:
        return None
    sale_id = str(resource.get("id") or "")[:100] or None
    return Sale(status, event.amount_cents, event.currency, when, sale_id)


def charge_for(agreement: str, sale: Sale) -> Payment | None:
    """The unsettled renewal on `agreement` whose period's window holds the sale."""
    rows = db.session.scalars(
        select(Payment)
        .join(PaymentMethod, PaymentMethod.id == Payment.payment_method_id)
        .where(
            PaymentMethod.kind == "paypal",
            PaymentMethod.token == agreement,
            Payment.gateway == PROVIDER,
            Payment.subscription_id.is_not(None),
            Payment.period_start.is_not(None),
            Payment.status.in_(UNSETTLED),
        )
        .order_by(Payment.period_start)
    )
    for payment in rows:
        if in_window(payment.period_start.date(), sale.when):
            return payment
    return None


def receive_sale(event: GatewayEvent) -> str | None:
    """A notification of a plan sale, as it comes (caller commits); None when it settles
    no renewal of ours (checkout's setup fee: payment_events applies it)."""
    sale = sale_of(event)
    if sale is None:
        return None
    payment = charge_for(event.payment_reference, sale)
    if payment is None:
        return None
    # Judged as of the sale itself: one notification never declines by the give-up rule.
    period = payment.period_start.date()
    found = verdict(period, _expected(payment), [sale], first_day(period))
    if found is Verdict.PAID_OTHER_AMOUNT:
        # Its excess is refunded, which commits on its own: the job's step does it.
        return "waiting: another amount, settled by the billing job"
    return _apply(payment, found, [sale])


def settle(payment: Payment, now: datetime) -> tuple[bool, str | None]:
    """The job's step for one unsettled plan renewal: (settled, a problem for the
    summary). Commits; no transaction is open during the look-up."""
    agreement = agreement_of(payment)
    period = payment.period_start.date()
    rows = _stored_sales(agreement, period)
    sales = [sale for _, sale in rows]
    # The stored notifications alone never decline by the give-up rule: PayPal is asked.
    found = verdict(period, _expected(payment), sales, first_day(period))
    if found is Verdict.WAIT:
        if now - payment.updated_at < current_app.config["PAYPAL_LOOKUP_AFTER"]:
            return False, None  # PayPal's notification may still come
        low, high = window(period)
        payment_id = payment.id
        db.session.commit()
        try:
            looked = gateway_named(PROVIDER).agreement_sales(
                agreement, low.date(), min(high, now).date() + timedelta(days=1)
            )
        except (GatewayTimeout, Refused) as error:
            db.session.rollback()
            return False, f"PayPal's transactions could not be looked up ({error})"
        db.session.commit()  # the gateway log
        payment = db.session.get(Payment, payment_id)
        sales = sales + looked
        found = verdict(period, _expected(payment), sales, now)
    owed = payment.amount_cents
    outcome = _apply(payment, found, sales)
    problem = _give_back(payment, owed) if found is Verdict.PAID_OTHER_AMOUNT else None
    for row, _ in rows:
        row.outcome = outcome[:80]
        row.processed_at = now
    db.session.commit()
    if found is Verdict.WAIT:
        return False, "PayPal has not billed the agreement yet"
    if found is Verdict.AMOUNT_DIFFERS:
        return False, "PayPal took another currency than the renewal's: for staff to check"
    return True, problem


def _give_back(payment: Payment, owed_cents: int) -> str | None:
    """Refund what the sale took above `owed_cents`; the refund's first commit is the
    payment's too, so a crash cannot leave the month paid and the excess forgotten.
    A problem for the summary (and staff) when the refund does not go through."""
    extra = excess(owed_cents, payment.amount_cents)
    if extra == 0:
        return None
    db.session.flush()  # the refund reloads the payment: what _apply changed goes first
    try:
        refunds.refund(payment, extra, EXCESS_REASON, None)
    except DomainError as error:
        log.warning("PayPal's excess on %s not given back: %s", payment.idempotency_key, error)
        return f"the excess PayPal took could not be given back ({error}): for staff"
    return None


def _apply(payment: Payment, found: Verdict, sales: list[Sale]) -> str:
    if found is Verdict.PAID:
        # The sale id becomes the charge's reference: a refund of the month is made on it.
        sale = paying_sale(payment.period_start.date(), _expected(payment), sales)
        applied = charges.apply(
            payment.id, ChargeResult(Outcome.SUCCEEDED, reference=sale.reference if sale else None)
        )
    elif found is Verdict.PAID_OTHER_AMOUNT:
        # What PayPal took is what the month was paid: the invoice says so.
        sale = paying_sale(payment.period_start.date(), _expected(payment), sales)
        payment.amount_cents = sale.cents
        db.session.flush()
        applied = charges.apply(
            payment.id, ChargeResult(Outcome.SUCCEEDED, reference=sale.reference)
        )
    elif found is Verdict.DECLINED:
        applied = charges.apply(
            payment.id, ChargeResult(Outcome.DECLINED, decline=Decline.DECLINED)
        )
    elif found is Verdict.AMOUNT_DIFFERS:
        # Neither paid (not our currency) nor declined (PayPal took money): staff decide.
        log.warning("PayPal plan sale in another currency than renewal %s", payment.idempotency_key)
        audit.record(
            PROVIDER,
            "reconcile",
            request={"idempotency_key": payment.idempotency_key},
            response=None,
            outcome="currency differs: left unknown for staff",
            idempotency_key=payment.idempotency_key,
        )
        return "ignored: currency differs (left for staff)"
    else:
        return "waiting for PayPal's sale"
    if applied is charges.Applied.PAID:
        return "renewal paid"
    if applied is charges.Applied.DECLINED:
        return "renewal declined"
    return f"ignored: payment already {payment.status.value}"


def _expected(payment: Payment) -> tuple[int, str]:
    return payment.amount_cents, payment.currency


def _stored_sales(agreement: str, period) -> list[tuple[WebhookEvent, Sale]]:
    """The stored plan sales on `agreement` in the period's window, oldest first."""
    low, high = window(period)
    rows = db.session.scalars(
        select(WebhookEvent)
        .where(
            WebhookEvent.provider == PROVIDER,
            WebhookEvent.event_type.in_(tuple(SALE_STATUS)),
            # Received after the sale, so never before the window opens.
            WebhookEvent.received_at >= low,
        )
        .order_by(WebhookEvent.id)
    )
    found = []
    for row in rows:
        event = paypal_webhooks.event_from(row.payload)
        sale = sale_of(event)
        if sale is not None and event.payment_reference == agreement and low <= sale.when < high:
            found.append((row, sale))
    return found
