"""PayPal bills a plan's agreement (I-…) every month by itself (issue 13, Terms §2.1d,
§3.2): the billing job never charges it again. Its renewal's charge row is left unknown
with no call to PayPal, and settled from PayPal's own sale: a PAYMENT.SALE.COMPLETED /
DENIED on the agreement whose time falls in the period's window (the due date minus 1 day
to plus 10 days), as it comes or from the stored notifications; without one after
PAYPAL_LOOKUP_AFTER, from a look-up of the agreement's transactions; with nothing 5 days
after the due date, declined (past due). A sale for another amount pays the month with what
PayPal took, its excess given back; one in another currency is left for staff.
PayPal is `responses`: nothing leaves the machine."""

import json
import logging
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from sqlalchemy import func, select

from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    GatewayCall,
    Invoice,
    Payment,
    PaymentStatus,
    Subscription,
    WebhookEvent,
)
from app.payments.paypal_webhooks import event_from
from app.services import payment_events, paypal_plan_billing
from tests.conftest import sign_in
from tests.support.billing import run_billing
from tests.support.paypal import (
    AGREEMENT,
    API,
    add_sale_refund,
    on_paypal,
    recorded,
)

RENEWAL_DAY = datetime(2026, 2, 5, 8, 0, tzinfo=UTC)
TRANSACTIONS = f"{API}/v1/payments/billing-agreements/{AGREEMENT}/transactions"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def api_calls(mock) -> list:
    return [c for c in mock.calls if "/oauth2/" not in c.request.url]


def charges_made(mock) -> list:
    return [c for c in api_calls(mock) if c.request.method == "POST"]


@pytest.fixture
def renewed(paypal, make_user, make_subscription, monkeypatch):
    """The job on the anniversary of a subscription on a plan agreement: (subscription,
    its renewal's charge)."""
    subscription = on_paypal(make_subscription(make_user()))
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    # Handed to PayPal's own billing, not a failure of the run.
    assert "reflection ends and renewals: 1 done, 0 failed" in "\n".join(summary.lines())
    return subscription, db.session.scalar(select(Payment))


def sale_event(kind="completed", when="2026-02-05T03:12:00Z", total=None, event_id=None):
    payload = recorded("webhook_recurring_sale_completed")
    payload["create_time"] = payload["resource"]["create_time"] = when
    if kind == "denied":
        payload["event_type"] = "PAYMENT.SALE.DENIED"
        payload["resource"]["state"] = "denied"
    payload["resource"]["amount"]["total"] = total or "20.00"
    payload["id"] = event_id or f"WH-{kind}-{when}"
    return payload


def notify(payload):
    row = payment_events.receive(event_from(payload))
    db.session.commit()
    db.session.expire_all()
    return row


def store(payload, received_at):
    """A notification stored as it came, before there was a charge to settle."""
    db.session.add(
        WebhookEvent(
            provider="paypal",
            event_id=payload["id"],
            event_type=payload["event_type"],
            occurred_at=received_at,
            received_at=received_at,
            payload=payload,
            outcome="no matching payment",
        )
    )
    db.session.commit()


def transactions(*rows):
    return {"agreement_transaction_list": [dict(r) for r in rows]}


def transaction(status, value="20.00", when="2026-02-05T03:12:00Z"):
    return {
        "transaction_id": "6VB45389RK211724M",
        "status": status,
        "transaction_type": "Recurring Payment",
        "amount": {"currency": "EUR", "value": value},
        "time_stamp": when,
        "time_zone": "GMT",
    }


def test_the_job_leaves_the_renewal_unknown_and_calls_paypal_for_nothing(renewed, paypal):
    """§2.1d: PayPal takes the month on the agreement's own cycle: a charge of ours would
    be a second one. The row is there (one per period), unknown, with the renewal's key."""
    subscription, payment = renewed

    assert api_calls(paypal) == []
    assert payment.status is PaymentStatus.UNKNOWN
    assert payment.idempotency_key == f"renew:{subscription.id}:2026-02-05"
    assert payment.amount_cents == 2000 and count(Invoice) == 0
    note = db.session.scalar(select(GatewayCall).where(GatewayCall.operation == "charge"))
    assert note.outcome == "billed by PayPal's plan: no call"


def test_paypals_sale_settles_the_renewal_once_with_its_invoice(renewed, paypal, monkeypatch):
    """§2.1d: the completed sale on the agreement, in the period's window, pays the month;
    the same notification again, or a later run, changes nothing and calls nothing."""
    subscription, payment = renewed

    row = notify(sale_event())
    again = notify(sale_event(event_id="WH-ANOTHER-COPY"))
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(days=1))

    assert row.outcome == "renewal paid"
    assert again.outcome != "renewal paid"
    payment = db.session.get(Payment, payment.id)
    # PayPal's sale: what a refund of the month is made on.
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.gateway_reference == "80021663DE681814L"
    assert count(Invoice) == 1 and charges_made(paypal) == []
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.current_period_end == date(2026, 3, 5)
    assert subscription.status is SubscriptionStatus.ACTIVE


def test_a_sale_that_came_before_the_charge_row_settles_it_at_the_next_run(
    paypal, make_user, make_subscription, monkeypatch
):
    """PayPal billed at night, before the job made the row: the stored notification is
    found by its agreement and its time, and PayPal is asked nothing."""
    subscription = on_paypal(make_subscription(make_user()))
    store(sale_event(), RENEWAL_DAY - timedelta(hours=5))

    run_billing(monkeypatch, RENEWAL_DAY)
    summary = run_billing(monkeypatch, RENEWAL_DAY + timedelta(minutes=10))

    assert db.session.scalar(select(Payment.status)) is PaymentStatus.SUCCEEDED
    assert count(Invoice) == 1 and api_calls(paypal) == []
    assert "PayPal notifications: 1 done, 0 failed" in "\n".join(summary.lines())
    assert db.session.scalar(select(WebhookEvent.outcome)) == "renewal paid"
    assert db.session.get(Subscription, subscription.id).current_period_end == date(2026, 3, 5)


def test_last_months_sale_does_not_settle_this_month(renewed, paypal, monkeypatch):
    """§2.1d: outside the window (the due date minus a day to plus ten days)."""
    _, payment = renewed

    row = notify(sale_event(when="2026-01-05T03:12:00Z"))

    assert row.outcome != "renewal paid"
    assert db.session.get(Payment, payment.id).status is PaymentStatus.UNKNOWN


def test_a_denied_sale_makes_the_subscription_past_due(renewed, paypal):
    """§3.2: through charges.apply, as any failed renewal: past due, its due opened."""
    subscription, payment = renewed

    row = notify(sale_event("denied"))

    assert row.outcome == "renewal declined"
    assert db.session.get(Payment, payment.id).status is PaymentStatus.DECLINED
    assert db.session.get(Subscription, subscription.id).status is SubscriptionStatus.PAST_DUE
    assert count(BillingDue) == 1 and count(Invoice) == 0


def test_with_no_notification_the_agreements_transactions_are_looked_up(
    renewed, paypal, monkeypatch
):
    """A late notification: after PAYPAL_LOOKUP_AFTER the job asks PayPal for the
    agreement's transactions in the window and settles from the completed one."""
    _, payment = renewed
    paypal.add(
        responses.GET,
        TRANSACTIONS,
        json=transactions(
            {
                "transaction_id": AGREEMENT,
                "status": "Created",
                "time_stamp": "2026-01-05T09:00:00Z",
            },
            transaction("Completed"),
        ),
    )

    run_billing(monkeypatch, RENEWAL_DAY + timedelta(minutes=30))
    assert api_calls(paypal) == []

    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))
    (lookup,) = api_calls(paypal)
    asked = parse_qs(urlsplit(lookup.request.url).query)
    assert (asked["start_date"], asked["end_date"]) == (["2026-02-04"], ["2026-02-06"])
    payment = db.session.get(Payment, payment.id)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.gateway_reference == "6VB45389RK211724M"
    assert count(Invoice) == 1 and charges_made(paypal) == []


def test_nothing_from_paypal_waits_then_declines_five_days_after_the_due_date(
    renewed, paypal, monkeypatch
):
    """§3.2: PayPal retries a failed payment itself; with no sale by day 5 the renewal is
    unpaid: past due through the normal path."""
    subscription, payment = renewed
    paypal.add(responses.GET, TRANSACTIONS, json=transactions())

    waiting = run_billing(monkeypatch, RENEWAL_DAY + timedelta(days=2))
    assert db.session.get(Payment, payment.id).status is PaymentStatus.UNKNOWN
    assert "PayPal has not billed the agreement yet" in "\n".join(waiting.lines())

    run_billing(monkeypatch, datetime(2026, 2, 10, 8, tzinfo=UTC))

    assert db.session.get(Payment, payment.id).status is PaymentStatus.DECLINED
    assert db.session.get(Subscription, subscription.id).status is SubscriptionStatus.PAST_DUE
    # Only the agreement's own endpoints: never a payment of ours.
    assert all("/billing-agreements/" in c.request.url for c in api_calls(paypal))


SALE_ID = "80021663DE681814L"  # the recorded notification's sale


def refund_bodies(mock) -> list[dict]:
    return [
        json.loads(c.request.body)
        for c in api_calls(mock)
        if c.request.url.endswith("/refund") and c.request.method == "POST"
    ]


def test_a_sale_above_the_price_pays_the_month_and_the_excess_is_given_back(
    renewed, paypal, monkeypatch
):
    """§1: the plan still bills the price it was approved for (€24.50) after the member
    accepted a lower one (€20.00). The notification alone settles nothing (a refund
    commits on its own); the job's step pays the month with what PayPal took, invoices
    it, and refunds the €4.50 on the sale with a credit note: the invoice less the credit
    note is what the member owes. A second run gives nothing back twice."""
    subscription, payment = renewed
    add_sale_refund(paypal, SALE_ID)

    row = notify(sale_event(total="24.50"))
    assert row.outcome == "waiting: another amount, settled by the billing job"
    assert db.session.get(Payment, payment.id).status is PaymentStatus.UNKNOWN

    summary = run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(days=1))

    payment = db.session.get(Payment, payment.id)
    assert (payment.status, payment.amount_cents) == (PaymentStatus.SUCCEEDED, 2450)
    assert payment.refunded_cents == 450 and payment.gateway_reference == SALE_ID
    assert refund_bodies(paypal) == [{"amount": {"total": "4.50", "currency": "EUR"}}]
    invoice, credit_note = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
    assert (invoice.total_cents, credit_note.total_cents) == (2450, 450)
    assert credit_note.reason == paypal_plan_billing.EXCESS_REASON
    assert db.session.get(Subscription, subscription.id).status is SubscriptionStatus.ACTIVE
    assert "for staff" not in "\n".join(summary.lines())


def test_a_sale_below_the_price_pays_the_month_and_nothing_more_is_asked(
    renewed, paypal, monkeypatch
):
    """§1: a plan approved at a lower price than the one accepted since: what PayPal took
    pays the month (its invoice says that sum); the difference is not asked for, and
    nothing is refunded."""
    _, payment = renewed
    notify(sale_event(total="15.00"))
    run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))

    payment = db.session.get(Payment, payment.id)
    assert (payment.status, payment.amount_cents) == (PaymentStatus.SUCCEEDED, 1500)
    assert refund_bodies(paypal) == [] and count(BillingDue) == 0
    (invoice,) = db.session.scalars(select(Invoice)).all()
    assert invoice.total_cents == 1500


def test_an_excess_paypal_refuses_to_give_back_is_named_for_staff(
    renewed, paypal, monkeypatch, caplog
):
    """The month is paid all the same; the refused refund is kept (its row, no credit
    note) and the summary says staff must look."""
    _, payment = renewed
    add_sale_refund(paypal, SALE_ID, status=422)
    notify(sale_event(total="24.50"))
    with caplog.at_level(logging.WARNING, logger="atelier.paypal"):
        summary = run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))

    assert db.session.get(Payment, payment.id).status is PaymentStatus.SUCCEEDED
    assert "could not be given back" in "\n".join(summary.lines())
    assert "not given back" in caplog.text
    assert count(Invoice) == 1


def test_a_sale_in_another_currency_is_left_for_staff(renewed, paypal, monkeypatch, caplog):
    """Not ours to convert: neither paid nor declined. Logged, noted in the gateway log,
    named in the summary; the charge stays unknown."""
    _, payment = renewed
    payload = sale_event()
    payload["resource"]["amount"]["currency"] = "USD"

    with caplog.at_level(logging.WARNING, logger="atelier.paypal"):
        row = notify(payload)
        summary = run_billing(monkeypatch, RENEWAL_DAY + timedelta(hours=2))

    assert row.outcome == "ignored: currency differs (left for staff)"
    assert db.session.get(Payment, payment.id).status is PaymentStatus.UNKNOWN
    assert "for staff to check" in "\n".join(summary.lines())
    assert "another currency" in caplog.text
    assert count(GatewayCall, GatewayCall.outcome == "currency differs: left unknown for staff")
    assert count(Invoice) == 0


def plan_sale_refunded(amount="-20.00", refund_id="1JU08902781691411"):
    """PAYMENT.SALE.REFUNDED for the plan's sale: no key of ours, only the sale's id."""
    payload = recorded("webhook_renewal_sale_refunded")
    resource = payload["resource"]
    resource["sale_id"], resource["id"] = SALE_ID, refund_id
    resource["amount"]["total"] = amount
    for field in ("invoice_number", "custom", "parent_payment"):
        resource.pop(field, None)
    payload["id"] = f"WH-REFUND-{refund_id}"
    return payload


def test_a_refund_made_on_paypals_dashboard_gets_its_credit_note_once(renewed, paypal, monkeypatch):
    """§6.1: staff refunded a plan renewal on PayPal's side: the renewal it paid is found
    by its sale, and the refund gets its credit note, once (a copy of the notification
    records nothing more)."""
    _, payment = renewed
    notify(sale_event())
    assert db.session.get(Payment, payment.id).gateway_reference == SALE_ID

    row = notify(plan_sale_refunded())
    again = notify(plan_sale_refunded() | {"id": "WH-ANOTHER-COPY"})

    assert row.outcome == "refund recorded with its credit note"
    assert again.outcome == "ignored: refund already recorded"
    payment = db.session.get(Payment, payment.id)
    assert (payment.status, payment.refunded_cents) == (PaymentStatus.REFUNDED, 2000)
    _, credit_note = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
    assert credit_note.total_cents == 2000 and credit_note.reason == "Refunded at PayPal"


def test_a_retry_of_an_unpaid_renewal_is_declined_without_calling_paypal(
    renewed, paypal, monkeypatch
):
    """§3.2: the plan bills its monthly sum only; a balance with interest and fee is paid
    with another method: the job's retry is declined at once, PayPal is not charged."""
    notify(sale_event("denied"))

    run_billing(monkeypatch, datetime(2026, 2, 6, 8, tzinfo=UTC))

    payment = db.session.scalar(select(Payment))
    assert payment.idempotency_key.endswith(":2")
    assert payment.status is PaymentStatus.DECLINED
    assert all("/payments/payment" not in c.request.url for c in api_calls(paypal))
    body = [json.loads(c.request.body or "{}") for c in charges_made(paypal)]
    assert all("transactions" not in b for b in body)


def test_the_premium_tab_asks_for_a_card_instead_of_pay_now(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """§3.2: the balance of a PayPal plan subscription cannot be collected on the agreement:
    the page says so and links to the Payment tab instead of a Pay now that would fail."""
    member = make_user()
    on_paypal(make_subscription(member))
    run_billing(monkeypatch, RENEWAL_DAY)
    notify(sale_event("denied"))
    client = app.test_client()
    sign_in(client, member.email, member.password)

    page = client.get("/account/premium").get_data(as_text=True)

    assert "Balance due" in page and "Pay now" not in page
    assert "cannot pay this balance" in page and 'href="/account/payment"' in page
