"""Checkout with the Adyen gateway against recorded Adyen answers (`responses`): the card
is stored by a zero check at the payment step, then charged at Confirm, once."""

import json

import pytest
import responses
from sqlalchemy import func, select

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Payment, PaymentStatus
from tests.checkout_fixtures import Buyer
from tests.conftest import sign_in
from tests.integration.test_payments_adyen import CHECKOUT, SETTINGS, fixture, state_data


@pytest.fixture
def adyen_buyer(shop, make_app, make_user):
    user = make_user()
    client = make_app(**SETTINGS).test_client()
    sign_in(client, user.email, user.password)
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    return buyer


def test_a_card_stored_at_the_payment_step_is_charged_once_at_confirm(adyen_buyer):
    buyer = adyen_buyer
    page = buyer.client.get(buyer.url("payment")).get_data(as_text=True)
    assert "data-adyen-card" in page and 'name="card_number"' not in page
    with responses.RequestsMock() as adyen:
        adyen.add(
            responses.POST, f"{CHECKOUT}/payments", json=fixture("payments-store-authorised.json")
        )
        response = buyer.client.post(
            buyer.url("payment"),
            data={"payment_kind": "card", "adyen_state_data": state_data(), "holder": "y"},
        )
        assert response.status_code == 302
    method = buyer.order.payment_method
    assert (method.gateway, method.token, method.last4) == ("adyen", "M5N7TQ4TG5PFWR50", "1111")
    html = buyer.review().get_data(as_text=True)
    assert "Visa ending 1111" in html
    charged = fixture("payments-contauth-authorised.json")
    charged["amount"]["value"] = buyer.order.due_today_cents
    charged["merchantReference"] = buyer.order.reference
    with responses.RequestsMock() as adyen:
        adyen.add(responses.POST, f"{CHECKOUT}/payments", json=charged)
        assert buyer.confirm(review_html=html).headers["Location"].endswith("/done")
        assert buyer.confirm(review_html=html).headers["Location"].endswith("/done")
        (call,) = adyen.calls
        body = json.loads(call.request.body)
        assert body["paymentMethod"]["storedPaymentMethodId"] == "M5N7TQ4TG5PFWR50"
        assert call.request.headers["Idempotency-Key"] == f"order:{buyer.public_id}:1"
    assert buyer.order.status is OrderStatus.COMPLETED
    payment = db.session.scalar(select(Payment))
    assert (
        payment.status is PaymentStatus.SUCCEEDED
        and payment.gateway_reference == "NC6HT9CRT65ZGN82"
    )
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_a_card_refused_at_the_payment_step_says_why(adyen_buyer):
    buyer = adyen_buyer
    with responses.RequestsMock() as adyen:
        adyen.add(
            responses.POST,
            f"{CHECKOUT}/payments",
            json=fixture("payments-store-refused-balance.json"),
        )
        response = buyer.client.post(
            buyer.url("payment"),
            data={"payment_kind": "card", "adyen_state_data": state_data(), "holder": "y"},
        )
    assert response.status_code == 422
    assert "not enough funds" in response.get_data(as_text=True)
    assert buyer.order.payment_method_id is None


def test_no_encrypted_card_data_is_a_clear_error(adyen_buyer):
    buyer = adyen_buyer
    response = buyer.client.post(buyer.url("payment"), data={"payment_kind": "card", "holder": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#payment_kind' in page
