"""PayPal renewals (issue 13, Terms §2.1d, §2.2g, §3.2) on a merchant-initiated agreement
(B-…): the billing job charges a PayPal subscription's month on it, a reference
transaction sent without the payer, with the renewal's idempotency key as PayPal-Request-Id, invoice_number and
custom; paid, declined and unknown answers have the outcomes the job expects. PayPal is
the recorded answers of tests/fixtures/paypal, served by `responses`."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import responses
from sqlalchemy import func, select

from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import BillingDue, Invoice, Payment, PaymentStatus, Subscription
from app.payments import gateway_named
from app.payments.base import ChargeRequest, Decline, GatewayTimeout, Outcome
from tests.support.billing import run_billing
from tests.support.paypal import (
    API,
    MERCHANT_AGREEMENT,
    PAYMENT_ID,
    SALE_ID,
    on_paypal,
    recorded,
)

RENEWAL_DAY = datetime(2026, 2, 5, 8, 0, tzinfo=UTC)
PAYMENTS = f"{API}/v1/payments/payment"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def creates(mock) -> list:
    return [c for c in mock.calls if c.request.method == "POST" and c.request.url == PAYMENTS]


def renewal(key="renew:7:2026-02-05", cents=2000) -> ChargeRequest:
    return ChargeRequest(
        idempotency_key=key,
        amount_cents=cents,
        currency="EUR",
        reference="AT-7F3K2Q",
        description="Atelier renewal (AT-7F3K2Q)",
        kind="paypal",
        shopper_reference="user-7",
        method_token=MERCHANT_AGREEMENT,
        save_for_renewals=False,
    )


def test_a_renewal_is_a_reference_transaction_on_the_agreement(app, paypal):
    """§2.1d: the month is charged without the payer, on the agreement they approved."""
    key = "renew:7:2026-02-05"
    paypal.add(responses.POST, PAYMENTS, json=recorded("reference_transaction_completed", key))

    result = gateway_named("paypal").charge(renewal(key))

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == PAYMENT_ID and result.raw["sale_id"] == SALE_ID
    assert (result.amount_cents, result.currency) == (2000, "EUR")
    (create,) = creates(paypal)
    body = json.loads(create.request.body)
    assert body["intent"] == "sale"
    assert body["payer"]["funding_instruments"] == [
        {"billing": {"billing_agreement_id": MERCHANT_AGREEMENT}}
    ]
    (transaction,) = body["transactions"]
    assert transaction["amount"] == {"total": "20.00", "currency": "EUR"}
    assert (transaction["invoice_number"], transaction["custom"]) == (key, key)
    # No approval, so nowhere to send the payer back to.
    assert "redirect_urls" not in body
    assert create.request.headers["PayPal-Request-Id"] == key


@pytest.mark.parametrize(
    ("name", "decline"),
    [("INSTRUMENT_DECLINED", Decline.DECLINED), ("INSUFFICIENT_FUNDS", Decline.INSUFFICIENT_FUNDS)],
)
def test_a_refused_renewal_is_declined_in_our_words(app, paypal, name, decline):
    """§3.2: a failed renewal is a decline (the job makes the subscription past due)."""
    paypal.add(
        responses.POST, PAYMENTS, json={"name": name, "debug_id": "8d9a5bd2f1a6e"}, status=400
    )

    result = gateway_named("paypal").charge(renewal())

    assert result.outcome is Outcome.DECLINED and result.decline is decline


def test_a_pending_sale_is_unknown_until_paypal_says(app, paypal):
    paypal.add(responses.POST, PAYMENTS, json=recorded("reference_transaction_pending", "k"))

    result = gateway_named("paypal").charge(renewal())

    assert result.outcome is Outcome.UNKNOWN and result.reference == PAYMENT_ID


def test_no_answer_is_a_timeout_and_the_look_up_says_send_it_again(app, paypal):
    """A sale needs no approval, so a create without an answer may have charged: the
    look-up tells the job to resend with the same PayPal-Request-Id, never a new one."""
    paypal.add(responses.POST, PAYMENTS, body=requests.exceptions.ReadTimeout())
    gateway = gateway_named("paypal")

    with pytest.raises(GatewayTimeout):
        gateway.charge(renewal())
    looked = gateway.lookup("renew:7:2026-02-05", None)

    assert looked.outcome is Outcome.DECLINED and looked.decline is Decline.GATEWAY_ERROR


def test_the_job_renews_a_paypal_subscription_once_with_its_invoice(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """§2.1d: on the anniversary the job charges the agreement, invoices it, renews the
    period; a second run charges nothing."""
    subscription = on_paypal(make_subscription(make_user()), token=MERCHANT_AGREEMENT)
    key = f"renew:{subscription.id}:2026-02-05"
    paypal.add(responses.POST, PAYMENTS, json=recorded("reference_transaction_completed", key))

    run_billing(monkeypatch, RENEWAL_DAY)
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=1))

    [payment] = db.session.scalars(select(Payment))
    assert (payment.status, payment.gateway, payment.idempotency_key) == (
        PaymentStatus.SUCCEEDED,
        "paypal",
        key,
    )
    assert payment.gateway_reference == PAYMENT_ID
    assert count(Invoice) == 1 and len(creates(paypal)) == 1
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.current_period_end == date(2026, 3, 5)


def test_a_declined_paypal_renewal_makes_the_subscription_past_due(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """§3.2: past due at once, through the state machine, with its due opened."""
    subscription = on_paypal(make_subscription(make_user()), token=MERCHANT_AGREEMENT)
    paypal.add(
        responses.POST,
        PAYMENTS,
        json=recorded("payment_execute_instrument_declined"),
        status=400,
    )

    run_billing(monkeypatch, RENEWAL_DAY)

    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is SubscriptionStatus.PAST_DUE
    assert db.session.scalar(select(Payment.decline_code)) == "declined"
    assert count(BillingDue) == 1 and count(Invoice) == 0


def test_a_lost_answer_is_sent_again_with_the_same_request_id_and_paid_once(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """§3.3: the run that got no answer leaves the charge unknown; a later run resends the
    same request (PayPal answers with the sale it made) and issues one invoice."""
    subscription = on_paypal(make_subscription(make_user()), token=MERCHANT_AGREEMENT)
    key = f"renew:{subscription.id}:2026-02-05"
    paypal.add(responses.POST, PAYMENTS, body=requests.exceptions.ReadTimeout())
    paypal.add(responses.POST, PAYMENTS, json=recorded("reference_transaction_completed", key))

    first = run_billing(monkeypatch, RENEWAL_DAY)
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.UNKNOWN
    assert "no answer from the payment service" in "\n".join(first.lines())
    # After the delay in which PayPal's own notification would have settled it.
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=7))

    assert db.session.scalar(select(Payment.status)) is PaymentStatus.SUCCEEDED
    assert count(Invoice) == 1
    assert [c.request.headers["PayPal-Request-Id"] for c in creates(paypal)] == [key, key]
