"""PayPal subscribers for the renewal and reconciliation tests: a subscription charged to
an approved billing agreement, with PayPal's recorded answers (tests/fixtures/paypal)
served by `responses`, so nothing leaves the machine."""

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import responses

from app.extensions import db
from app.models import BillingDue, Order, Payment, PaymentMethod, PaymentStatus, Subscription

API = "https://api.sandbox.paypal.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paypal"
# From a billing plan (what checkout signs): PayPal bills it every month by itself.
AGREEMENT = "I-0LN988D3JACS"
# Merchant-initiated: the billing job charges it, as reference transactions.
MERCHANT_AGREEMENT = "B-5YJ39485LT3048302"
PAYMENT_ID = "PAY-4RR82925RK441681MLR3VEQY"
SALE_ID = "7DL54398G7424504W"
SETTINGS = {
    "PAYPAL_GATEWAY": "paypal",
    "PAYPAL_MODE": "sandbox",
    "PAYPAL_CLIENT_ID": "test-client-id",
    "PAYPAL_CLIENT_SECRET": "test-client-secret-value",
    "PAYPAL_WEBHOOK_ID": "8PT597110X687430LKGECATA",
}


def recorded(name: str, key: str = "") -> dict:
    """A recorded answer, with `key` (the renewal's idempotency key) where PayPal echoes it."""
    return json.loads((FIXTURES / f"{name}.json").read_text().replace("RENEWAL_KEY", key))


def on_paypal(
    subscription: Subscription, period_end=date(2026, 2, 5), token=AGREEMENT
) -> Subscription:
    """Charge `subscription` (from make_subscription) to a PayPal billing agreement (`token`),
    with a paid month ending on `period_end` (committed)."""
    method = PaymentMethod(
        user_id=subscription.user_id,
        gateway="paypal",
        kind="paypal",
        token=token,
        payer_email="camille.buyer@example.com",
    )
    db.session.add(method)
    db.session.flush()
    subscription.payment_method_id = method.id
    # Signed at checkout with this agreement (what the billing job's stop step checks).
    db.session.get(Order, subscription.order_id).payment_method_id = method.id
    subscription.current_period_start = subscription.anchor_date
    subscription.current_period_end = period_end
    db.session.commit()
    return subscription


def past_due_on_paypal(subscription: Subscription) -> Subscription:
    """`subscription` (past due) on a plan agreement whose last renewal PayPal denied: its
    due is open, as the billing job leaves it (committed)."""
    on_paypal(subscription, period_end=subscription.current_period_start)
    start = subscription.current_period_start
    payment = Payment(
        subscription_id=subscription.id,
        period_start=datetime.combine(start, time(0), UTC),
        attempt=1,
        user_id=subscription.user_id,
        payment_method_id=subscription.payment_method_id,
        idempotency_key=f"renew:{subscription.id}:{start.isoformat()}",
        gateway="paypal",
        amount_cents=2000,
        currency="EUR",
        status=PaymentStatus.DECLINED,
        decline_code="declined",
    )
    db.session.add(payment)
    db.session.flush()
    db.session.add(
        BillingDue(
            subscription_id=subscription.id,
            payment_id=payment.id,
            period_start=start,
            due_on=start,
            amount_cents=2000,
            currency="EUR",
        )
    )
    db.session.commit()
    return subscription


def add_sale_refund(mock, sale_id: str, status: int = 201) -> None:
    """PayPal's look-up of the sale `sale_id` and its refund: done (201) or refused."""
    mock.add(
        responses.GET, f"{API}/v1/payments/sale/{sale_id}", json=recorded("sale") | {"id": sale_id}
    )
    mock.add(
        responses.POST,
        f"{API}/v1/payments/sale/{sale_id}/refund",
        json=recorded("sale_refunded") | {"sale_id": sale_id}
        if status < 300
        else {"name": "TRANSACTION_REFUSED", "debug_id": "5e4d3c2b1a098"},
        status=status,
    )
