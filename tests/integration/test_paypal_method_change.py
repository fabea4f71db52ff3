"""Settings → Payment, "Pay with PayPal instead", with the real PayPal gateway against
recorded PayPal answers (`responses`, never the network) (issue 13, Terms §3.1, §3.2):
what PayPal is asked for (a plan at the monthly price, no setup fee, the agreement's
first cycle on the next billing date), the execute on return, a replayed or foreign
return, an agreement in another currency, PayPal down; and the billing step "PayPal
agreements" cancelling the agreement the subscription left."""

import json
from datetime import UTC, date, datetime

import pytest
import requests
import responses
from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.terms_updates import TermsResponse
from app.extensions import db
from app.models import ChangeStatus, MethodChange, PaymentMethod, Subscription
from tests.conftest import sign_in
from tests.support.billing import renewing, run_billing
from tests.support.paypal import AGREEMENT, API, on_paypal, recorded
from tests.support.terms_prices import answer, material_price_change

TAB = "/account/payment"
START = "/account/payment/paypal"
TOKEN = "EC-0JP008296V451950C"
PLAN = "P-94458432VR012762KRWBZEUA"
NEW = "I-7TLW2PLSRYC5"  # billing_agreement_executed_plus: no setup fee, EUR
AGREEMENTS = f"{API}/v1/payments/billing-agreements"
MONDAY = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def paypal(paypal):  # the integration tests' (conftest), with this module's answers
    paypal.add(
        responses.POST,
        f"{API}/v1/payments/billing-plans",
        json=recorded("billing_plan_created"),
    )
    paypal.add(responses.PATCH, f"{API}/v1/payments/billing-plans/{PLAN}", body="", status=200)
    paypal.add(responses.POST, AGREEMENTS, json=recorded("billing_agreement_created"), status=201)
    for agreement in (AGREEMENT, NEW):
        for action in ("suspend", "re-activate", "cancel"):
            paypal.add(responses.POST, f"{AGREEMENTS}/{agreement}/{action}", status=204)
    return paypal


def executed(mock, currency="EUR"):
    body = recorded("billing_agreement_executed_plus")
    body["plan"]["currency_code"] = currency
    mock.add(responses.POST, f"{AGREEMENTS}/{TOKEN}/agreement-execute", json=body)


def sent(mock, url: str) -> list[dict]:
    return [
        json.loads(c.request.body)
        for c in mock.calls
        if c.request.url == url and c.request.method == "POST"
    ]


def calls_to(mock, ending: str) -> int:
    return sum(1 for c in mock.calls if c.request.url.endswith(ending))


@pytest.fixture
def member(app, paypal, make_user, make_subscription):
    user = make_user()
    sub = renewing(make_subscription(user, Plan.SOLO), period_end=date(2026, 2, 5))
    client = app.test_client()
    sign_in(client, user.email, user.password)
    return sub, client


def method_of(sub) -> PaymentMethod:
    db.session.expire_all()
    return db.session.get(PaymentMethod, db.session.get(Subscription, sub.id).payment_method_id)


def start(client, sub):
    return client.post(START, data={"paypal_holder": "y", "subscription": sub.id})


def back(client, change_id=None, token=TOKEN):
    change_id = change_id or db.session.scalar(select(func.max(MethodChange.id)))
    return client.get(f"{START}/return/{change_id}?token={token}")


def test_paypal_is_asked_for_the_monthly_price_from_the_next_billing_date_without_fee(
    member, paypal
):
    """§3.1: nothing is charged now; PayPal's first cycle is the next renewal's date."""
    sub, client = member
    response = start(client, sub)
    assert response.headers["Location"].startswith("https://www.sandbox.paypal.com/")
    (plan,) = sent(paypal, f"{API}/v1/payments/billing-plans")
    assert "setup_fee" not in plan["merchant_preferences"]
    [regular] = plan["payment_definitions"]
    assert (regular["type"], regular["amount"]) == (
        "REGULAR",
        {"value": "20.00", "currency": "EUR"},
    )
    preferences = plan["merchant_preferences"]
    assert "/account/payment/paypal/return/" in preferences["return_url"]
    assert "/account/payment/paypal/cancel/" in preferences["cancel_url"]
    (agreement,) = sent(paypal, AGREEMENTS)
    assert agreement["start_date"] == "2026-02-05T00:00:00Z"
    key = db.session.scalar(select(MethodChange.idempotency_key))
    assert key == f"method:{sub.id}:1"
    assert [c.request.headers["PayPal-Request-Id"] for c in paypal.calls][-1] == key


def test_approved_the_agreement_is_executed_once_and_becomes_the_method(member, paypal):
    sub, client = member
    executed(paypal)
    start(client, sub)
    response = back(client)
    assert response.headers["Location"].endswith(TAB)
    page = client.get(TAB).get_data(as_text=True)
    assert "PayPal account noa.learner@example.com" in page
    assert "paid through your PayPal account noa.learner@example.com" in page
    method = method_of(sub)
    assert (method.gateway, method.kind, method.token) == ("paypal", "paypal", NEW)
    # Replayed (back button, refresh): refused, no second execute, nothing changed.
    assert back(client).status_code == 400
    assert calls_to(paypal, "/agreement-execute") == 1 and method_of(sub).id == method.id


def test_a_foreign_token_is_refused_and_the_real_approval_still_works(member, paypal):
    sub, client = member
    card = method_of(sub)
    executed(paypal)
    start(client, sub)
    assert back(client, token="EC-SOMEONEELSE000").status_code == 400
    assert calls_to(paypal, "/agreement-execute") == 0 and method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.ACTION_REQUIRED
    assert back(client).headers["Location"].endswith(TAB)
    assert method_of(sub).token == NEW


def test_cancelled_on_paypal_nothing_changes(member, paypal):
    sub, client = member
    card = method_of(sub)
    start(client, sub)
    change = db.session.scalar(select(MethodChange))
    response = client.get(f"{START}/cancel/{change.id}?token={TOKEN}")
    assert response.headers["Location"].endswith(TAB)
    assert "You cancelled on PayPal" in client.get(TAB).get_data(as_text=True)
    assert method_of(sub).id == card.id and calls_to(paypal, "/agreement-execute") == 0
    # The cancelled approval cannot be executed afterwards.
    assert back(client, change.id).status_code == 400


def test_an_agreement_in_another_currency_is_cancelled_and_nothing_changes(member, paypal):
    sub, client = member
    card = method_of(sub)
    executed(paypal, currency="USD")
    start(client, sub)
    back(client)
    assert "was not the one we asked for" in client.get(TAB).get_data(as_text=True)
    assert calls_to(paypal, f"/{NEW}/cancel") == 1
    assert method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.FAILED


def test_paypal_down_says_so_and_changes_nothing(member, paypal):
    sub, client = member
    card = method_of(sub)
    paypal.replace(
        responses.POST,
        f"{API}/v1/payments/billing-plans",
        body=requests.ConnectionError("down"),
    )
    response = start(client, sub)
    assert response.headers["Location"].endswith(TAB)
    assert "PayPal did not answer, so nothing has changed" in client.get(TAB).get_data(as_text=True)
    assert method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.FAILED
    # Back up: a new click is a new attempt, under a new key.
    paypal.replace(
        responses.POST, f"{API}/v1/payments/billing-plans", json=recorded("billing_plan_created")
    )
    assert start(client, sub).headers["Location"].startswith("https://www.sandbox.paypal.com/")
    keys = sorted(db.session.scalars(select(MethodChange.idempotency_key)))
    assert keys == [f"method:{sub.id}:1", f"method:{sub.id}:2"]


def test_a_double_click_asks_paypal_for_one_agreement(member, paypal):
    sub, client = member
    first, second = start(client, sub), start(client, sub)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(sent(paypal, AGREEMENTS)) == 1


def test_the_checkout_agreement_left_is_cancelled_by_the_billing_step(
    app, paypal, make_user, make_subscription, monkeypatch
):
    """§3.2: the agreement signed at checkout must not bill beside the new one; and the
    new one, left in turn for a card, is cancelled the same way."""
    user = make_user()
    sub = on_paypal(make_subscription(user, Plan.SOLO), token=AGREEMENT)
    client = app.test_client()
    sign_in(client, user.email, user.password)
    executed(paypal)
    start(client, sub)
    back(client)
    assert method_of(sub).token == NEW

    run_billing(monkeypatch, MONDAY)
    run_billing(monkeypatch, MONDAY)  # a second run calls nothing
    assert calls_to(paypal, f"/{AGREEMENT}/cancel") == 1
    assert calls_to(paypal, f"/{NEW}/cancel") == 0

    card = {"card_number": "4242 4242 4242 4242", "card_expiry": "04/39", "card_cvc": "123"}
    app.config["CARD_GATEWAY"] = "sandbox"
    client.post(TAB, data={**card, "holder": "y"})
    assert method_of(sub).kind == "card"
    run_billing(monkeypatch, MONDAY)
    assert calls_to(paypal, f"/{NEW}/cancel") == 1
    new = db.session.scalar(select(PaymentMethod).where(PaymentMethod.token == NEW))
    assert new.paypal_state == "cancelled"


def test_no_answer_to_the_execute_changes_nothing_and_the_same_return_works_later(member, paypal):
    """PayPal replays its first answer to the same execute (a fixed request id per token),
    so coming back once it answers again executes nothing twice."""
    sub, client = member
    card = method_of(sub)
    paypal.add(
        responses.POST,
        f"{AGREEMENTS}/{TOKEN}/agreement-execute",
        body=requests.ConnectionError("down"),
    )
    start(client, sub)
    assert back(client).headers["Location"].endswith(TAB)
    assert "PayPal did not answer" in client.get(TAB).get_data(as_text=True)
    assert method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.ACTION_REQUIRED
    paypal.replace(
        responses.POST,
        f"{AGREEMENTS}/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_plus"),
    )
    assert back(client).headers["Location"].endswith(TAB)
    assert method_of(sub).token == NEW
    ids = {
        c.request.headers.get("PayPal-Request-Id")
        for c in paypal.calls
        if c.request.url.endswith("/agreement-execute")
    }
    assert ids == {f"agreement-execute:{TOKEN}"}


def test_a_running_discount_is_the_agreements_first_cycles(member, paypal):
    """§4: the months of discount left are billed at the discounted price, then the
    locked price, as the renewals would have been."""
    sub, client = member
    sub = db.session.get(Subscription, sub.id)
    sub.discount_cents, sub.discount_months = 500, 2
    db.session.commit()
    start(client, sub)
    (plan,) = sent(paypal, f"{API}/v1/payments/billing-plans")
    trial, regular = plan["payment_definitions"]
    assert (trial["type"], trial["cycles"], trial["amount"]["value"]) == ("TRIAL", "2", "15.00")
    assert (regular["type"], regular["amount"]["value"]) == ("REGULAR", "20.00")
    assert "setup_fee" not in plan["merchant_preferences"]


def test_a_plan_signed_before_an_accepted_price_is_said_and_replaced_at_the_new_price(
    app, paypal, make_user, make_subscription
):
    """§1: the checkout agreement bills the order's €20.00; the member accepted €25.00
    since. Payment and Premium say PayPal still takes €20.00 and what happens meanwhile;
    the new agreement Payment offers asks PayPal for €25.00; once it is the method,
    neither says it any more."""
    user = make_user()
    sub = on_paypal(make_subscription(user, Plan.SOLO))
    version = material_price_change(2500)
    answer(user, version, TermsResponse.ACCEPTED, datetime(2026, 1, 25, 10, tzinfo=UTC))
    client = app.test_client()
    sign_in(client, user.email, user.password)

    page = client.get(TAB).get_data(as_text=True)
    assert "PayPal still takes €20.00 a month for Premium Solo" in page
    assert "what PayPal takes above the new price is given back" in page
    premium_tab = client.get("/account/premium").get_data(as_text=True)
    assert "PayPal still takes €20.00 a month under your agreement" in premium_tab
    assert 'href="/account/payment#paypal"' in premium_tab

    start(client, sub)
    (plan,) = sent(paypal, f"{API}/v1/payments/billing-plans")
    [regular] = plan["payment_definitions"]
    assert regular["amount"] == {"value": "25.00", "currency": "EUR"}
    executed(paypal)
    back(client)
    assert method_of(sub).token == NEW
    assert "PayPal still takes" not in client.get(TAB).get_data(as_text=True)
    assert "PayPal still takes" not in client.get("/account/premium").get_data(as_text=True)
