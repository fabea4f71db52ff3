"""The Adyen card gateway against recorded Checkout API v71 answers (`responses`), and its
webhook through the Flask test client. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL."""

import base64
import copy
import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest
import requests
import responses
from Adyen.util import generate_notification_sig
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.payments import GatewayCall, WebhookEvent
from app.payments.adyen import AdyenGateway, notification_signature
from app.payments.base import (
    ChargeRequest,
    Decline,
    Expected,
    GatewayTimeout,
    MethodDetails,
    Outcome,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "adyen"
CHECKOUT = "https://checkout-test.adyen.com/v71"
MERCHANT = "AtelierECOM"
# Adyen's own test key from the Python library's HMAC test (test/UtilTest.py).
HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
SETTINGS = {
    "CARD_GATEWAY": "adyen",
    "ADYEN_ENVIRONMENT": "test",
    "ADYEN_API_KEY": "AQE-test-api-key",
    "ADYEN_MERCHANT_ACCOUNT": MERCHANT,
    "ADYEN_CLIENT_KEY": "test_CLIENTKEY0123456789",
    "ADYEN_HMAC_KEY": HMAC_KEY,
    "GATEWAY_TIMEOUT_SECONDS": 5,
}
ENCRYPTED = {
    "encryptedCardNumber": "adyenjs_0_1_25$Sfx2Jk1mQd0pNn3vX8kLw7Zr0aQ==",
    "encryptedExpiryMonth": "adyenjs_0_1_25$Kq8Bq4yTt7mDd2wX0nYp1Lr5aQ==",
    "encryptedExpiryYear": "adyenjs_0_1_25$Pz3Jk6uWw9aCc1sZ4mHn8Qe2bQ==",
    "encryptedSecurityCode": "adyenjs_0_1_25$Lm5Rr2oEe8gFf7tY3kJj6Uw0cQ==",
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def state_data(**method_changes) -> str:
    """What Adyen Web's Card component puts in state.data."""
    method = {"type": "scheme", "holderName": "", **ENCRYPTED, "brand": "visa"}
    method.update(method_changes)
    method = {k: v for k, v in method.items() if v is not None}
    return json.dumps(
        {
            "paymentMethod": {**method, "checkoutAttemptId": "do-not-track"},
            "browserInfo": {
                "acceptHeader": "*/*",
                "colorDepth": 24,
                "language": "fr-FR",
                "javaEnabled": False,
                "screenHeight": 900,
                "screenWidth": 1440,
                "userAgent": "Mozilla/5.0",
                "timeZoneOffset": -60,
            },
            "origin": "https://atelier.test",
            "clientStateDataIndicator": True,
        }
    )


def charge_request(**changes) -> ChargeRequest:
    values = {
        "idempotency_key": "order:ORD-7Q3K9:1",
        "amount_cents": 4900,
        "currency": "EUR",
        "reference": "ORD-7Q3K9",
        "description": "Premium Solo",
        "kind": "card",
        "shopper_reference": "user-42",
        "method_token": "M5N7TQ4TG5PFWR50",
        "return_url": "https://atelier.test/checkout/return",
    }
    return ChargeRequest(**{**values, **changes})


def sent(call) -> dict:
    return json.loads(call.request.body)


def logged() -> list[GatewayCall]:
    return list(db.session.scalars(select(GatewayCall).order_by(GatewayCall.id)))


@pytest.fixture
def gateway(app) -> AdyenGateway:
    return AdyenGateway.from_config({**app.config, **SETTINGS})


@pytest.fixture
def adyen_api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# -- save_method ------------------------------------------------------------------------


def test_save_method_stores_the_card_and_keeps_only_token_brand_last4(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-store-authorised.json"))

    result = gateway.save_method(42, {"adyen_state_data": state_data()})

    assert result.problem is None
    assert result.method == MethodDetails(
        kind="card",
        token="M5N7TQ4TG5PFWR50",
        brand="visa",
        last4="1111",
        exp_month=3,
        exp_year=2030,
    )
    body = sent(adyen_api.calls[0])
    assert body["amount"] == {"value": 0, "currency": "EUR"}
    assert body["storePaymentMethod"] is True
    assert body["shopperReference"] == "user-42"
    assert body["shopperInteraction"] == "Ecommerce"
    assert body["recurringProcessingModel"] == "Subscription"
    assert body["merchantAccount"] == MERCHANT
    assert body["returnUrl"] == current_app.config["PUBLIC_URL"] + "/checkout"
    assert re.fullmatch(r"check-42-[0-9a-f]{16}", body["reference"])
    # The encrypted fields go to Adyen, and only what Adyen needs of the browser's state.
    assert body["paymentMethod"] == {"type": "scheme", **ENCRYPTED, "brand": "visa"}
    assert "browserInfo" in body
    assert "origin" not in body and "clientStateDataIndicator" not in body
    assert adyen_api.calls[0].request.headers["x-api-key"] == "AQE-test-api-key"

    # ... but never into the gateway log.
    calls = logged()
    assert [(c.operation, c.outcome) for c in calls] == [("save_method", "saved")]
    kept = json.dumps([c.request for c in calls] + [c.response for c in calls])
    assert "adyenjs_" not in kept
    assert calls[0].request["paymentMethod"]["encryptedCardNumber"] == "[redacted]"
    assert calls[0].response["pspReference"] == "QFQTPCQ8HXSKGK82"


def test_save_method_refused_for_insufficient_funds(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-store-refused-balance.json"))

    result = gateway.save_method(42, {"adyen_state_data": state_data()})

    assert result.method is None
    assert result.problem == ("card", Decline.INSUFFICIENT_FUNDS)
    assert logged()[0].outcome == "refused"
    assert "adyenjs_" not in json.dumps(logged()[0].request)


def test_save_method_with_3d_secure_is_refused_as_not_supported_yet(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-store-challenge.json"))

    result = gateway.save_method(42, {"adyen_state_data": state_data()})

    assert result.method is None
    assert result.problem == ("card", Decline.AUTHENTICATION_FAILED)


@pytest.mark.parametrize(
    "posted",
    [
        "",
        "{not json",
        "[]",
        json.dumps({"paymentMethod": "scheme"}),
        state_data(type="paypal"),
        state_data(encryptedSecurityCode=None),
        state_data(encryptedExpiryYear=""),
        # A card number in clear (a page without Adyen Web) never leaves the server.
        state_data(encryptedCardNumber="4111111111111111"),
        # Adyen's test platform takes unencrypted "test_" values: not from us.
        state_data(encryptedCardNumber="test_4111111111111111"),
        "x" * 60_000,
    ],
    ids=[
        "empty",
        "not-json",
        "not-an-object",
        "no-method",
        "not-a-card",
        "no-cvc",
        "empty-year",
        "clear-number",
        "test-prefix",
        "huge",
    ],
)
def test_save_method_refuses_invalid_state_data_without_calling_adyen(gateway, adyen_api, posted):
    result = gateway.save_method(42, {"adyen_state_data": posted})

    assert result.method is None
    assert result.problem == ("card", Decline.INVALID_CARD)
    assert len(adyen_api.calls) == 0
    assert logged() == []


def test_save_method_timeout_is_a_problem_to_retry(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", body=requests.exceptions.ReadTimeout())

    result = gateway.save_method(42, {"adyen_state_data": state_data()})

    assert result.problem == ("card", Decline.GATEWAY_ERROR)
    assert logged()[0].outcome == "timeout"
    assert "adyenjs_" not in json.dumps(logged()[0].request)


# -- charge ---------------------------------------------------------------------------


def test_charge_authorised_with_the_idempotency_key(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-contauth-authorised.json"))

    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == "NC6HT9CRT65ZGN82"
    assert (result.amount_cents, result.currency) == (4900, "EUR")
    request = adyen_api.calls[0].request
    assert request.headers["Idempotency-Key"] == "order:ORD-7Q3K9:1"
    assert sent(adyen_api.calls[0]) == {
        "amount": {"value": 4900, "currency": "EUR"},
        "reference": "ORD-7Q3K9",
        "paymentMethod": {"type": "scheme", "storedPaymentMethodId": "M5N7TQ4TG5PFWR50"},
        "shopperReference": "user-42",
        "shopperInteraction": "ContAuth",
        "recurringProcessingModel": "Subscription",
        "merchantAccount": MERCHANT,
        "returnUrl": "https://atelier.test/checkout/return",
    }
    (call,) = logged()
    assert (call.operation, call.outcome, call.http_status) == ("charge", "succeeded", 200)
    assert call.idempotency_key == "order:ORD-7Q3K9:1"


def test_charge_refused_for_an_expired_card(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-contauth-refused-expired.json"))

    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.EXPIRED_CARD
    assert result.reference == "JVBXGSDM53RZNN82"


def test_a_retry_sends_the_same_key_and_the_same_request(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", body=requests.exceptions.ReadTimeout())
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-contauth-authorised.json"))

    with pytest.raises(GatewayTimeout):
        gateway.charge(charge_request())
    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.SUCCEEDED
    first, second = adyen_api.calls
    assert first.request.headers["Idempotency-Key"] == "order:ORD-7Q3K9:1"
    assert second.request.headers["Idempotency-Key"] == "order:ORD-7Q3K9:1"
    assert sent(first) == sent(second)


@pytest.mark.parametrize(
    "answer",
    [
        {"body": requests.exceptions.ReadTimeout()},
        {"body": requests.exceptions.ConnectionError()},
        {"status": 500, "json": {"status": 500, "errorCode": "905", "errorType": "internal"}},
        {"status": 503, "body": "Service Unavailable"},
        {
            "status": 422,
            "json": {"status": 422, "errorCode": "704", "errorType": "validation"},
            "headers": {"Transient-Error": "true"},
        },
    ],
    ids=["timeout", "connection", "500", "503", "transient-704"],
)
def test_no_clear_answer_raises_gateway_timeout(gateway, adyen_api, answer):
    adyen_api.post(f"{CHECKOUT}/payments", **answer)

    with pytest.raises(GatewayTimeout):
        gateway.charge(charge_request())

    (call,) = logged()
    assert call.outcome in ("timeout", "unknown")
    assert call.request["reference"] == "ORD-7Q3K9"


def test_a_validation_error_declines_and_keeps_the_answer(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", status=422, json=fixture("error-validation-422.json"))

    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.GATEWAY_ERROR
    assert result.raw["errorCode"] == "14_012"
    assert logged()[0].response["errorCode"] == "14_012"
    assert logged()[0].http_status == 422


def test_a_pending_answer_keeps_the_psp_reference_for_the_notification(gateway, adyen_api):
    adyen_api.post(
        f"{CHECKOUT}/payments",
        json={"pspReference": "KHQC5N7G84BLNK43", "resultCode": "Received"},
    )

    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.UNKNOWN
    assert result.reference == "KHQC5N7G84BLNK43"


def test_a_redirect_for_3d_secure_is_an_action(gateway, adyen_api):
    adyen_api.post(
        f"{CHECKOUT}/payments",
        json={
            "resultCode": "RedirectShopper",
            "pspReference": "NC6HT9CRT65ZGN82",
            "action": {
                "paymentMethodType": "scheme",
                "method": "GET",
                "type": "redirect",
                "url": "https://checkoutshopper-test.adyen.com/checkoutshopper/threeDS/redirect?MD=M2RzMmNyZXE%3D",
            },
        },
    )

    result = gateway.charge(charge_request())

    assert result.outcome is Outcome.ACTION_REQUIRED
    assert result.action_url.startswith("https://checkoutshopper-test.adyen.com/")
    assert result.reference == "NC6HT9CRT65ZGN82"


def test_amount_zero_is_authorised_without_calling_adyen(gateway, adyen_api):
    result = gateway.charge(charge_request(amount_cents=0, idempotency_key="order:PLUS-1:1"))

    assert result.outcome is Outcome.AUTHORISED
    assert len(adyen_api.calls) == 0
    assert [(c.operation, c.outcome) for c in logged()] == [("verify", "authorised")]


# -- lookup, complete, refund -----------------------------------------------------------


def test_lookup_replays_the_logged_request_with_the_same_key(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments", body=requests.exceptions.ReadTimeout())
    adyen_api.post(f"{CHECKOUT}/payments", json=fixture("payments-contauth-authorised.json"))
    with pytest.raises(GatewayTimeout):
        gateway.charge(charge_request())
    db.session.commit()  # as checkout does after any gateway call

    result = gateway.lookup("order:ORD-7Q3K9:1", None)

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == "NC6HT9CRT65ZGN82"
    first, replay = adyen_api.calls
    assert replay.request.headers["Idempotency-Key"] == "order:ORD-7Q3K9:1"
    assert sent(replay) == sent(first)
    assert [c.operation for c in logged()] == ["charge", "lookup"]


def test_lookup_without_a_logged_request_sends_nothing(gateway, adyen_api):
    result = gateway.lookup("order:NEVER:1", None)

    assert result.outcome is Outcome.UNKNOWN
    assert len(adyen_api.calls) == 0


def expected(**changes) -> Expected:
    values = {
        "reference": "ORD-7Q3K9",
        "amount_cents": 4900,
        "currency": "EUR",
        "payment_reference": "NC6HT9CRT65ZGN82",
    }
    return Expected(**{**values, **changes})


def test_complete_after_3d_secure(gateway, adyen_api):
    adyen_api.post(f"{CHECKOUT}/payments/details", json=fixture("payments-details-authorised.json"))

    result = gateway.complete(expected(), {"redirectResult": "X6XtfGC3!Y..."})

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == "NC6HT9CRT65ZGN82"
    assert sent(adyen_api.calls[0]) == {"details": {"redirectResult": "X6XtfGC3!Y..."}}


@pytest.mark.parametrize(
    ("changes", "decline"),
    [
        ({"reference": "ORD-OTHER"}, Decline.NOT_THIS_ORDER),
        ({"payment_reference": "ZZZZZZZZZZZZZZZZ"}, Decline.NOT_THIS_ORDER),
        ({"amount_cents": 1900}, Decline.AMOUNT_MISMATCH),
        ({"currency": "USD"}, Decline.AMOUNT_MISMATCH),
    ],
)
def test_complete_refuses_another_order_or_amount(gateway, adyen_api, changes, decline):
    adyen_api.post(f"{CHECKOUT}/payments/details", json=fixture("payments-details-authorised.json"))

    result = gateway.complete(expected(**changes), {"redirectResult": "X6XtfGC3!Y..."})

    assert result.outcome is Outcome.DECLINED
    assert result.decline is decline


def test_complete_without_redirect_result_sends_nothing(gateway, adyen_api):
    result = gateway.complete(expected(), {})

    assert result.decline is Decline.NOT_THIS_ORDER
    assert len(adyen_api.calls) == 0


def test_refund_is_received_with_the_idempotency_key(gateway, adyen_api):
    adyen_api.post(
        f"{CHECKOUT}/payments/NC6HT9CRT65ZGN82/refunds", json=fixture("refunds-received.json")
    )

    result = gateway.refund("NC6HT9CRT65ZGN82", 4900, "EUR", "refund:ORD-7Q3K9:1")

    assert result.succeeded is True
    assert result.reference == "XB7XNCQ8HXSKGK82"
    call = adyen_api.calls[0]
    assert call.request.headers["Idempotency-Key"] == "refund:ORD-7Q3K9:1"
    assert sent(call) == {
        "amount": {"value": 4900, "currency": "EUR"},
        "reference": "refund:ORD-7Q3K9:1",
        "merchantAccount": MERCHANT,
    }
    assert [(c.operation, c.outcome) for c in logged()] == [("refund", "received")]


def test_refund_of_a_malformed_reference_sends_nothing(gateway, adyen_api):
    result = gateway.refund("../payments/X", 4900, "EUR", "refund:ORD-7Q3K9:1")

    assert result.succeeded is False
    assert len(adyen_api.calls) == 0


# -- webhook signature -----------------------------------------------------------------


def sign(item: dict, key_hex: str = HMAC_KEY) -> str:
    """Adyen's HMAC, computed here on its own: the test's independent reference."""
    amount = item.get("amount", {})
    fields = [
        item.get("pspReference", ""),
        item.get("originalReference", ""),
        item.get("merchantAccountCode", ""),
        item.get("merchantReference", ""),
        str(amount.get("value", "")),
        amount.get("currency", ""),
        item.get("eventCode", ""),
        item.get("success", ""),
    ]
    mac = hmac.new(bytes.fromhex(key_hex), ":".join(fields).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def test_signature_matches_adyens_published_example():
    item = {
        "pspReference": "7914073381342284",
        "merchantReference": "TestPayment-1407325143704",
        "merchantAccountCode": "TestMerchant",
        "amount": {"currency": "EUR", "value": 1130},
        "eventCode": "AUTHORISATION",
        "success": "true",
    }
    expected_signature = "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="

    assert notification_signature(item, bytes.fromhex(HMAC_KEY)) == expected_signature
    assert sign(item) == expected_signature


def test_signature_agrees_with_ours_and_the_librarys_on_every_item():
    for entry in fixture("notification-batch.json")["notificationItems"]:
        item = entry["NotificationRequestItem"]
        ours = notification_signature(item, bytes.fromhex(HMAC_KEY))
        assert ours == sign(item)
        assert ours == generate_notification_sig(item, HMAC_KEY).decode()


def signed_batch(*, tamper_second=False, account=MERCHANT, key_hex=HMAC_KEY) -> bytes:
    batch = copy.deepcopy(fixture("notification-batch.json"))
    for entry in batch["notificationItems"]:
        item = entry["NotificationRequestItem"]
        item["merchantAccountCode"] = account
        item["additionalData"]["hmacSignature"] = sign(item, key_hex)
    if tamper_second:
        # Signed for 49.00, claims 4.90.
        batch["notificationItems"][1]["NotificationRequestItem"]["amount"]["value"] = 490
    return json.dumps(batch).encode()


def test_verify_webhook_maps_each_item(gateway):
    events = gateway.verify_webhook({}, signed_batch())

    authorisation, refund = events
    assert authorisation.event_id == "NC6HT9CRT65ZGN82:AUTHORISATION:true"
    assert authorisation.outcome is Outcome.SUCCEEDED
    assert authorisation.payment_reference == "NC6HT9CRT65ZGN82"
    assert authorisation.merchant_reference == "ORD-7Q3K9"
    assert (authorisation.amount_cents, authorisation.currency) == (4900, "EUR")
    assert authorisation.occurred_at.isoformat() == "2025-03-14T08:41:27+00:00"
    assert refund.event_id == "XB7XNCQ8HXSKGK82:REFUND:true"
    assert refund.outcome is None
    assert refund.payment_reference == "NC6HT9CRT65ZGN82"
    assert refund.event_type == "REFUND"


# -- webhook through the site -------------------------------------------------------------


@pytest.fixture
def adyen_site(make_app):
    return make_app(**SETTINGS)


def stored_events(site) -> list[WebhookEvent]:
    with site.app_context():
        rows = db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))
        return [(row.event_id, row.outcome) for row in rows]


def post_notification(site, body: bytes):
    return site.test_client().post("/webhooks/adyen", data=body, content_type="application/json")


def test_webhook_accepts_a_valid_batch_once(adyen_site):
    body = signed_batch()

    first = post_notification(adyen_site, body)

    assert first.status_code == 200
    assert first.get_data(as_text=True) == "[accepted]"
    assert stored_events(adyen_site) == [
        ("NC6HT9CRT65ZGN82:AUTHORISATION:true", "no matching payment"),
        ("XB7XNCQ8HXSKGK82:REFUND:true", "no matching payment"),
    ]

    again = post_notification(adyen_site, body)

    assert again.status_code == 200
    assert again.get_data(as_text=True) == "[accepted]"
    assert len(stored_events(adyen_site)) == 2


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(signed_batch(tamper_second=True), id="one-bad-item-of-two"),
        pytest.param(signed_batch(account="SomeoneElseECOM"), id="other-merchant-account"),
        pytest.param(signed_batch(key_hex="00" * 32), id="other-key"),
        pytest.param(
            signed_batch().replace(b'"hmacSignature": "', b'"hmacSignature": "\\u00e9'),
            id="non-ascii-signature",
        ),
        pytest.param(b'{"live": "false", "notificationItems": []}', id="empty-batch"),
        pytest.param(b"not json", id="not-json"),
    ],
)
def test_webhook_refuses_the_whole_batch(adyen_site, body):
    response = post_notification(adyen_site, body)

    assert response.status_code == 400
    assert stored_events(adyen_site) == []


def test_webhook_refused_without_hmac_key(make_app):
    site = make_app(**{**SETTINGS, "ADYEN_HMAC_KEY": None})

    assert post_notification(site, signed_batch()).status_code == 400
    assert stored_events(site) == []


def test_webhook_needs_no_csrf_token(make_app):
    site = make_app(**SETTINGS, WTF_CSRF_ENABLED=True)

    assert post_notification(site, signed_batch()).status_code == 200


def test_webhook_is_not_there_when_cards_use_the_sandbox(make_app):
    site = make_app(**{**SETTINGS, "CARD_GATEWAY": "sandbox"})

    assert post_notification(site, signed_batch()).status_code == 404
    with site.app_context():
        assert db.session.scalar(select(func.count(WebhookEvent.id))) == 0
