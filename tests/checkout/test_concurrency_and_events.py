"""Concurrent Confirms charge once; gateway notifications are applied once, forwards only."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Payment, PaymentStatus, SandboxTransaction, Subscription, WebhookEvent
from app.payments.base import GatewayEvent, Outcome
from app.services import payment_events
from tests.checkout_fixtures import CHALLENGE_CARD, TIMEOUT_CARD, buy_until_review, hidden
from tests.conftest import sign_in


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_concurrent_confirms_make_one_charge_and_one_subscription(shop, app, make_user):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serialises writers; real concurrency is tested on PostgreSQL")
    user = make_user()
    first = app.test_client()
    sign_in(first, user.email, user.password)
    buyer = buy_until_review(first)
    html = buyer.review().get_data(as_text=True)
    data = {
        "figures": hidden(html, "figures"),
        "versions": hidden(html, "versions"),
        "accept_terms": "y",
        "immediate_access": "y",
    }
    clients = [first]
    for _ in range(4):
        other = app.test_client()
        sign_in(other, user.email, user.password)
        clients.append(other)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def confirm(client):
        barrier.wait()
        statuses.append(client.post(buyer.url("confirm"), data=data).status_code)

    threads = [threading.Thread(target=confirm, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status == 302 for status in statuses), statuses
    db.session.expire_all()
    assert count(Payment) == 1 and count(SandboxTransaction) == 1
    assert count(Subscription) == 1
    assert buyer.order.status is OrderStatus.COMPLETED


@pytest.mark.parametrize("rounds", [3])
def test_concurrent_check_again_after_a_lost_answer_never_errs(shop, app, make_user, rounds):
    """An outside review sent 6 concurrent Confirms from the pending page of a payment
    whose answer was lost: some got 500s (the subscription inserted twice). The losers
    must see the confirmation or the pending page, never an error; one charge."""
    user = make_user()
    clients = []
    for _ in range(6):
        client = app.test_client()
        sign_in(client, user.email, user.password)
        clients.append(client)
    buyer = buy_until_review(clients[0], card=TIMEOUT_CARD)
    assert buyer.confirm().headers["Location"].endswith("/done")  # answer lost: pending
    # Past the window in which the first request could still be waiting for the bank.
    db.session.execute(update(Payment).values(updated_at=clock.now() - timedelta(minutes=5)))
    db.session.commit()
    statuses = []
    for _ in range(rounds):
        barrier = threading.Barrier(len(clients))

        def check_again(client, barrier=barrier):
            barrier.wait()
            statuses.append(client.post(buyer.url("confirm"), data={}).status_code)

        threads = [threading.Thread(target=check_again, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses and all(status == 302 for status in statuses), statuses
    db.session.expire_all()
    assert count(Payment) == 1 and count(SandboxTransaction) == 1
    assert count(Subscription) == 1
    assert buyer.order.status is OrderStatus.COMPLETED
    assert buyer.client.get(buyer.url("done")).status_code == 200


def event(payment, outcome, event_id="evt-1", amount=None):
    return GatewayEvent(
        provider=payment.gateway,
        event_id=event_id,
        event_type="PAYMENT.TEST",
        occurred_at=None,
        payment_reference=payment.gateway_reference,
        merchant_reference=None,
        outcome=outcome,
        amount_cents=payment.amount_cents if amount is None else amount,
        currency="EUR",
        payload={"id": event_id},
    )


@pytest.fixture
def waiting_payment(shop, client, make_user):
    """An order whose payment waits for the buyer (3-D Secure) when a notification comes."""
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client, card=CHALLENGE_CARD)
    buyer.confirm()
    payment = db.session.scalar(select(Payment))
    assert payment.status is PaymentStatus.ACTION_REQUIRED
    return buyer, payment


def test_a_success_notification_completes_the_order_once(waiting_payment):
    buyer, payment = waiting_payment
    assert payment_events.receive(event(payment, Outcome.SUCCEEDED)) is not None
    assert buyer.order.status is OrderStatus.COMPLETED
    # The same notification again: stored once, nothing more happens.
    assert payment_events.receive(event(payment, Outcome.SUCCEEDED)) is None
    assert count(WebhookEvent) == 1 and count(Subscription) == 1


def test_a_late_decline_does_not_undo_a_success(waiting_payment):
    buyer, payment = waiting_payment
    payment_events.receive(event(payment, Outcome.SUCCEEDED, "evt-ok"))
    late = payment_events.receive(event(payment, Outcome.DECLINED, "evt-late"))
    assert late.outcome.startswith("ignored")
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status is PaymentStatus.SUCCEEDED
    assert buyer.order.status is OrderStatus.COMPLETED


def test_a_notification_for_another_amount_is_not_applied(waiting_payment):
    buyer, payment = waiting_payment
    row = payment_events.receive(event(payment, Outcome.SUCCEEDED, amount=1))
    assert row.outcome == "ignored: amount differs"
    assert buyer.order.status is OrderStatus.PAYMENT_PENDING


def test_check_again_while_the_first_request_still_waits_asks_nothing(shop, client, make_user):
    from app.services.checkout import charging

    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    buyer.review()
    order = buyer.order
    charging.open_payment(order)  # as Confirm does just before calling the gateway
    db.session.commit()
    response = client.post(buyer.url("confirm"))
    assert response.headers["Location"].endswith("/done")
    db.session.expire_all()
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.PENDING
    assert count(SandboxTransaction) == 0 and buyer.order.status is OrderStatus.PAYMENT_PENDING
