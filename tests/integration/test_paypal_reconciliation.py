"""PayPal renewals settled by PayPal's word (issue 13, Terms §2.1d, §3.2, §3.3): the
notifications of a renewal's sale, matched by its idempotency key, settle the charge the
billing job left unknown, exactly once (an invoice for a completed sale, past due through
the state machine for a denied one, a credit note for a refund); the job settles from the
stored notifications and looks the sale up only when none came after a delay; a cancelled
agreement leaves its subscriptions without a method, and the member is asked for another.
Replayed and out-of-order
notifications change nothing twice."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
from sqlalchemy import func, select

from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    Refund,
    Subscription,
    SubscriptionEvent,
    WebhookEvent,
)
from app.payments.paypal_webhooks import event_from
from app.services import payment_events
from tests.conftest import outbox_for, sign_in
from tests.support.billing import run_billing
from tests.support.paypal import (
    API,
    MERCHANT_AGREEMENT,
    PAYMENT_ID,
    on_paypal,
    recorded,
)

RENEWAL_DAY = datetime(2026, 2, 5, 8, 0, tzinfo=UTC)
PAYMENTS = f"{API}/v1/payments/payment"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def left_unknown(paypal, make_user, make_subscription, monkeypatch):
    """A PayPal renewal the job charged on the anniversary (a merchant-initiated agreement),
    PayPal's sale still pending:
    the charge is unknown. Gives (subscription, its renewal key)."""
    subscription = on_paypal(make_subscription(make_user()), token=MERCHANT_AGREEMENT)
    key = f"renew:{subscription.id}:2026-02-05"
    paypal.add(responses.POST, PAYMENTS, json=recorded("reference_transaction_pending", key))
    run_billing(monkeypatch, RENEWAL_DAY)
    payment = db.session.scalar(select(Payment))
    assert (payment.status, payment.gateway_reference) == (PaymentStatus.UNKNOWN, PAYMENT_ID)
    return subscription, key


def notify(name: str, key: str, **changes):
    payload = recorded(name, key)
    payload.update(changes)
    row = payment_events.receive(event_from(payload))
    db.session.commit()
    db.session.expire_all()
    return row


def payment() -> Payment:
    return db.session.scalar(select(Payment))


def lookups(mock) -> list:
    return [c for c in mock.calls if c.request.method == "GET" and PAYMENT_ID in c.request.url]


def test_a_completed_sale_settles_the_unknown_charge_once_with_its_invoice(left_unknown):
    """§3.3: the sale completed, so the month is paid and invoiced; the same notification
    again, another copy of it or a late denial change nothing."""
    subscription, key = left_unknown

    row = notify("webhook_renewal_sale_completed", key)

    assert row.outcome == "renewal paid"
    assert payment().status is PaymentStatus.SUCCEEDED and count(Invoice) == 1
    assert db.session.get(Subscription, subscription.id).current_period_end.isoformat() == (
        "2026-03-05"
    )
    assert notify("webhook_renewal_sale_completed", key) is None  # redelivered: stored once
    again = notify("webhook_renewal_sale_completed", key, id="WH-ANOTHER-COPY")
    late = notify("webhook_renewal_sale_denied", key)
    assert again.outcome == late.outcome == "ignored: payment already succeeded"
    assert count(Invoice) == 1 and count(BillingDue) == 0
    assert db.session.get(Subscription, subscription.id).status is SubscriptionStatus.ACTIVE


def test_a_denied_sale_makes_the_subscription_past_due_through_the_state_machine(
    left_unknown,
):
    """§3.2: the renewal failed: past due at once, with its audit row and its due."""
    subscription, key = left_unknown

    row = notify("webhook_renewal_sale_denied", key)
    notify("webhook_renewal_sale_completed", key)  # out of order: nothing more

    assert row.outcome == "renewal declined"
    assert payment().status is PaymentStatus.DECLINED and count(Invoice) == 0
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is SubscriptionStatus.PAST_DUE
    assert count(BillingDue) == 1
    assert (
        count(
            SubscriptionEvent,
            SubscriptionEvent.subscription_id == subscription.id,
            SubscriptionEvent.reason == Reason.PAYMENT_FAILED,
        )
        == 1
    )


def test_a_refund_before_its_sale_is_paid_then_credited_once(left_unknown):
    """§3.3: out of order, the refund comes first: the sale did complete (invoice), the
    refund gets its credit note; neither the late completion nor a replay adds any."""
    _, key = left_unknown

    refunded = notify("webhook_renewal_sale_refunded", key)
    completed = notify("webhook_renewal_sale_completed", key)
    notify("webhook_renewal_sale_refunded", key, id="WH-REFUND-COPY")

    assert refunded.outcome == "refund recorded with its credit note"
    assert completed.outcome == "ignored: payment already refunded"
    assert payment().status is PaymentStatus.REFUNDED and payment().refunded_cents == 2000
    assert count(Refund) == 1
    assert count(Invoice, Invoice.kind == InvoiceKind.INVOICE) == 1
    assert count(Invoice, Invoice.kind == InvoiceKind.CREDIT_NOTE) == 1


def test_a_notification_for_another_amount_is_kept_but_not_applied(left_unknown):
    _, key = left_unknown
    payload = recorded("webhook_renewal_sale_completed", key)
    payload["resource"]["amount"] = {"total": "2.00", "currency": "EUR"}

    row = payment_events.receive(event_from(payload))

    assert row.outcome == "ignored: amount differs"
    assert payment().status is PaymentStatus.UNKNOWN


def test_the_job_settles_from_a_stored_notification_without_asking_paypal(
    left_unknown, paypal, monkeypatch
):
    """A notification stored but not applied (received while it could not be): the next
    run settles the charge from it, and asks PayPal nothing."""
    _, key = left_unknown
    payload = recorded("webhook_renewal_sale_completed", key)
    db.session.add(
        WebhookEvent(
            provider="paypal",
            event_id=payload["id"],
            event_type=payload["event_type"],
            occurred_at=RENEWAL_DAY,
            payload=payload,
        )
    )
    db.session.commit()

    summary = run_billing(monkeypatch, RENEWAL_DAY + timedelta(minutes=10))

    assert payment().status is PaymentStatus.SUCCEEDED and count(Invoice) == 1
    assert lookups(paypal) == []
    assert "PayPal notifications: 1 done, 0 failed" in "\n".join(summary.lines())
    row = db.session.scalar(select(WebhookEvent))
    assert row.outcome == "renewal paid"


def test_with_no_notification_the_sale_is_looked_up_only_after_the_delay(
    left_unknown, paypal, monkeypatch
):
    """A notification that is late: within PAYPAL_LOOKUP_AFTER the job waits; after it,
    the job asks PayPal about the sale and settles the charge."""
    _, key = left_unknown
    paypal.add(
        responses.GET,
        f"{PAYMENTS}/{PAYMENT_ID}",
        json=recorded("reference_transaction_completed", key),
    )

    run_billing(monkeypatch, RENEWAL_DAY + timedelta(minutes=30))
    assert lookups(paypal) == [] and payment().status is PaymentStatus.UNKNOWN

    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))
    assert len(lookups(paypal)) == 1
    assert payment().status is PaymentStatus.SUCCEEDED and count(Invoice) == 1
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=3))
    assert len(lookups(paypal)) == 1 and count(Invoice) == 1


def test_a_cancelled_agreement_removes_the_payment_method(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """The member cancelled the agreement at PayPal: PayPal is asked for nothing more,
    Settings → Payment asks for another method, and the renewal, due all the same, fails
    without a payment method (§3.2). A replay changes nothing."""
    member = make_user()
    subscription = on_paypal(make_subscription(member))

    row = notify("webhook_agreement_cancelled", "")
    again = notify("webhook_agreement_cancelled", "", id="WH-CANCEL-COPY")

    assert row.outcome == "payment method removed from 1 subscription(s)"
    assert again.outcome == "payment method removed from 0 subscription(s)"
    assert db.session.get(Subscription, subscription.id).payment_method_id is None
    (told,) = outbox_for(member.email)
    assert told.subject == "Your PayPal agreement is cancelled: add a payment method"
    assert "/account/payment" in told.text_body
    run_billing(monkeypatch, RENEWAL_DAY)
    assert len(paypal.calls) == 0
    (renewal,) = db.session.scalars(select(Payment)).all()
    assert renewal.decline_code == "no_method"
    client = app.test_client()
    sign_in(client, member.email, member.password)
    page = client.get("/account/payment").get_data(as_text=True)
    assert "None kept" in page and "Pay by another card" in page
    assert "No payment method is kept for a subscription above" in page


def test_the_member_is_asked_in_their_language(app, paypal, make_user, make_subscription):
    member = make_user(locale="fr")
    on_paypal(make_subscription(member))

    notify("webhook_agreement_cancelled", "")

    (told,) = outbox_for(member.email)
    assert told.subject == "Votre autorisation PayPal est annulée : ajoutez un moyen de paiement"
    assert "onglet Paiement" in told.text_body
