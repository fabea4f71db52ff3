"""PayPal's word on the renewals the billing job charged on a billing agreement, and on
the agreement itself (issue 13): from the notifications as they come, and from the stored
ones in a step of the billing job.

- PAYMENT.SALE.COMPLETED / DENIED / REFUNDED name their sale's invoice_number (or custom):
  the renewal's idempotency key (app.payments.paypal.renewals). A charge the job left
  unknown (no answer, a pending sale) is settled through `charges.apply`, as the job's own
  answer would have been: once (it locks the charge and applies only to an unsettled
  one), with the invoice for a completed sale and past due (the state machine) for a
  denied one. A refund made on PayPal's side gets its credit note, once per PayPal refund;
  a refund of a sale PayPal's plan billed names no key, only the sale, which settling
  made the renewal's reference (`renewal_of_sale`).
- BILLING.AGREEMENT.CANCELLED (BILLING.SUBSCRIPTION.CANCELLED for agreements from a
  plan): the member cancelled it at PayPal, so it can be charged no more; the
  subscriptions charged to it lose their method, the member is asked by email for
  another, and Settings → Payment asks for it too.
- The job's step "PayPal notifications" (before "lost answers", which leaves PayPal
  charges to it): each unsettled PayPal renewal is settled from the stored events that
  name it; with none after PAYPAL_LOOKUP_AFTER, the sale is looked up (`charges.lookup`).
  A renewal on an agreement from a billing plan (I-…), which PayPal bills by itself, is
  settled from PayPal's own sales instead (app.services.paypal_plan_billing).

Redelivered events stop at UNIQUE(provider, event_id) (payment_events.receive); events in
another order than they happened settle the charge once and then change nothing."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.links import public_url
from app.models import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    Subscription,
    User,
    WebhookEvent,
)
from app.payments import paypal_webhooks
from app.payments.base import ChargeResult, Decline, GatewayEvent, Outcome

# paypal_agreements: imported for the job's step it registers (stopping PayPal's billing).
from app.services import (
    invoices,
    mail,
    paypal_agreements,  # noqa: F401
    paypal_plan_billing,
    subscriptions,
)
from app.services.billing import charges, register_step
from app.services.billing.charges import Applied
from app.services.premium import plan_name

PROVIDER = "paypal"
COMPLETED = "PAYMENT.SALE.COMPLETED"
DENIED = "PAYMENT.SALE.DENIED"
REFUNDED = "PAYMENT.SALE.REFUNDED"
SALE_EVENTS = (COMPLETED, DENIED, REFUNDED)
AGREEMENT_CANCELLED = ("BILLING.AGREEMENT.CANCELLED", "BILLING.SUBSCRIPTION.CANCELLED")
UNSETTLED = (PaymentStatus.PENDING, PaymentStatus.UNKNOWN)
# A sale's notification cannot be older than its charge's row; some slack for clocks.
_CLOCK_SLACK = timedelta(hours=1)


def receive(event: GatewayEvent) -> str | None:
    """Apply a PayPal notification about a renewal or an agreement (caller commits);
    None when it is about neither (checkout's payments: payment_events does those)."""
    if event.provider != PROVIDER:
        return None
    if event.event_type in AGREEMENT_CANCELLED:
        return agreement_cancelled(event.payment_reference)
    if event.event_type not in SALE_EVENTS:
        return None
    payment = renewal_for(event)
    if payment is None and event.event_type == REFUNDED:
        payment = renewal_of_sale(event)
    if payment is None:
        # A plan agreement's own monthly sale (app.services.paypal_plan_billing).
        return paypal_plan_billing.receive_sale(event)
    return apply_event(payment, event)


def renewal_for(event: GatewayEvent) -> Payment | None:
    key = event.merchant_reference
    if not key or not key.startswith("renew:"):
        return None
    return db.session.scalar(
        select(Payment).where(
            Payment.gateway == PROVIDER,
            Payment.idempotency_key == key,
            Payment.subscription_id.is_not(None),
        )
    )


def renewal_of_sale(event: GatewayEvent) -> Payment | None:
    """The renewal a refunded sale paid when PayPal's plan billed it (its refund names no
    key of ours, only the sale, which settling made the charge's reference)."""
    sale_id = str(_resource(event).get("sale_id") or "")
    if not sale_id:
        return None
    return db.session.scalar(
        select(Payment).where(
            Payment.gateway == PROVIDER,
            Payment.gateway_reference == sale_id,
            Payment.subscription_id.is_not(None),
            Payment.period_start.is_not(None),
        )
    )


def apply_event(payment: Payment, event: GatewayEvent) -> str:
    sale = _resource(event)
    if event.event_type == REFUNDED:
        return _refunded(payment, event, sale)
    if event.amount_cents is not None and (event.amount_cents, event.currency) != (
        payment.amount_cents,
        payment.currency,
    ):
        return "ignored: amount differs"
    if event.event_type == COMPLETED:
        result = ChargeResult(Outcome.SUCCEEDED, reference=sale.get("parent_payment"))
    else:
        result = ChargeResult(
            Outcome.DECLINED, reference=sale.get("parent_payment"), decline=Decline.DECLINED
        )
    applied = charges.apply(payment.id, result)
    if applied is Applied.PAID:
        return "renewal paid"
    if applied is Applied.DECLINED:
        return "renewal declined"
    return f"ignored: payment already {payment.status.value}"


def _refunded(payment: Payment, event: GatewayEvent, refund: dict) -> str:
    """A refund PayPal made (from its dashboard, or ours echoed back): its credit note,
    once. A refund proves the sale completed, so an unsettled charge is paid first."""
    refund_id = str(refund.get("id") or "")[:100]
    if not refund_id:
        return "ignored: no refund id"
    if event.currency and event.currency != payment.currency:
        return "ignored: currency differs"
    # Locked: two notifications (or one and staff's refund) at once take turns. Its
    # subscription first, as every request locks them (see charges.apply).
    if payment.subscription_id is not None:
        subscriptions.lock(db.session.get(Subscription, payment.subscription_id))
    db.session.refresh(payment, with_for_update=True)
    ours = db.session.scalars(select(Refund).where(Refund.payment_id == payment.id)).all()
    if any(row.gateway_reference == refund_id for row in ours):
        return "ignored: refund already recorded"
    if any(row.status is RefundStatus.PENDING for row in ours):
        # One of ours is under way (app.services.refunds): its own answer records it.
        return "ignored: a refund of ours is under way"
    if payment.status in UNSETTLED:
        charges.apply(payment.id, ChargeResult(Outcome.SUCCEEDED, reference=None))
        db.session.refresh(payment)
    if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return f"ignored: payment is {payment.status.value}"
    left = payment.amount_cents - (payment.refunded_cents or 0)
    cents = min(abs(event.amount_cents or 0), left)
    if cents <= 0:
        return "ignored: nothing left to refund"
    row = Refund(
        payment_id=payment.id,
        idempotency_key=f"paypal-refund:{refund_id}"[:64],
        amount_cents=cents,
        currency=payment.currency,
        reason="Refunded at PayPal",
        actor_id=None,
        status=RefundStatus.SUCCEEDED,
        gateway_reference=refund_id,
    )
    db.session.add(row)
    payment.refunded_cents = (payment.refunded_cents or 0) + cents
    if payment.refunded_cents >= payment.amount_cents:
        payment.status = PaymentStatus.REFUNDED
    db.session.flush()
    invoices.issue_credit_note(row)
    return "refund recorded with its credit note"


def agreement_cancelled(agreement_id: str | None) -> str:
    if not agreement_id:
        return "ignored: no agreement id"
    methods = db.session.scalars(
        select(PaymentMethod.id).where(
            PaymentMethod.kind == "paypal", PaymentMethod.token == agreement_id
        )
    ).all()
    held = (
        db.session.scalars(
            select(Subscription).where(Subscription.payment_method_id.in_(methods))
        ).all()
        if methods
        else []
    )
    for subscription in held:
        subscription.payment_method_id = None
    for method in methods:
        # Cancelled at PayPal: nothing left for the billing job to stop there.
        db.session.get(PaymentMethod, method).paypal_state = "cancelled"
    db.session.flush()
    for user_id in dict.fromkeys(s.user_id for s in held):
        _tell_method_removed(
            db.session.get(User, user_id), [s for s in held if s.user_id == user_id]
        )
    return f"payment method removed from {len(held)} subscription(s)"


def _tell_method_removed(user: User, held: list[Subscription]) -> None:
    """So that the next payment does not fail for want of a method: ask for another."""
    locale = user.locale or "en"
    mail.send_template(
        user.email,
        "paypal_agreement_cancelled",
        locale,
        user=user,
        plans=", ".join(plan_name(s, locale) for s in held),
        link=public_url("account.payment"),
    )


def _resource(event: GatewayEvent) -> dict:
    resource = event.payload.get("resource")
    return resource if isinstance(resource, dict) else {}


# -- the billing job's step ------------------------------------------------------------


def stored_events(payment: Payment) -> list[tuple[WebhookEvent, GatewayEvent]]:
    """The stored sale notifications that name this charge, in the order they happened."""
    rows = db.session.scalars(
        select(WebhookEvent)
        .where(
            WebhookEvent.provider == PROVIDER,
            WebhookEvent.event_type.in_(SALE_EVENTS),
            WebhookEvent.received_at >= payment.created_at - _CLOCK_SLACK,
        )
        .order_by(WebhookEvent.id)
    )
    found = []
    for row in rows:
        event = paypal_webhooks.event_from(row.payload)
        if event.merchant_reference == payment.idempotency_key:
            found.append((row, event))
    found.sort(key=lambda pair: (pair[1].occurred_at is None, pair[1].occurred_at, pair[0].id))
    return found


def reconcile(now: datetime) -> tuple[int, list[str]]:
    """Unsettled PayPal renewals: settled from their stored notifications, or looked up
    when none came within PAYPAL_LOOKUP_AFTER. (settled, what failed)"""
    delay = current_app.config["PAYPAL_LOOKUP_AFTER"]
    ids = db.session.scalars(
        select(Payment.id)
        .where(
            Payment.gateway == PROVIDER,
            Payment.subscription_id.is_not(None),
            Payment.period_start.is_not(None),
            Payment.status.in_(UNSETTLED),
        )
        .order_by(Payment.id)
    ).all()
    db.session.commit()
    done, failed = 0, []
    for payment_id in ids:
        try:
            payment = db.session.get(Payment, payment_id)
            if paypal_plan_billing.agreement_of(payment) is not None:
                # Billed by PayPal itself: settled from its own sales, never charged.
                settled, problem = paypal_plan_billing.settle(payment, now)
                if problem:
                    failed.append(f"payment {payment_id}: {problem}")
                done += settled
                continue
            events = stored_events(payment)
            if events:
                for row, event in events:
                    row.outcome = apply_event(payment, event)[:80]
                    row.processed_at = now
                db.session.commit()
                settled = payment.status not in UNSETTLED
            elif now - payment.updated_at < delay:
                continue  # PayPal's notification may still come
            else:
                settled = charges.lookup(payment_id) in (Applied.PAID, Applied.DECLINED)
        except Exception as error:  # one charge does not stop the others
            db.session.rollback()
            failed.append(f"payment {payment_id}: {type(error).__name__}: {error}")
            continue
        if settled:
            done += 1
        else:
            failed.append(f"payment {payment_id}: PayPal has not settled the sale yet")
    return done, failed


register_step("PayPal notifications", reconcile, before="lost answers")
