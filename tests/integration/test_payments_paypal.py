"""The PayPal gateway against recorded PayPal REST v1 answers (tests/fixtures/paypal),
served by `responses`: nothing leaves the machine. Runs on SQLite and PostgreSQL because
every exchange is written to `gateway_calls`."""

import json
from datetime import date
from pathlib import Path

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models.payments import GatewayCall
from app.payments import gateway_named
from app.payments.base import (
    ChargeRequest,
    Decline,
    Expected,
    GatewayTimeout,
    Outcome,
    Recurring,
)
from app.payments.paypal import PayPalGateway, money
from app.payments.paypal_webhooks import to_cents
from tests.support.paypal import add_sale_refund

API = "https://api.sandbox.paypal.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paypal"
SETTINGS = {
    "PAYPAL_GATEWAY": "paypal",
    "PAYPAL_MODE": "sandbox",
    "PAYPAL_CLIENT_ID": "test-client-id",
    "PAYPAL_CLIENT_SECRET": "test-client-secret-value",
    "PAYPAL_WEBHOOK_ID": "8PT597110X687430LKGECATA",
    "GATEWAY_TIMEOUT_SECONDS": 5,
}
ORDER = "AT-7F3K2Q"
PAYMENT_ID = "PAY-1B56960729604235TKQQIYVY"
SALE_ID = "5O190127TN364715T"
TOKEN = "EC-0JP008296V451950C"
SOLO_AGREEMENT = "I-0LN988D3JACS"
PLUS_AGREEMENT = "I-7TLW2PLSRYC5"
PLAN_ID = "P-94458432VR012762KRWBZEUA"
RETURN_URL = "https://atelier.test/checkout/paypal/return"
CANCEL_URL = "https://atelier.test/checkout/paypal/cancel"


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def paypal(app) -> PayPalGateway:
    return PayPalGateway.from_config({**app.config, **SETTINGS})


@pytest.fixture
def api():
    """PayPal as recorded. Any request not registered fails like a dropped connection."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{API}/v1/oauth2/token", json=recorded("oauth_token"))
        yield mock


def one_off(key: str = f"order:{ORDER}:1", cents: int = 4900) -> ChargeRequest:
    return ChargeRequest(
        idempotency_key=key,
        amount_cents=cents,
        currency="EUR",
        reference=ORDER,
        description="Atelier Premium Solo, first month",
        kind="paypal",
        shopper_reference="member-17",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
    )


def solo(discount_cents: int = 0, discount_months: int = 0) -> ChargeRequest:
    first_month = 4900 - (discount_cents if discount_months else 0)
    return ChargeRequest(
        idempotency_key=f"order:{ORDER}:1",
        amount_cents=first_month,
        currency="EUR",
        reference=ORDER,
        description="Atelier Premium Solo",
        kind="paypal",
        shopper_reference="member-17",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
        recurring=Recurring(
            monthly_cents=4900,
            first_charge_on=date(2024, 5, 6),
            discount_cents=discount_cents,
            discount_months=discount_months,
            description="Atelier Premium Solo, monthly",
        ),
    )


def plus(discount_cents: int = 0, discount_months: int = 0) -> ChargeRequest:
    return ChargeRequest(
        idempotency_key="order:AT-9P2M4X:1",
        amount_cents=0,
        currency="EUR",
        reference="AT-9P2M4X",
        description="Atelier Premium Plus",
        kind="paypal",
        shopper_reference="member-18",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
        recurring=Recurring(
            monthly_cents=14900,
            # The end of the 7-day reflection period after acceptance on 6 May.
            first_charge_on=date(2024, 5, 13),
            discount_cents=discount_cents,
            discount_months=discount_months,
            description="Atelier Premium Plus, Learning Path",
        ),
    )


def expected(cents: int = 4900, currency: str = "EUR", ref: str | None = PAYMENT_ID):
    return Expected(reference=ORDER, amount_cents=cents, currency=currency, payment_reference=ref)


def calls_to(mock, method: str, path: str) -> list:
    return [c for c in mock.calls if c.request.method == method and c.request.url.endswith(path)]


def body_of(call) -> dict:
    return json.loads(call.request.body)


def logged() -> list[GatewayCall]:
    return list(db.session.scalars(select(GatewayCall).order_by(GatewayCall.id)))


def add_agreement_creation(mock) -> None:
    mock.add(
        responses.POST,
        f"{API}/v1/payments/billing-plans",
        json=recorded("billing_plan_created"),
        status=201,
    )
    mock.add(responses.PATCH, f"{API}/v1/payments/billing-plans/{PLAN_ID}", body="", status=200)
    mock.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements",
        json=recorded("billing_agreement_created"),
        status=201,
    )


# -- one-off payment ---------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**10))
def test_amounts_survive_the_trip_through_paypals_notation(cents):
    assert to_cents(money(cents)) == cents


def test_amounts_paypal_writes_are_read_exactly():
    assert [to_cents(v) for v in ("49", "49.0", "0.05", "119.20")] == [4900, 4900, 5, 11920]
    assert [to_cents(v) for v in ("49.001", "abc", None, "NaN")] == [None, None, None, None]


def test_money_is_written_as_paypal_expects():
    assert [money(c) for c in (4900, 5, 119, 100000)] == ["49.00", "0.05", "1.19", "1000.00"]
    with pytest.raises(ValueError):
        money(-1)


def test_create_payment_sends_the_order_and_returns_the_approval_url(paypal, api):
    api.add(
        responses.POST, f"{API}/v1/payments/payment", json=recorded("payment_created"), status=201
    )

    result = paypal.charge(one_off())

    assert result.outcome is Outcome.ACTION_REQUIRED
    assert result.reference == PAYMENT_ID
    assert result.action_url.startswith("https://www.sandbox.paypal.com/cgi-bin/webscr?")
    assert "token=EC-60385559L1062554J" in result.action_url
    (create,) = calls_to(api, "POST", "/v1/payments/payment")
    sent = body_of(create)
    assert sent["intent"] == "sale"
    assert sent["payer"] == {"payment_method": "paypal"}
    (transaction,) = sent["transactions"]
    assert transaction["amount"] == {"total": "49.00", "currency": "EUR"}
    assert transaction["invoice_number"] == ORDER
    assert transaction["description"] == "Atelier Premium Solo, first month"
    assert sent["redirect_urls"] == {"return_url": RETURN_URL, "cancel_url": CANCEL_URL}
    assert (
        create.request.headers["Authorization"]
        == "Bearer " + recorded("oauth_token")["access_token"]
    )


def test_a_retry_of_the_same_key_sends_the_same_paypal_request_id(app, api):
    api.add(
        responses.POST, f"{API}/v1/payments/payment", json=recorded("payment_created"), status=201
    )
    key = f"order:{ORDER}:1"

    # Two gateways, as two requests (a retry after a timeout) would build them.
    for _ in range(2):
        PayPalGateway.from_config({**app.config, **SETTINGS}).charge(one_off(key))
    PayPalGateway.from_config({**app.config, **SETTINGS}).charge(one_off(f"order:{ORDER}:2"))

    sent = [
        c.request.headers["PayPal-Request-Id"]
        for c in calls_to(api, "POST", "/v1/payments/payment")
    ]
    assert sent == [key, key, f"order:{ORDER}:2"]


def test_approval_then_execute_succeeds_with_the_sale_kept(paypal, api):
    api.add(
        responses.GET,
        f"{API}/v1/payments/payment/{PAYMENT_ID}",
        json=recorded("payment_approved_by_buyer"),
    )
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment/{PAYMENT_ID}/execute",
        json=recorded("payment_executed"),
    )

    result = paypal.complete(
        expected(),
        {"paymentId": PAYMENT_ID, "token": "EC-60385559L1062554J", "PayerID": "QYR5Z8XDVJNXQ"},
    )

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == PAYMENT_ID
    assert result.raw["sale_id"] == SALE_ID
    assert (result.amount_cents, result.currency) == (4900, "EUR")
    assert result.method.kind == "paypal"
    assert result.method.payer_email == "camille.buyer@example.com"
    (execute,) = calls_to(api, "POST", "/execute")
    assert body_of(execute) == {"payer_id": "QYR5Z8XDVJNXQ"}
    assert execute.request.headers["PayPal-Request-Id"] == f"execute:{PAYMENT_ID}"


def test_cancel_on_paypals_page_asks_paypal_nothing(paypal, api):
    result = paypal.complete(expected(), {"cancelled": "1", "token": "EC-60385559L1062554J"})

    assert result.outcome is Outcome.CANCELLED
    assert len(api.calls) == 0
    assert [row.outcome for row in logged()] == ["cancelled"]


def test_execute_refused_by_paypal_is_a_mapped_decline(paypal, api):
    api.add(
        responses.GET,
        f"{API}/v1/payments/payment/{PAYMENT_ID}",
        json=recorded("payment_approved_by_buyer"),
    )
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment/{PAYMENT_ID}/execute",
        json=recorded("payment_execute_instrument_declined"),
        status=400,
    )

    result = paypal.complete(expected(), {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"})

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.DECLINED
    assert result.raw["error"]["name"] == "INSTRUMENT_DECLINED"
    assert logged()[-1].response["name"] == "INSTRUMENT_DECLINED"


def test_a_replayed_return_is_answered_without_a_second_execute(paypal, api):
    api.add(
        responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=recorded("payment_executed")
    )

    params = {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"}
    results = [paypal.complete(expected(), params) for _ in range(2)]

    assert [r.outcome for r in results] == [Outcome.SUCCEEDED, Outcome.SUCCEEDED]
    assert {r.raw["sale_id"] for r in results} == {SALE_ID}
    assert calls_to(api, "POST", "/execute") == []


def test_execute_raced_by_another_return_reads_the_payment_again(paypal, api):
    api.add(
        responses.GET,
        f"{API}/v1/payments/payment/{PAYMENT_ID}",
        json=recorded("payment_approved_by_buyer"),
    )
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment/{PAYMENT_ID}/execute",
        json={
            "name": "PAYMENT_ALREADY_DONE",
            "message": "Payment has been done already for this cart.",
            "debug_id": "1f0e9d8c7b6a5",
        },
        status=400,
    )
    api.add(
        responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=recorded("payment_executed")
    )

    result = paypal.complete(expected(), {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"})

    assert result.outcome is Outcome.SUCCEEDED
    assert result.raw["sale_id"] == SALE_ID
    assert len(calls_to(api, "POST", "/execute")) == 1


def test_a_payment_id_that_is_not_this_orders_is_refused_before_any_call(paypal, api):
    result = paypal.complete(
        expected(), {"paymentId": "PAY-SOMEONE-ELSES-PAYMENT", "PayerID": "QYR5Z8XDVJNXQ"}
    )

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.NOT_THIS_ORDER
    assert len(api.calls) == 0


def test_a_payment_for_another_invoice_is_refused_without_execute(paypal, api):
    other = recorded("payment_approved_by_buyer")
    other["transactions"][0]["invoice_number"] = "AT-OTHER1"
    api.add(responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=other)

    result = paypal.complete(expected(), {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"})

    assert result.decline is Decline.NOT_THIS_ORDER
    assert calls_to(api, "POST", "/execute") == []


@pytest.mark.parametrize(
    ("total", "currency"), [("4.90", "EUR"), ("49.00", "USD"), ("490.00", "EUR")]
)
def test_an_amount_or_currency_mismatch_is_refused_without_execute(paypal, api, total, currency):
    tampered = recorded("payment_approved_by_buyer")
    tampered["transactions"][0]["amount"] = {"total": total, "currency": currency}
    api.add(responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=tampered)

    result = paypal.complete(expected(), {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"})

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.AMOUNT_MISMATCH
    assert calls_to(api, "POST", "/execute") == []


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ConnectTimeout(),
        requests.exceptions.ReadTimeout(),
        requests.exceptions.ConnectionError(),
    ],
    ids=["connect-timeout", "read-timeout", "connection-error"],
)
def test_no_answer_is_a_gateway_timeout(paypal, api, failure):
    api.add(responses.POST, f"{API}/v1/payments/payment", body=failure)

    with pytest.raises(GatewayTimeout):
        paypal.charge(one_off())

    assert logged()[-1].outcome == "no answer"
    assert logged()[-1].idempotency_key == f"order:{ORDER}:1"


def test_a_server_error_is_a_gateway_timeout(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment",
        json={
            "name": "INTERNAL_SERVICE_ERROR",
            "message": "An internal service error has occurred",
            "debug_id": "b1a2c3d4e5f60",
        },
        status=500,
    )

    with pytest.raises(GatewayTimeout):
        paypal.charge(one_off())


@pytest.mark.parametrize("status", [400, 403, 422])
def test_a_client_error_is_declined_with_the_raw_error(paypal, api, status):
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment",
        json=recorded("validation_error"),
        status=status,
    )

    result = paypal.charge(one_off())

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.GATEWAY_ERROR
    assert result.raw["error"]["name"] == "VALIDATION_ERROR"
    assert logged()[-1].http_status == status


def test_only_paypal_requests_are_taken(paypal):
    request = one_off()
    with pytest.raises(ValueError):
        paypal.charge(ChargeRequest(**{**request.__dict__, "kind": "card"}))


# -- billing agreements ------------------------------------------------------------


def test_solo_agreement_charges_the_first_month_as_setup_fee(paypal, api):
    add_agreement_creation(api)

    result = paypal.charge(solo())

    assert result.outcome is Outcome.ACTION_REQUIRED
    assert result.reference == TOKEN
    assert result.action_url.endswith(f"token={TOKEN}")
    (plan_call,) = calls_to(api, "POST", "/v1/payments/billing-plans")
    plan = body_of(plan_call)
    assert plan["type"] == "INFINITE"
    assert plan["payment_definitions"] == [
        {
            "name": "Monthly",
            "type": "REGULAR",
            "frequency": "MONTH",
            "frequency_interval": "1",
            "cycles": "0",
            "amount": {"value": "49.00", "currency": "EUR"},
        }
    ]
    preferences = plan["merchant_preferences"]
    assert preferences["setup_fee"] == {"value": "49.00", "currency": "EUR"}
    assert preferences["auto_bill_amount"] == "YES"
    assert preferences["initial_fail_amount_action"] == "CANCEL"
    assert (preferences["return_url"], preferences["cancel_url"]) == (RETURN_URL, CANCEL_URL)
    (activate,) = calls_to(api, "PATCH", f"/v1/payments/billing-plans/{PLAN_ID}")
    assert body_of(activate) == [{"op": "replace", "path": "/", "value": {"state": "ACTIVE"}}]
    (agreement_call,) = calls_to(api, "POST", "/v1/payments/billing-agreements")
    agreement = body_of(agreement_call)
    # The setup fee paid the month from 6 May: PayPal's own charges start a month later.
    assert agreement["start_date"] == "2024-06-06T00:00:00Z"
    assert agreement["plan"] == {"id": PLAN_ID}
    assert ORDER in agreement["name"]
    assert ORDER in agreement["description"]
    assert [
        plan_call.request.headers["PayPal-Request-Id"],
        activate.request.headers["PayPal-Request-Id"],
        agreement_call.request.headers["PayPal-Request-Id"],
    ] == [f"order:{ORDER}:1:plan", f"order:{ORDER}:1:plan-activate", f"order:{ORDER}:1"]


def test_solo_discount_months_count_the_setup_fee_as_the_first(paypal, api):
    add_agreement_creation(api)

    paypal.charge(solo(discount_cents=980, discount_months=3))

    plan = body_of(calls_to(api, "POST", "/v1/payments/billing-plans")[0])
    assert plan["merchant_preferences"]["setup_fee"]["value"] == "39.20"
    trial, regular = plan["payment_definitions"]
    assert (trial["type"], trial["cycles"], trial["amount"]["value"]) == ("TRIAL", "2", "39.20")
    assert (regular["type"], regular["amount"]["value"]) == ("REGULAR", "49.00")


def test_plus_agreement_starts_when_reflection_ends_with_no_setup_fee(paypal, api):
    add_agreement_creation(api)

    result = paypal.charge(plus(discount_cents=2980, discount_months=1))

    assert result.outcome is Outcome.ACTION_REQUIRED
    plan = body_of(calls_to(api, "POST", "/v1/payments/billing-plans")[0])
    assert "setup_fee" not in plan["merchant_preferences"]
    trial, regular = plan["payment_definitions"]
    assert (trial["type"], trial["cycles"], trial["amount"]["value"]) == ("TRIAL", "1", "119.20")
    assert regular["amount"] == {"value": "149.00", "currency": "EUR"}
    agreement = body_of(calls_to(api, "POST", "/v1/payments/billing-agreements")[0])
    assert agreement["start_date"] == "2024-05-13T00:00:00Z"


def test_solo_agreement_execute_succeeds_and_keeps_the_agreement(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_solo"),
    )

    result = paypal.complete(expected(ref=TOKEN), {"token": TOKEN})

    assert result.outcome is Outcome.SUCCEEDED
    assert result.reference == SOLO_AGREEMENT
    assert result.method.kind == "paypal"
    assert result.method.token == SOLO_AGREEMENT
    assert result.method.payer_email == "camille.buyer@example.com"
    assert (result.amount_cents, result.currency) == (4900, "EUR")
    (execute,) = api.calls[1:]
    assert execute.request.headers["PayPal-Request-Id"] == f"agreement-execute:{TOKEN}"


def test_plus_agreement_execute_authorises_and_charges_nothing(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_plus"),
    )

    result = paypal.complete(
        Expected(reference="AT-9P2M4X", amount_cents=0, currency="EUR", payment_reference=TOKEN),
        {"token": TOKEN},
    )

    assert result.outcome is Outcome.AUTHORISED
    assert result.method.token == PLUS_AGREEMENT
    assert result.amount_cents == 0


def test_an_agreement_token_that_is_not_this_orders_is_refused_before_any_call(paypal, api):
    result = paypal.complete(expected(ref=TOKEN), {"token": "EC-5XY00000000000000"})

    assert result.decline is Decline.NOT_THIS_ORDER
    assert len(api.calls) == 0


def test_an_agreement_for_another_setup_fee_is_refused_and_cancelled(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_solo"),
    )
    api.add(
        responses.POST, f"{API}/v1/payments/billing-agreements/{SOLO_AGREEMENT}/cancel", status=204
    )

    result = paypal.complete(expected(cents=3920, ref=TOKEN), {"token": TOKEN})

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.AMOUNT_MISMATCH
    assert result.reference == SOLO_AGREEMENT
    assert len(calls_to(api, "POST", f"/{SOLO_AGREEMENT}/cancel")) == 1


def add_setup_fee_refund(mock, sale_id: str = "6VB45389RK211724M", status: int = 201) -> None:
    mock.add(
        responses.POST, f"{API}/v1/payments/billing-agreements/{SOLO_AGREEMENT}/cancel", status=204
    )
    mock.add(
        responses.GET,
        f"{API}/v1/payments/billing-agreements/{SOLO_AGREEMENT}/transactions",
        json=recorded("billing_agreement_transactions"),
    )
    add_sale_refund(mock, sale_id, status)


def test_an_agreement_for_another_setup_fee_gives_the_fee_back_once(paypal, api):
    """Issue 13: the refused agreement was active, so PayPal took its setup fee at
    execution: it is refunded, with a request id fixed per agreement (a replay refunds
    nothing twice), and checkout is told what was taken and given back."""
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_solo"),
    )
    add_setup_fee_refund(api)

    result = paypal.complete(expected(cents=3920, ref=TOKEN), {"token": TOKEN})

    assert result.decline is Decline.AMOUNT_MISMATCH
    fee = result.raw["setup_fee"]
    assert (fee["cents"], fee["currency"], fee["refunded"]) == (4900, "EUR", True)
    assert (fee["sale_id"], fee["refund_id"]) == ("6VB45389RK211724M", "4CF18861HF410323U")
    (refund,) = calls_to(api, "POST", "/sale/6VB45389RK211724M/refund")
    assert body_of(refund) == {"amount": {"total": "49.00", "currency": "EUR"}}
    assert refund.request.headers["PayPal-Request-Id"] == f"setup-fee:{SOLO_AGREEMENT}"


def test_a_setup_fee_refund_paypal_refuses_is_reported_not_refunded(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_solo"),
    )
    add_setup_fee_refund(api, status=400)

    result = paypal.complete(expected(cents=3920, ref=TOKEN), {"token": TOKEN})

    assert result.decline is Decline.AMOUNT_MISMATCH
    assert result.raw["setup_fee"]["refunded"] is False


def test_a_refused_plus_agreement_took_no_fee_and_nothing_is_refunded(paypal, api):
    api.add(
        responses.POST,
        f"{API}/v1/payments/billing-agreements/{TOKEN}/agreement-execute",
        json=recorded("billing_agreement_executed_plus"),
    )
    api.add(
        responses.POST, f"{API}/v1/payments/billing-agreements/{PLUS_AGREEMENT}/cancel", status=204
    )

    result = paypal.complete(
        Expected(reference="AT-9P2M4X", amount_cents=0, currency="USD", payment_reference=TOKEN),
        {"token": TOKEN},
    )

    assert result.decline is Decline.AMOUNT_MISMATCH
    assert "setup_fee" not in result.raw
    assert calls_to(api, "POST", "/refund") == []


# -- look-ups and refunds ----------------------------------------------------------


def test_lookup_without_a_reference_says_nothing_was_charged(paypal, api):
    result = paypal.lookup(f"order:{ORDER}:1", None)

    assert result.outcome is Outcome.DECLINED
    assert result.decline is Decline.GATEWAY_ERROR
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    ("fixture", "outcome"),
    [("payment_created", Outcome.ACTION_REQUIRED), ("payment_executed", Outcome.SUCCEEDED)],
)
def test_lookup_reports_the_payments_state(paypal, api, fixture, outcome):
    api.add(responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=recorded(fixture))

    result = paypal.lookup(f"order:{ORDER}:1", PAYMENT_ID)

    assert result.outcome is outcome
    assert result.reference == PAYMENT_ID


def test_lookup_of_an_agreement(paypal, api):
    api.add(
        responses.GET,
        f"{API}/v1/payments/billing-agreements/{SOLO_AGREEMENT}",
        json=recorded("billing_agreement_executed_solo"),
    )

    assert paypal.lookup(f"order:{ORDER}:1", SOLO_AGREEMENT).outcome is Outcome.SUCCEEDED
    # An approval token names nothing PayPal can look up: still waiting for the buyer.
    assert paypal.lookup(f"order:{ORDER}:1", TOKEN).outcome is Outcome.ACTION_REQUIRED


def add_refund(mock) -> None:
    mock.add(responses.GET, f"{API}/v1/payments/sale/{SALE_ID}", json=recorded("sale"))
    mock.add(
        responses.POST,
        f"{API}/v1/payments/sale/{SALE_ID}/refund",
        json=recorded("sale_refunded"),
        status=201,
    )


def test_refund_of_a_payment_refunds_its_sale(paypal, api):
    api.add(
        responses.GET, f"{API}/v1/payments/payment/{PAYMENT_ID}", json=recorded("payment_executed")
    )
    add_refund(api)

    result = paypal.refund(PAYMENT_ID, 4900, "EUR", f"refund:{ORDER}:1")

    assert result.succeeded
    assert result.reference == "4CF18861HF410323U"
    (refund,) = calls_to(api, "POST", f"/sale/{SALE_ID}/refund")
    assert body_of(refund) == {"amount": {"total": "49.00", "currency": "EUR"}}
    assert refund.request.headers["PayPal-Request-Id"] == f"refund:{ORDER}:1"


def test_a_retried_refund_sends_the_same_request_id(paypal, api):
    add_refund(api)

    for _ in range(2):
        paypal.refund(SALE_ID, 4900, "EUR", f"refund:{ORDER}:1")

    ids = {c.request.headers["PayPal-Request-Id"] for c in calls_to(api, "POST", "/refund")}
    assert ids == {f"refund:{ORDER}:1"}


def test_refund_of_an_agreement_refunds_its_setup_fee(paypal, api):
    api.add(
        responses.GET,
        f"{API}/v1/payments/billing-agreements/{SOLO_AGREEMENT}/transactions",
        json=recorded("billing_agreement_transactions"),
    )
    sale = recorded("sale") | {"id": "6VB45389RK211724M"}
    api.add(responses.GET, f"{API}/v1/payments/sale/6VB45389RK211724M", json=sale)
    api.add(
        responses.POST,
        f"{API}/v1/payments/sale/6VB45389RK211724M/refund",
        json=recorded("sale_refunded") | {"sale_id": "6VB45389RK211724M"},
        status=201,
    )

    result = paypal.refund(SOLO_AGREEMENT, 4900, "EUR", f"withdraw:{ORDER}")

    assert result.succeeded
    assert result.raw["sale_id"] == "6VB45389RK211724M"
    (search,) = [c for c in api.calls if "/transactions?" in c.request.url]
    assert "start_date=" in search.request.url
    assert "end_date=" in search.request.url


def test_refund_refused_by_paypal(paypal, api):
    api.add(responses.GET, f"{API}/v1/payments/sale/{SALE_ID}", json=recorded("sale"))
    api.add(
        responses.POST,
        f"{API}/v1/payments/sale/{SALE_ID}/refund",
        json={
            "name": "TRANSACTION_REFUSED",
            "message": "The request was refused",
            "debug_id": "5e4d3c2b1a098",
        },
        status=400,
    )

    result = paypal.refund(SALE_ID, 4900, "EUR", f"refund:{ORDER}:1")

    assert not result.succeeded
    assert result.raw["error"]["name"] == "TRANSACTION_REFUSED"


# -- the log, the method step, the factory -----------------------------------------


def test_every_exchange_is_kept_in_gateway_calls_without_secrets(paypal, api):
    api.add(
        responses.POST, f"{API}/v1/payments/payment", json=recorded("payment_created"), status=201
    )
    api.add(
        responses.GET,
        f"{API}/v1/payments/payment/{PAYMENT_ID}",
        json=recorded("payment_approved_by_buyer"),
    )
    api.add(
        responses.POST,
        f"{API}/v1/payments/payment/{PAYMENT_ID}/execute",
        json=recorded("payment_executed"),
    )

    paypal.charge(one_off())
    paypal.complete(expected(), {"paymentId": PAYMENT_ID, "PayerID": "QYR5Z8XDVJNXQ"})
    db.session.commit()

    rows = logged()
    assert len(rows) == len(api.calls) == 4
    assert [(r.operation, r.request["method"], r.request["path"], r.http_status) for r in rows] == [
        ("charge", "POST", "/v1/oauth2/token", 200),
        ("charge", "POST", "/v1/payments/payment", 201),
        ("complete", "GET", f"/v1/payments/payment/{PAYMENT_ID}", 200),
        ("complete", "POST", f"/v1/payments/payment/{PAYMENT_ID}/execute", 200),
    ]
    assert rows[1].request["body"]["transactions"][0]["invoice_number"] == ORDER
    assert rows[1].request["paypal_request_id"] == f"order:{ORDER}:1"
    assert rows[1].idempotency_key == f"order:{ORDER}:1"
    assert rows[3].response["state"] == "approved"
    assert rows[0].response["access_token"] == "[redacted]"
    everything = json.dumps([[r.request, r.response] for r in rows])
    assert recorded("oauth_token")["access_token"] not in everything
    assert SETTINGS["PAYPAL_CLIENT_SECRET"] not in everything


def test_save_method_keeps_nothing_yet(paypal):
    result = paypal.save_method(17, {})

    assert result.method.kind == "paypal"
    assert result.method.token is None
    assert result.problem is None


def test_the_paypal_setting_chooses_this_gateway(make_app):
    other = make_app(**SETTINGS)
    with other.app_context():
        assert isinstance(gateway_named("paypal"), PayPalGateway)


def test_credentials_are_required(app):
    with pytest.raises(ValueError):
        PayPalGateway.from_config({**app.config, **SETTINGS, "PAYPAL_CLIENT_SECRET": None})
