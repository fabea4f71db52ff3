"""PayPal's own billing stops when the contract stops (issue 13, Terms §2.1d, §2.2g,
§3.2, §6): the billing job's step "PayPal agreements" suspends a cancelling or past-due
subscription's plan agreement, re-activates it when the subscription runs again, and
cancels it for an ended, terminated or withdrawn one, once: the state set at PayPal is
kept on the payment method, so a second run calls nothing. PayPal is `responses`."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses

from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import PaymentMethod, Subscription
from app.services import premium, subscriptions
from tests.support.billing import run_billing
from tests.support.paypal import AGREEMENT, API, on_paypal

OTHER = "I-9XW204KD7TYS"
MONDAY = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
AGREEMENTS = f"{API}/v1/payments/billing-agreements"


@pytest.fixture
def paypal(paypal):  # the integration tests' (conftest), with this module's answers
    for agreement in (AGREEMENT, OTHER):
        for action in ("suspend", "re-activate", "cancel"):
            paypal.add(responses.POST, f"{AGREEMENTS}/{agreement}/{action}", status=204)
    return paypal


def asked(mock) -> list[str]:
    """What PayPal was asked, as "<agreement> <action>"."""
    return [
        " ".join(c.request.url.split("/")[-2:])
        for c in mock.calls
        if "/billing-agreements/" in c.request.url and c.request.method == "POST"
    ]


def state_of(subscription) -> str | None:
    subscription = db.session.get(Subscription, subscription.id)
    return db.session.get(PaymentMethod, subscription.payment_method_id).paypal_state


@pytest.fixture
def on_agreement(paypal, make_user, make_subscription):
    def make(status=None, token=AGREEMENT):
        return on_paypal(make_subscription(make_user(), status=status), token=token)

    return make


def test_a_running_subscription_leaves_its_agreement_alone(on_agreement, paypal, monkeypatch):
    on_agreement()

    run_billing(monkeypatch, MONDAY)

    assert asked(paypal) == []


def test_a_cancellation_suspends_the_agreement_and_an_undo_re_activates_it(
    on_agreement, paypal, monkeypatch
):
    """§2.2g: nothing is charged after the period; undone before its end, the renewals
    start again on the same agreement."""
    subscription = on_agreement()
    member = db.session.get(Subscription, subscription.id).user
    premium.cancel(member, db.session.get(Subscription, subscription.id))
    db.session.commit()

    first = run_billing(monkeypatch, MONDAY)
    run_billing(monkeypatch, MONDAY + timedelta(hours=1))  # replay: nothing
    assert asked(paypal) == [f"{AGREEMENT} suspend"]
    assert state_of(subscription) == "suspended"
    assert "PayPal agreements: 1 done, 0 failed" in "\n".join(first.lines())
    body = paypal.calls[-1].request
    assert body.headers["PayPal-Request-Id"].startswith(f"suspend:{AGREEMENT}:")

    monkeypatch.setattr("app.clock.now", lambda: MONDAY + timedelta(hours=2))
    premium.undo_cancel(member, db.session.get(Subscription, subscription.id))
    db.session.commit()
    run_billing(monkeypatch, MONDAY + timedelta(hours=3))
    run_billing(monkeypatch, MONDAY + timedelta(hours=4))

    assert asked(paypal) == [f"{AGREEMENT} suspend", f"{AGREEMENT} re-activate"]
    assert state_of(subscription) == "active"


def test_cancelled_then_ended_is_cancelled_at_paypal_exactly_once(
    on_agreement, paypal, monkeypatch
):
    """§2.2g: suspended while the paid period runs out, cancelled when it ends; later
    runs ask nothing."""
    subscription = on_agreement()
    member = db.session.get(Subscription, subscription.id).user
    premium.cancel(member, db.session.get(Subscription, subscription.id))
    db.session.commit()

    run_billing(monkeypatch, MONDAY)
    run_billing(monkeypatch, datetime(2026, 2, 6, 8, tzinfo=UTC))
    run_billing(monkeypatch, datetime(2026, 2, 7, 8, tzinfo=UTC))
    run_billing(monkeypatch, datetime(2026, 3, 6, 8, tzinfo=UTC))

    assert db.session.get(Subscription, subscription.id).status is SubscriptionStatus.ENDED
    assert asked(paypal) == [f"{AGREEMENT} suspend", f"{AGREEMENT} cancel"]
    assert state_of(subscription) == "cancelled"


@pytest.mark.parametrize(
    ("article", "status", "expected"),
    [
        ("§3.2 past due: PayPal must not retry on its own", SubscriptionStatus.PAST_DUE, "suspend"),
        ("§3.2 terminated, unpaid", SubscriptionStatus.TERMINATED, "cancel"),
        ("§6.1 withdrawn", SubscriptionStatus.WITHDRAWN, "cancel"),
        ("§2.2g ended", SubscriptionStatus.ENDED, "cancel"),
    ],
)
def test_each_stop_tells_paypal_once(on_agreement, paypal, monkeypatch, article, status, expected):
    on_agreement(status)

    run_billing(monkeypatch, MONDAY)
    run_billing(monkeypatch, MONDAY + timedelta(hours=1))

    assert asked(paypal) == [f"{AGREEMENT} {expected}"], article


def test_a_past_due_subscription_paid_again_re_activates_its_agreement(
    on_agreement, paypal, monkeypatch
):
    """§3.2: the balance settled, the subscription runs again, and so does PayPal."""
    subscription = on_agreement(SubscriptionStatus.PAST_DUE)
    run_billing(monkeypatch, MONDAY)
    row = db.session.get(Subscription, subscription.id)
    subscriptions.change_status(
        row, SubscriptionStatus.ACTIVE, reason=Reason.BALANCE_PAID, by_job="test"
    )
    db.session.commit()

    run_billing(monkeypatch, MONDAY + timedelta(hours=1))

    assert asked(paypal) == [f"{AGREEMENT} suspend", f"{AGREEMENT} re-activate"]


def test_paypal_refusing_is_tried_again_next_run_and_the_others_go_on(
    on_agreement, paypal, monkeypatch
):
    """A refusal (or no answer) leaves the state as it was: named in the summary, asked
    again by the next run; the other agreement is suspended meanwhile."""
    failing = on_agreement(SubscriptionStatus.CANCELLING)
    other = on_agreement(SubscriptionStatus.CANCELLING, token=OTHER)
    url = f"{AGREEMENTS}/{AGREEMENT}/suspend"
    paypal.replace(responses.POST, url, json={"name": "INTERNAL_SERVICE_ERROR"}, status=400)
    paypal.add(
        responses.GET, f"{AGREEMENTS}/{AGREEMENT}", json={"id": AGREEMENT, "state": "Active"}
    )

    summary = run_billing(monkeypatch, MONDAY)

    assert state_of(failing) is None and state_of(other) == "suspended"
    assert f"agreement {AGREEMENT}: PayPal did not suspend it (INTERNAL_SERVICE_ERROR)" in (
        "\n".join(summary.lines())
    )
    paypal.replace(responses.POST, url, body=requests.exceptions.ReadTimeout())
    timed_out = run_billing(monkeypatch, MONDAY + timedelta(hours=1))
    assert state_of(failing) is None
    assert "PayPal did not suspend it (no answer)" in "\n".join(timed_out.lines())

    paypal.replace(responses.POST, url, status=204)
    run_billing(monkeypatch, MONDAY + timedelta(hours=2))
    run_billing(monkeypatch, MONDAY + timedelta(hours=3))

    assert state_of(failing) == "suspended"
    assert asked(paypal).count(f"{AGREEMENT} suspend") == 3
    assert asked(paypal).count(f"{OTHER} suspend") == 1


def test_an_agreement_already_suspended_at_paypal_counts_as_done(on_agreement, paypal, monkeypatch):
    """A suspend whose answer was lost: PayPal refuses the second one (already suspended);
    its state says it is done."""
    subscription = on_agreement(SubscriptionStatus.CANCELLING)
    paypal.replace(
        responses.POST,
        f"{AGREEMENTS}/{AGREEMENT}/suspend",
        json={"name": "STATUS_INVALID", "message": "Invalid profile status for suspend action"},
        status=400,
    )
    paypal.add(
        responses.GET, f"{AGREEMENTS}/{AGREEMENT}", json={"id": AGREEMENT, "state": "Suspended"}
    )

    summary = run_billing(monkeypatch, MONDAY)

    assert state_of(subscription) == "suspended"
    assert "PayPal agreements: 1 done, 0 failed" in "\n".join(summary.lines())


def test_an_agreement_left_for_a_card_is_cancelled(on_agreement, paypal, monkeypatch):
    """§2.1d: the member moved the subscription to a card; PayPal would bill beside it."""
    subscription = on_agreement()
    row = db.session.get(Subscription, subscription.id)
    method_id = row.payment_method_id
    row.payment_method_id = None
    db.session.commit()

    run_billing(monkeypatch, MONDAY)
    run_billing(monkeypatch, MONDAY + timedelta(hours=1))

    assert asked(paypal) == [f"{AGREEMENT} cancel"]
    assert db.session.get(PaymentMethod, method_id).paypal_state == "cancelled"


def test_an_agreement_another_run_is_calling_for_is_left_to_it(on_agreement, paypal, monkeypatch):
    """Two processes at once: the one whose claim is fresh calls PayPal, the other
    nothing; a claim older than a call can last is taken over."""
    subscription = on_agreement(SubscriptionStatus.CANCELLING)
    method = db.session.get(
        PaymentMethod, db.session.get(Subscription, subscription.id).payment_method_id
    )
    method.paypal_claimed_at = MONDAY - timedelta(seconds=5)
    db.session.commit()

    run_billing(monkeypatch, MONDAY)
    assert asked(paypal) == [] and state_of(subscription) is None

    run_billing(monkeypatch, MONDAY + timedelta(minutes=5))
    assert asked(paypal) == [f"{AGREEMENT} suspend"] and state_of(subscription) == "suspended"
