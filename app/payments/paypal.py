"""PayPal through `paypalrestsdk` (REST v1): a one-off payment (create → the buyer approves
on PayPal → execute on return), a billing plan and agreement for the monthly plans,
refunds, and webhook verification (in `paypal_webhooks`).

What `reference` holds:
- one-off payment: the PayPal payment id (PAY-…) from `charge` to `complete`; the sale id
  is in `raw["sale_id"]`. Webhooks name a sale's payment as `parent_payment`, so the
  payment id is what a Payment row is matched on.
- agreement: `charge` gives the approval token (EC-…), the only id PayPal has before the
  buyer approves and the `token` that comes back on the return URL; `complete` gives the
  agreement id (I-…), also `method.token`, which the monthly sales' webhooks name as
  `billing_agreement_id`.
`refund` takes any of these (or a sale id) and finds the sale to refund.

Every HTTP exchange, the OAuth token call included (token redacted), goes to the gateway
log through `_Api.http_call`."""

import contextlib
import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import paypalrestsdk
import requests
from paypalrestsdk import exceptions as sdk_errors
from paypalrestsdk.resource import Resource

from app.domain.periods import add_months
from app.payments import audit, paypal_webhooks
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayEvent,
    GatewayTimeout,
    MethodDetails,
    Outcome,
    PaymentGateway,
    RefundResult,
    SaveMethodResult,
)
from app.payments.paypal_webhooks import to_cents

NAME = "paypal"
AGREEMENTS = "v1/payments/billing-agreements"
# The approval token PayPal puts on the return URL; it also goes into a request path.
_TOKEN = re.compile(r"^EC-[A-Z0-9]{1,40}$")
_TOKEN_KEYS = {"access_token", "refresh_token", "id_token"}

# PayPal's error names (v1 payments and agreements), in our words.
_DECLINES = {
    "INSTRUMENT_DECLINED": Decline.DECLINED,
    "PAYER_CANNOT_PAY": Decline.DECLINED,
    "CREDIT_CARD_REFUSED": Decline.DECLINED,
    "TRANSACTION_REFUSED": Decline.DECLINED,
    "TRANSACTION_REFUSED_BY_PAYPAL_RISK": Decline.DECLINED,
    "PAYER_ACCOUNT_RESTRICTED": Decline.DECLINED,
    "PAYER_ACCOUNT_LOCKED_OR_CLOSED": Decline.DECLINED,
    "INSUFFICIENT_FUNDS": Decline.INSUFFICIENT_FUNDS,
    "EXPIRED_CREDIT_CARD": Decline.EXPIRED_CARD,
    "CREDIT_CARD_CVV_CHECK_FAILED": Decline.INVALID_CARD,
}


def money(cents: int) -> str:
    """Integer cents as PayPal writes amounts: 4900 → '49.00'."""
    if cents < 0:
        raise ValueError("a negative amount")
    return f"{cents // 100}.{cents % 100:02d}"


class _Refused(Exception):
    """PayPal answered 4xx: it did nothing. Carries PayPal's error body."""

    def __init__(self, error: Mapping):
        super().__init__(str(error.get("name") or "refused"))
        self.error = dict(error)


class _Api(paypalrestsdk.Api):
    """The SDK's Api with a timeout on every call (the SDK sets none), each exchange kept
    in the gateway log, and no logging of its own: the SDK's `http_call` logs request
    headers, the Basic credentials included, at DEBUG in sandbox mode."""

    def __init__(self, *, timeout: float, **options):
        super().__init__(**options)
        self.timeout = timeout
        # What the gateway is doing, for the log rows of the calls it makes.
        self.operation = "call"
        self.idempotency_key: str | None = None

    def http_call(self, url, method, **kwargs):
        headers = kwargs.get("headers") or {}
        sent = {
            "method": method,
            "path": urlsplit(url).path,
            "paypal_request_id": headers.get("PayPal-Request-Id"),
            "body": _loggable(kwargs.get("data")),
        }
        try:
            response = requests.request(
                method, url, timeout=self.timeout, proxies=self.proxies, **kwargs
            )
        except requests.RequestException as error:
            self._record(sent, None, None, "no answer")
            raise GatewayTimeout(f"PayPal did not answer ({type(error).__name__})") from error
        content = response.content.decode("utf-8", errors="replace")
        status = response.status_code
        outcome = "ok" if status < 300 else "refused" if status < 500 else "server error"
        self._record(sent, _loggable(content), status, outcome)
        return self.handle_response(response, content)

    def _record(self, sent, received, status, outcome) -> None:
        audit.record(
            NAME,
            self.operation,
            request=sent,
            response=received,
            http_status=status,
            outcome=outcome,
            idempotency_key=self.idempotency_key,
        )


def _loggable(data: Any) -> dict | None:
    if data is None:
        return None
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(data)
    except ValueError:
        # The token request is form-encoded: "grant_type=client_credentials".
        return {"text": str(data)[:2000]}
    if isinstance(parsed, dict):
        return {k: "[redacted]" if k in _TOKEN_KEYS else v for k, v in parsed.items()}
    return {"json": parsed}


def _link(links, rel: str) -> str | None:
    for link in links or []:
        if link.rel == rel:
            return link.href
    return None


def _error_of(error: sdk_errors.ConnectionError) -> dict:
    try:
        body = json.loads(error.content or "{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    body.setdefault("http_status", getattr(error.response, "status_code", None))
    return body


def _decline_for(error: Mapping) -> Decline:
    return _DECLINES.get(str(error.get("name", "")), Decline.GATEWAY_ERROR)


class PayPalGateway(PaymentGateway):
    name = NAME

    def __init__(self, api: _Api, webhooks: paypal_webhooks.WebhookSettings):
        self.api = api
        self.webhooks = webhooks

    @classmethod
    def from_config(cls, config: Mapping) -> "PayPalGateway":
        if not config.get("PAYPAL_CLIENT_ID") or not config.get("PAYPAL_CLIENT_SECRET"):
            raise ValueError("PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET must be set")
        api = _Api(
            mode=config["PAYPAL_MODE"],
            client_id=config["PAYPAL_CLIENT_ID"],
            client_secret=config["PAYPAL_CLIENT_SECRET"],
            timeout=float(config["GATEWAY_TIMEOUT_SECONDS"]),
        )
        return cls(api, paypal_webhooks.WebhookSettings.from_config(config))

    # -- plumbing ---------------------------------------------------------------------

    def _doing(self, operation: str, idempotency_key: str | None = None) -> None:
        self.api.operation = operation
        self.api.idempotency_key = idempotency_key

    def _sdk(self, call, *args):
        """Run an SDK call: 5xx and unknown answers become GatewayTimeout (PayPal may have
        acted), 4xx becomes _Refused (it did not). The SDK itself turns a 400 into an
        `error` attribute rather than an exception: `_checked` handles that one."""
        try:
            return call(*args)
        except sdk_errors.ClientError as error:
            raise _Refused(_error_of(error)) from error
        except sdk_errors.ConnectionError as error:
            raise GatewayTimeout(f"PayPal answered {error.response!s:.40}") from error

    @staticmethod
    def _checked(resource: Resource) -> Resource:
        if resource.error:
            raise _Refused(dict(resource.error))
        return resource

    def _note(self, operation: str, request: Mapping, outcome: str) -> None:
        """A decision taken without asking PayPal, kept beside the calls that were made."""
        audit.record(NAME, operation, request=dict(request), response=None, outcome=outcome)

    # -- PaymentGateway ---------------------------------------------------------------

    def save_method(self, user_id: int, form: Mapping[str, str]) -> SaveMethodResult:
        # The buyer gives PayPal their account on PayPal's page: nothing to keep yet.
        return SaveMethodResult(MethodDetails(kind="paypal", token=None))

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if request.kind != "paypal":
            raise ValueError("the PayPal gateway takes only PayPal requests")
        if not request.return_url or not request.cancel_url:
            raise ValueError("PayPal needs a return and a cancel URL")
        self._doing("charge", request.idempotency_key)
        try:
            if request.recurring is None:
                return self._create_payment(request)
            return self._create_agreement(request)
        except _Refused as refused:
            return ChargeResult(
                Outcome.DECLINED, decline=Decline.GATEWAY_ERROR, raw={"error": refused.error}
            )

    def _create_payment(self, request: ChargeRequest) -> ChargeResult:
        if request.amount_cents <= 0:
            raise ValueError("a one-off PayPal payment charges something")
        payment = paypalrestsdk.Payment(
            {
                "intent": "sale",
                "payer": {"payment_method": "paypal"},
                "transactions": [
                    {
                        "amount": {
                            "total": money(request.amount_cents),
                            "currency": request.currency,
                        },
                        "invoice_number": request.reference,
                        "description": request.description[:127],
                    }
                ],
                "redirect_urls": {
                    "return_url": request.return_url,
                    "cancel_url": request.cancel_url,
                },
            },
            api=self.api,
        )
        # The SDK draws a new PayPal-Request-Id for every Resource object; a retry of the
        # same charge must send the same one so that PayPal answers with the payment it
        # already created instead of a second one.
        payment.request_id = request.idempotency_key
        self._sdk(payment.create)
        self._checked(payment)
        return ChargeResult(
            Outcome.ACTION_REQUIRED,
            reference=payment.id,
            action_url=_link(payment.links, "approval_url"),
            amount_cents=request.amount_cents,
            currency=request.currency,
            raw={"payment_id": payment.id, "state": payment.state},
        )

    def _create_agreement(self, request: ChargeRequest) -> ChargeResult:
        recurring = request.recurring
        currency = request.currency
        key = request.idempotency_key
        # Solo pays its first month at approval, as the setup fee: the agreement's own
        # charges start a month later. Plus pays nothing until its reflection period ends.
        months_paid = 1 if request.amount_cents > 0 else 0
        start = add_months(recurring.first_charge_on, months_paid)
        # The discount counts from the first charge (order_pricing.quote), so a setup fee
        # already used one discounted month.
        trial_cycles = max(recurring.discount_months - months_paid, 0)
        definitions = []
        if trial_cycles and recurring.discount_cents:
            definitions.append(
                {
                    "name": "Discounted months",
                    "type": "TRIAL",
                    "frequency": "MONTH",
                    "frequency_interval": "1",
                    "cycles": str(trial_cycles),
                    "amount": {
                        "value": money(recurring.monthly_cents - recurring.discount_cents),
                        "currency": currency,
                    },
                }
            )
        definitions.append(
            {
                "name": "Monthly",
                "type": "REGULAR",
                "frequency": "MONTH",
                "frequency_interval": "1",
                "cycles": "0",
                "amount": {"value": money(recurring.monthly_cents), "currency": currency},
            }
        )
        preferences = {
            "return_url": request.return_url,
            "cancel_url": request.cancel_url,
            "auto_bill_amount": "YES",
            # A refused first payment must not leave an agreement that looks signed.
            "initial_fail_amount_action": "CANCEL",
        }
        if request.amount_cents > 0:
            preferences["setup_fee"] = {"value": money(request.amount_cents), "currency": currency}
        description = (recurring.description or request.description)[:120]
        plan = paypalrestsdk.BillingPlan(
            {
                "name": f"Atelier {request.reference}"[:128],
                "description": description,
                "type": "INFINITE",
                "payment_definitions": definitions,
                "merchant_preferences": preferences,
            },
            api=self.api,
        )
        # One PayPal-Request-Id per step, all derived from the charge's key, so that a
        # retry replays each step rather than creating a second plan or agreement. The
        # activation needs its own: the SDK would otherwise resend the creation's id.
        plan.request_id = f"{key}:plan"
        self._sdk(plan.create)
        self._checked(plan)
        plan.request_id = f"{key}:plan-activate"
        self._sdk(plan.activate)
        self._checked(plan)
        agreement = paypalrestsdk.BillingAgreement(
            {
                "name": f"Atelier {request.reference}"[:128],
                "description": f"{description} ({request.reference})"[:127],
                "start_date": f"{start.isoformat()}T00:00:00Z",
                "plan": {"id": plan.id},
                "payer": {"payment_method": "paypal"},
            },
            api=self.api,
        )
        agreement.request_id = key
        self._sdk(agreement.create)
        self._checked(agreement)
        approval = _link(agreement.links, "approval_url")
        token = parse_qs(urlsplit(approval or "").query).get("token", [None])[0]
        if not token:
            raise _Refused({"name": "NO_APPROVAL_TOKEN", "links": str(agreement.links)})
        return ChargeResult(
            Outcome.ACTION_REQUIRED,
            reference=token,
            action_url=approval,
            amount_cents=request.amount_cents,
            currency=currency,
            raw={"plan_id": plan.id, "token": token, "start_date": start.isoformat()},
        )

    def complete(self, expected: Expected, params: Mapping[str, str]) -> ChargeResult:
        """The flow is the one we started (EC- token: an agreement), never the one the
        query string suggests."""
        self._doing("complete")
        logged = {k: str(v)[:200] for k, v in params.items()}
        if params.get("cancelled"):
            self._note("complete", logged, "cancelled")
            return ChargeResult(Outcome.CANCELLED, reference=expected.payment_reference)
        ours = expected.payment_reference
        is_agreement = bool(ours and ours.startswith("EC-"))
        theirs = params.get("token") if is_agreement else params.get("paymentId")
        if not ours or theirs != ours:
            self._note("complete", logged, "not this order")
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        try:
            if is_agreement:
                return self._execute_agreement(expected, ours)
            return self._execute_payment(expected, ours, params.get("PayerID"))
        except _Refused as refused:
            return ChargeResult(
                Outcome.DECLINED,
                reference=ours,
                decline=_decline_for(refused.error),
                raw={"error": refused.error},
            )

    def _execute_payment(self, expected: Expected, payment_id: str, payer_id: str | None):
        payment = self._checked(self._sdk(paypalrestsdk.Payment.find, payment_id, self.api))
        transaction = (payment.transactions or [None])[0]
        if transaction is None or transaction.invoice_number != expected.reference:
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        amount = transaction.amount
        if (to_cents(amount.total), amount.currency) != (expected.amount_cents, expected.currency):
            return ChargeResult(
                Outcome.DECLINED, reference=payment_id, decline=Decline.AMOUNT_MISMATCH
            )
        if payment.state != "created":
            # Already executed (a refresh, a second tab, a replayed return): say what it
            # became, never execute again.
            return self._payment_result(payment)
        if not payer_id:
            return ChargeResult(Outcome.DECLINED, reference=payment_id, decline=Decline.DECLINED)
        body = Resource({"payer_id": payer_id}, api=self.api)
        # Two returns racing each other send the same id: PayPal executes once.
        body.request_id = f"execute:{payment_id}"
        self._sdk(payment.execute, body)
        if payment.error:
            if payment.error.get("name") == "PAYMENT_ALREADY_DONE":
                payment = self._checked(self._sdk(paypalrestsdk.Payment.find, payment_id, self.api))
                return self._payment_result(payment)
            raise _Refused(dict(payment.error))
        return self._payment_result(payment)

    @staticmethod
    def _payment_result(payment: Resource) -> ChargeResult:
        transaction = payment.transactions[0]
        sale = None
        for related in transaction.related_resources or []:
            if related.sale:
                sale = related.sale
        payer_info = payment.payer.payer_info if payment.payer else None
        raw = {
            "payment_id": payment.id,
            "state": payment.state,
            "sale_id": sale.id if sale else None,
            "sale_state": sale.state if sale else None,
        }
        if payment.state == "created":
            outcome = Outcome.ACTION_REQUIRED
        elif payment.state == "approved" and sale is not None:
            # A pending sale (eCheck, review) settles later, through a webhook.
            outcome = {
                "completed": Outcome.SUCCEEDED,
                "partially_refunded": Outcome.SUCCEEDED,
                "refunded": Outcome.SUCCEEDED,
                "pending": Outcome.UNKNOWN,
            }.get(sale.state, Outcome.DECLINED)
        else:
            outcome = Outcome.DECLINED
        return ChargeResult(
            outcome,
            reference=payment.id,
            decline=Decline.DECLINED if outcome is Outcome.DECLINED else None,
            action_url=_link(payment.links, "approval_url")
            if outcome is Outcome.ACTION_REQUIRED
            else None,
            method=MethodDetails(
                kind="paypal",
                token=None,
                payer_email=payer_info.email if payer_info else None,
            )
            if outcome is Outcome.SUCCEEDED
            else None,
            amount_cents=to_cents(transaction.amount.total),
            currency=transaction.amount.currency,
            raw=raw,
        )

    def _execute_agreement(self, expected: Expected, token: str) -> ChargeResult:
        if not _TOKEN.match(token):
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        # BillingAgreement.execute sends no PayPal-Request-Id at all; a fixed one per
        # token makes a replayed return get PayPal's first answer back.
        answer = self._sdk(
            self.api.post,
            f"{AGREEMENTS}/{token}/agreement-execute",
            {},
            {"PayPal-Request-Id": f"agreement-execute:{token}"},
        )
        agreement = self._checked(paypalrestsdk.BillingAgreement(answer, api=self.api))
        plan = agreement.plan
        preferences = plan.merchant_preferences if plan else None
        setup_fee = preferences.setup_fee if preferences else None
        fee_cents = to_cents(setup_fee.value) if setup_fee else 0
        currency = (plan.currency_code if plan else None) or (
            setup_fee.currency if setup_fee else None
        )
        if currency != expected.currency or fee_cents != expected.amount_cents:
            # Signed for other figures than the order's: stop it before it bills again.
            self._cancel_agreement(agreement.id, "Amount differs from the order")
            return ChargeResult(
                Outcome.DECLINED,
                reference=agreement.id,
                decline=Decline.AMOUNT_MISMATCH,
                raw={"agreement_id": agreement.id, "state": agreement.state},
            )
        return self._agreement_result(agreement, fee_cents)

    def _cancel_agreement(self, agreement_id: str | None, note: str) -> None:
        if not agreement_id:
            return
        # The refusal stands either way; the gateway log shows whether the cancel failed.
        with contextlib.suppress(_Refused, GatewayTimeout):
            self._sdk(
                self.api.post,
                f"{AGREEMENTS}/{agreement_id}/cancel",
                {"note": note},
                {"PayPal-Request-Id": f"cancel:{agreement_id}"},
            )

    @staticmethod
    def _agreement_result(agreement: Resource, fee_cents: int) -> ChargeResult:
        state = str(agreement.state or "").lower()
        if state == "active":
            outcome = Outcome.SUCCEEDED if fee_cents > 0 else Outcome.AUTHORISED
        elif state == "pending":
            outcome = Outcome.UNKNOWN
        else:
            outcome = Outcome.DECLINED
        payer_info = agreement.payer.payer_info if agreement.payer else None
        return ChargeResult(
            outcome,
            reference=agreement.id,
            decline=Decline.DECLINED if outcome is Outcome.DECLINED else None,
            method=MethodDetails(
                kind="paypal",
                token=agreement.id,
                payer_email=payer_info.email if payer_info else None,
            ),
            amount_cents=fee_cents,
            currency=agreement.plan.currency_code if agreement.plan else None,
            raw={
                "agreement_id": agreement.id,
                "state": agreement.state,
                "start_date": agreement.start_date,
            },
        )

    def lookup(self, idempotency_key: str, reference: str | None) -> ChargeResult:
        self._doing("lookup", idempotency_key)
        if reference is None:
            # The create call itself got no answer. Whatever PayPal may have created is
            # waiting for an approval the buyer never had the link for, and expires
            # unapproved: nothing was or can be charged. A new attempt may start afresh.
            self._note("lookup", {"idempotency_key": idempotency_key}, "nothing created")
            return ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR)
        if reference.startswith("EC-"):
            # An approval token names no agreement until the buyer's return executes it,
            # and PayPal offers no look-up by token: we are still waiting for the buyer.
            self._note("lookup", {"reference": reference}, "waiting for the buyer")
            return ChargeResult(Outcome.ACTION_REQUIRED, reference=reference)
        try:
            if reference.startswith("I-"):
                agreement = self._checked(
                    self._sdk(paypalrestsdk.BillingAgreement.find, reference, self.api)
                )
                plan = agreement.plan
                fee = (
                    plan.merchant_preferences.setup_fee
                    if plan and plan.merchant_preferences
                    else None
                )
                return self._agreement_result(agreement, to_cents(fee.value) if fee else 0)
            payment = self._checked(self._sdk(paypalrestsdk.Payment.find, reference, self.api))
            return self._payment_result(payment)
        except _Refused as refused:
            return ChargeResult(
                Outcome.DECLINED,
                reference=reference,
                decline=Decline.GATEWAY_ERROR,
                raw={"error": refused.error},
            )

    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        self._doing("refund", idempotency_key)
        try:
            sale_id = self._sale_of(payment_reference)
            if sale_id is None:
                self._note("refund", {"reference": payment_reference}, "no sale to refund")
                return RefundResult(False, outcome=Outcome.DECLINED)
            sale = self._checked(self._sdk(paypalrestsdk.Sale.find, sale_id, self.api))
            if sale.amount.currency != currency or sale.state not in (
                "completed",
                "partially_refunded",
            ):
                self._note("refund", {"sale_id": sale_id}, f"sale is {sale.state}")
                return RefundResult(False, outcome=Outcome.DECLINED, raw={"sale_id": sale_id})
            body = Resource(
                {"amount": {"total": money(amount_cents), "currency": currency}}, api=self.api
            )
            # A retried refund must not refund twice.
            body.request_id = idempotency_key
            refund = self._checked(self._sdk(sale.refund, body))
        except _Refused as refused:
            return RefundResult(False, outcome=Outcome.DECLINED, raw={"error": refused.error})
        done = refund.state in ("completed", "pending")
        return RefundResult(
            done,
            reference=refund.id,
            outcome=Outcome.SUCCEEDED if done else Outcome.DECLINED,
            raw={"refund_id": refund.id, "state": refund.state, "sale_id": sale_id},
        )

    def _sale_of(self, reference: str) -> str | None:
        """The sale behind a payment id, an agreement id (its latest completed payment:
        Solo's withdrawal refunds the setup fee) or a sale id itself."""
        if reference.startswith(("PAY-", "PAYID-")):
            payment = self._checked(self._sdk(paypalrestsdk.Payment.find, reference, self.api))
            for transaction in payment.transactions or []:
                for related in transaction.related_resources or []:
                    if related.sale:
                        return related.sale.id
            return None
        if reference.startswith("I-"):
            agreement = paypalrestsdk.BillingAgreement({"id": reference}, api=self.api)
            today = date.today()
            found = self._checked(
                self._sdk(
                    agreement.search_transactions,
                    (today - timedelta(days=400)).isoformat(),
                    (today + timedelta(days=1)).isoformat(),
                    # Without it the SDK reaches for its global, unconfigured Api.
                    self.api,
                )
            )
            completed = [
                t
                for t in found.agreement_transaction_list or []
                if str(t.status).lower() == "completed" and t.transaction_id
            ]
            return completed[-1].transaction_id if completed else None
        return reference

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> list[GatewayEvent]:
        return paypal_webhooks.verify(headers, body, self.webhooks)
