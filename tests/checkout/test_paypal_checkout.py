"""Checkout with the real PayPal gateway against recorded PayPal answers (`responses`):
approval, cancel on PayPal's page, execute failure, a replayed or foreign return, and an
agreement whose amount is not the order's."""

import json
import re
from pathlib import Path

import pytest
import responses
from sqlalchemy import select

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import GatewayCall, Invoice, Payment, PaymentStatus, Refund, RefundStatus
from tests.checkout_fixtures import Buyer
from tests.conftest import sign_in

API = "https://api.sandbox.paypal.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paypal"
TOKEN = "EC-0JP008296V451950C"
AGREEMENT = "I-0LN988D3JACS"
PLAN = "P-94458432VR012762KRWBZEUA"
SETTINGS = {
    "PAYPAL_GATEWAY": "paypal",
    "PAYPAL_MODE": "sandbox",
    "PAYPAL_CLIENT_ID": "test-client-id",
    "PAYPAL_CLIENT_SECRET": "test-client-secret-value",
    "PAYPAL_WEBHOOK_ID": "8PT597110X687430LKGECATA",
}


def recorded(name: str, **replace) -> dict:
    text = (FIXTURES / f"{name}.json").read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    return json.loads(text)


@pytest.fixture
def paypal_api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{API}/v1/oauth2/token", json=recorded("oauth_token"))
        mock.add(
            responses.POST,
            f"{API}/v1/payments/billing-plans",
            json=recorded("billing_plan_created"),
        )
        mock.add(responses.PATCH, f"{API}/v1/payments/billing-plans/{PLAN}", body="", status=200)
        mock.add(
            responses.POST,
            f"{API}/v1/payments/billing-agreements",
            json=recorded("billing_agreement_created"),
            status=201,
        )
        yield mock


def executes(mock) -> int:
    return sum(1 for call in mock.calls if call.request.url.endswith("/agreement-execute"))


@pytest.fixture
def buyer(shop, make_app, make_user, paypal_api):
    user = make_user()
    client = make_app(**SETTINGS).test_client()
    sign_in(client, user.email, user.password)
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    buyer.paypal()
    return buyer


def solo_price(buyer) -> str:
    html = buyer.review().get_data(as_text=True)
    return re.search(r"€(\d+\.\d\d) a month", html).group(1)


def execute_answer(paypal_api, buyer, status=200, amount=None):
    body = recorded(
        "billing_agreement_executed_solo", **{'"49.00"': f'"{amount or solo_price(buyer)}"'}
    )
    paypal_api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=body if status == 200 else recorded("validation_error"),
        status=status,
    )


def test_approved_on_paypal_then_executed_once(buyer, paypal_api, caplog):
    execute_answer(paypal_api, buyer)
    response = buyer.confirm()
    assert response.headers["Location"].startswith("https://www.sandbox.paypal.com/")
    back = buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    assert back.headers["Location"].endswith("/done")
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED
    payment = db.session.scalar(select(Payment))
    assert payment.status is PaymentStatus.SUCCEEDED and payment.gateway_reference == AGREEMENT
    assert order.payment_method.token == AGREEMENT and order.payment_method.kind == "paypal"
    # The same return replayed (refresh, back button): no second execute, and it is logged.
    again = buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    assert "checkout.return_refused" in caplog.text
    assert again.headers["Location"].endswith("/done") and executes(paypal_api) == 1
    operations = set(db.session.scalars(select(GatewayCall.operation)))
    assert operations  # every exchange is in the gateway log


def test_cancel_on_paypals_page_returns_to_the_payment_step(buyer, paypal_api):
    buyer.confirm()
    back = buyer.client.get(buyer.url("return") + f"?cancelled=1&token={TOKEN}")
    assert back.headers["Location"].endswith("/payment")
    page = buyer.client.get(buyer.url("payment")).get_data(as_text=True)
    assert "You cancelled the payment on PayPal" in page
    assert buyer.order.status is OrderStatus.DRAFT and executes(paypal_api) == 0


def test_execute_failure_is_a_decline_and_the_order_is_kept(buyer, paypal_api):
    execute_answer(paypal_api, buyer, status=400)
    buyer.confirm()
    back = buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    assert back.headers["Location"].endswith("/payment")
    assert buyer.order.status is OrderStatus.DRAFT and buyer.order.payment_attempt == 2


def test_a_foreign_token_is_refused_and_the_real_approval_still_works(buyer, paypal_api, caplog):
    execute_answer(paypal_api, buyer)
    buyer.confirm()
    forged = buyer.client.get(buyer.url("return") + "?token=EC-SOMEONEELSE000")
    assert "checkout.return_mismatch" in caplog.text and "not_this_order" in caplog.text
    assert forged.headers["Location"].endswith("/done")
    assert executes(paypal_api) == 0
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.ACTION_REQUIRED
    genuine = buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    assert genuine.headers["Location"].endswith("/done")
    assert buyer.order.status is OrderStatus.COMPLETED


def test_an_agreement_for_another_amount_is_not_accepted(buyer, paypal_api):
    execute_answer(paypal_api, buyer, amount="1.00")
    paypal_api.add(
        responses.POST, f"{API}/v1/payments/billing-agreements/{AGREEMENT}/cancel", status=204
    )
    add_fee_refund(paypal_api, "1.00")
    buyer.confirm()
    back = buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    assert back.headers["Location"].endswith("/payment")
    page = buyer.client.get(buyer.url("payment")).get_data(as_text=True)
    assert "did not match this order" in page
    assert buyer.order.status is OrderStatus.DRAFT


def add_fee_refund(paypal_api, amount: str) -> None:
    sale = "6VB45389RK211724M"
    transactions = recorded("billing_agreement_transactions", **{'"49.00"': f'"{amount}"'})
    paypal_api.add(
        responses.GET,
        f"{API}/v1/payments/billing-agreements/{AGREEMENT}/transactions",
        json=transactions,
    )
    paypal_api.add(
        responses.GET,
        f"{API}/v1/payments/sale/{sale}",
        json=recorded("sale", **{'"49.00"': f'"{amount}"'}) | {"id": sale},
    )
    paypal_api.add(
        responses.POST,
        f"{API}/v1/payments/sale/{sale}/refund",
        json=recorded("sale_refunded", **{'"49.00"': f'"{amount}"'}) | {"sale_id": sale},
        status=201,
    )


def test_the_setup_fee_of_a_refused_agreement_is_given_back_with_a_credit_note(buyer, paypal_api):
    """Issue 13, Terms §3.3: PayPal took the agreement's setup fee when it was executed;
    the agreement is refused for its amount, the fee refunded, and the books show both
    (its invoice and the credit note); a replayed return records nothing twice."""
    execute_answer(paypal_api, buyer, amount="1.00")
    paypal_api.add(
        responses.POST, f"{API}/v1/payments/billing-agreements/{AGREEMENT}/cancel", status=204
    )
    add_fee_refund(paypal_api, "1.00")
    buyer.confirm()
    buyer.client.get(buyer.url("return") + f"?token={TOKEN}")
    buyer.client.get(buyer.url("return") + f"?token={TOKEN}")

    fee = db.session.scalar(select(Payment).where(Payment.idempotency_key.like("setup-fee:%")))
    assert (fee.amount_cents, fee.status, fee.refunded_cents) == (100, PaymentStatus.REFUNDED, 100)
    assert fee.order_id == buyer.order.id and fee.attempt is None
    kinds = sorted((i.kind.value, i.total_cents) for i in db.session.scalars(select(Invoice)))
    assert kinds == [("credit_note", 100), ("invoice", 100)]
    (refund,) = db.session.scalars(select(Refund))
    assert (refund.status, refund.gateway_reference) == (
        RefundStatus.SUCCEEDED,
        "4CF18861HF410323U",
    )
    assert buyer.order.status is OrderStatus.DRAFT
    refunds = [c for c in paypal_api.calls if c.request.url.endswith("/refund")]
    assert len(refunds) == 1
