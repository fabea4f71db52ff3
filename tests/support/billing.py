"""Charges that went through the sandbox gateway, for the invoicing and billing tests:
the gateway's own books hold them (so they can be refunded), and the payment is settled
by app.services.settlement like any charge (so it has its invoice)."""

import secrets

from app.extensions import db
from app.models import Payment, PaymentMethod, PaymentStatus, Subscription
from app.payments.base import ChargeRequest
from app.payments.sandbox import SandboxGateway
from app.services.settlement import settle_payment


def card_of(user, scenario: str = "success") -> PaymentMethod:
    method = PaymentMethod(
        user_id=user.id,
        gateway="sandbox",
        kind="card",
        token=f"sbx_{scenario}_{secrets.token_hex(8)}",
        brand="visa",
        last4="4242",
        exp_month=4,
        exp_year=2039,
    )
    db.session.add(method)
    db.session.flush()
    return method


def paid_payment(subscription: Subscription, amount_cents: int = 2000) -> Payment:
    """A succeeded sandbox charge of `amount_cents` for `subscription`'s order, settled
    and committed (its invoice issued)."""
    method = card_of(subscription.user)
    key = f"test:{secrets.token_hex(8)}"
    result = SandboxGateway().charge(
        ChargeRequest(
            idempotency_key=key,
            amount_cents=amount_cents,
            currency="EUR",
            reference="TEST",
            description="test charge",
            kind="card",
            shopper_reference=f"user-{subscription.user_id}",
            method_token=method.token,
        )
    )
    payment = Payment(
        subscription_id=subscription.id,
        user_id=subscription.user_id,
        payment_method_id=method.id,
        idempotency_key=key,
        gateway="sandbox",
        amount_cents=amount_cents,
        currency="EUR",
        status=PaymentStatus.PENDING,
        gateway_reference=result.reference,
    )
    db.session.add(payment)
    db.session.flush()
    settle_payment(payment, PaymentStatus.SUCCEEDED)
    db.session.commit()
    return payment


def renewing(
    subscription: Subscription,
    scenario: str = "success",
    period_end=None,
) -> Subscription:
    """Give `subscription` (from make_subscription) a kept card of the sandbox `scenario`
    and, for an active one, a paid month ending on `period_end` (committed)."""
    method = card_of(subscription.user, scenario)
    subscription.payment_method_id = method.id
    if period_end is not None:
        subscription.current_period_start = subscription.anchor_date
        subscription.current_period_end = period_end
    db.session.commit()
    return subscription


def run_billing(monkeypatch, moment):
    """The billing job at `moment` (an aware datetime), as `flask billing run --now`."""
    from app import clock
    from app.services import billing

    monkeypatch.setattr(clock, "now", lambda: moment)
    summary = billing.run(moment)
    db.session.expire_all()
    return summary
