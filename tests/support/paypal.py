"""PayPal subscribers for the renewal and reconciliation tests: a subscription charged to
an approved billing agreement, with PayPal's recorded answers (tests/fixtures/paypal)
served by `responses`, so nothing leaves the machine."""

import json
from datetime import date
from pathlib import Path

from app.extensions import db
from app.models import PaymentMethod, Subscription

API = "https://api.sandbox.paypal.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paypal"
AGREEMENT = "I-0LN988D3JACS"
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


def on_paypal(subscription: Subscription, period_end=date(2026, 2, 5)) -> Subscription:
    """Charge `subscription` (from make_subscription) to a PayPal billing agreement, with a
    paid month ending on `period_end` (committed)."""
    method = PaymentMethod(
        user_id=subscription.user_id,
        gateway="paypal",
        kind="paypal",
        token=AGREEMENT,
        payer_email="camille.buyer@example.com",
    )
    db.session.add(method)
    db.session.flush()
    subscription.payment_method_id = method.id
    subscription.current_period_start = subscription.anchor_date
    subscription.current_period_end = period_end
    db.session.commit()
    return subscription
