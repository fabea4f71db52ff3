"""The demo's Premium Solo subscriber, bought the way a learner buys: a card kept by the
configured card gateway (the offline sandbox by default), the first month charged
through it and settled like any Confirm — so the order completes, the subscription
starts with its period, the invoice is issued and the confirmation emails wait in the
outbox. Their first use of the paid features is recorded (they have done exercises), so
the Premium page shows the withdrawal right as ended, and why."""

import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.domain.orders import OrderStatus, Plan
from app.extensions import db
from app.models import Order, Payment, PaymentKind, PaymentStatus, Subscription, User
from app.payments import gateway_for
from app.payments.base import ChargeRequest, Outcome
from app.services.checkout.figures import current_quote, record_review
from app.services.checkout.steps import keep_method
from app.services.settlement import settle_payment

# The sandbox's card that is always accepted (its page documents it), any future expiry.
DEMO_CARD = {"card_number": "4242424242424242", "card_expiry": "12/30", "card_cvc": "123"}


def seed_paid_solo(user: User, now: datetime) -> Subscription | None:
    """Buy Premium Solo for `user` unless they hold a subscription already. None when the
    gateway refuses (a demo configured with a real gateway and no test card)."""
    existing = db.session.scalar(select(Subscription).where(Subscription.user_id == user.id))
    if existing is not None:
        return existing
    gateway = gateway_for("card")
    saved = gateway.save_method(user.id, DEMO_CARD)
    if saved.problem is not None:
        return None
    method = keep_method(user.id, gateway.name, saved.method)
    public_id = secrets.token_hex(16)
    order = Order(
        public_id=public_id,
        reference=f"AT-DEMO{secrets.token_hex(3).upper()}",
        idempotency_key=f"order:{public_id}",
        plan=Plan.SOLO,
        user_id=user.id,
        status=OrderStatus.PAYMENT_PENDING,
        country="FR",
        billing_country="FR",
        full_name=user.name,
        postal_code="75011",
        city="Paris",
        locale=user.locale,
        payment_kind=PaymentKind.CARD,
        payment_method_id=method.id,
        confirmed_at=now,
        holder_confirmed_at=now,
    )
    db.session.add(order)
    db.session.flush()
    # The figures come from the catalog's price, as the Review page records them.
    record_review(order, current_quote(order))
    payment = Payment(
        order_id=order.id,
        attempt=1,
        user_id=user.id,
        payment_method_id=method.id,
        idempotency_key=f"{order.idempotency_key}:1",
        gateway=gateway.name,
        amount_cents=order.due_today_cents,
        status=PaymentStatus.PENDING,
    )
    db.session.add(payment)
    db.session.flush()
    result = gateway.charge(
        ChargeRequest(
            idempotency_key=payment.idempotency_key,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            reference=order.reference,
            description=f"{current_app.config['PLATFORM_NAME']} Premium Solo ({order.reference})",
            kind="card",
            shopper_reference=f"user-{user.id}",
            method_token=method.token,
            locale=user.locale or "en",
        )
    )
    if result.outcome is not Outcome.SUCCEEDED:
        return None
    payment.gateway_reference = result.reference
    # The confirmation emails carry links: built as the billing job builds its own.
    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base_url):
        settle_payment(payment, PaymentStatus.SUCCEEDED)
    subscription = db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))
    subscription.first_access_at = now
    return subscription
