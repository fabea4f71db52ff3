"""Cards through Adyen: the Checkout API (v71) with the `Adyen` library.

Card data never reaches this server in clear. Adyen Web encrypts it in the browser and the
payment step posts only the component's state (`adyen_state_data`); its encrypted fields go
to Adyen once and are never kept (`audit.redact` drops them). A zero-amount authorisation
stores the card at Adyen; every charge after that is a merchant-initiated subscription
payment on the stored method (shopperInteraction ContAuth), which needs no shopper.

Assumes the merchant account captures at once and automatically (Adyen's default), so an
Authorised payment is a charged one."""

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from Adyen.client import AdyenClient
from Adyen.exceptions import AdyenAPIResponseError, AdyenError
from Adyen.services.checkout import AdyenCheckoutApi
from sqlalchemy import select

from app.extensions import db
from app.models.payments import GatewayCall
from app.payments import audit
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayEvent,
    GatewayTimeout,
    InvalidWebhook,
    MethodDetails,
    Outcome,
    PaymentGateway,
    RefundResult,
    SaveMethodResult,
)

NAME = "adyen"
API_VERSION = 71

ENCRYPTED_FIELDS = (
    "encryptedCardNumber",
    "encryptedExpiryMonth",
    "encryptedExpiryYear",
    "encryptedSecurityCode",
)
# What Adyen Web's encryption produces ("adyenjs_0_1_25$…"). Anything else, such as a card
# number typed into a page without JavaScript or Adyen's unencrypted "test_…" values, is
# refused here and goes no further.
_ENCRYPTED_PREFIX = "adyenjs_"
# The component's state is the browser's: only these parts of it reach Adyen, the rest of
# the request (amount, reference, account) is ours.
_STATE_EXTRAS = ("browserInfo", "riskData")
_STATE_MAX_CHARS = 50_000

_REFUSALS = {
    "not enough balance": Decline.INSUFFICIENT_FUNDS,
    "expired card": Decline.EXPIRED_CARD,
}
_REFUSAL_CODES = {"12": Decline.INSUFFICIENT_FUNDS, "6": Decline.EXPIRED_CARD}

# A pspReference goes into the refund URL: nothing but Adyen's own alphabet.
_PSP_REFERENCE = re.compile(r"^[A-Za-z0-9]{1,64}$")

_SIGNED_FIELDS = (
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "value",
    "currency",
    "eventCode",
    "success",
)


@dataclass(frozen=True)
class _Reply:
    status: int | None
    body: dict
    # Adyen answered with an error (4xx) or the library refused before sending.
    failed: bool = False


class AdyenGateway(PaymentGateway):
    name = NAME

    def __init__(
        self,
        *,
        api_key: str | None,
        merchant_account: str,
        environment: str = "test",
        hmac_key: str | None = None,
        live_url_prefix: str | None = None,
        timeout_seconds: float = 20,
        return_url: str = "https://atelier.example/checkout",
        currency: str = "EUR",
    ) -> None:
        if not merchant_account:
            raise ValueError("ADYEN_MERCHANT_ACCOUNT is not set")
        if environment not in ("test", "live"):
            raise ValueError("ADYEN_ENVIRONMENT must be 'test' or 'live'")
        if environment == "live" and not live_url_prefix:
            raise ValueError("ADYEN_LIVE_URL_PREFIX is required in live")
        self.merchant_account = merchant_account
        self.hmac_key = hmac_key
        self.return_url = return_url
        self.currency = currency
        client = AdyenClient(
            xapikey=api_key,
            platform=environment,
            merchant_account=merchant_account,
            live_endpoint_prefix=live_url_prefix,
            # requests, so that tests can record and replay with `responses`.
            http_force="requests",
            http_timeout=timeout_seconds,
            api_checkout_version=API_VERSION,
            application_name="Atelier",
        )
        self.checkout = AdyenCheckoutApi(client=client)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "AdyenGateway":
        return cls(
            api_key=config.get("ADYEN_API_KEY"),
            merchant_account=config.get("ADYEN_MERCHANT_ACCOUNT") or "",
            environment=config.get("ADYEN_ENVIRONMENT") or "test",
            hmac_key=config.get("ADYEN_HMAC_KEY"),
            live_url_prefix=config.get("ADYEN_LIVE_URL_PREFIX"),
            timeout_seconds=config.get("GATEWAY_TIMEOUT_SECONDS") or 20,
            return_url=config["PUBLIC_URL"].rstrip("/") + "/checkout",
        )

    # -- talking to Adyen --------------------------------------------------------------

    def _send(
        self,
        operation: str,
        call: Callable[[], Any],
        body: Mapping,
        *,
        idempotency_key: str | None = None,
    ) -> _Reply:
        """One request. Raises GatewayTimeout, after logging it, whenever what happened at
        Adyen is unknown: no answer, a 5xx, or a transient error that says to retry."""
        try:
            result = call()
        except requests.exceptions.RequestException as error:
            audit.record(
                NAME,
                operation,
                request=body,
                response={"error": type(error).__name__},
                outcome="timeout",
                idempotency_key=idempotency_key,
            )
            raise GatewayTimeout(idempotency_key or operation) from error
        except AdyenAPIResponseError as error:
            status = error.status_code if isinstance(error.status_code, int) else None
            answer = _error_body(error)
            if status is None or status >= 500 or _transient(error):
                audit.record(
                    NAME,
                    operation,
                    request=body,
                    response=answer,
                    http_status=status,
                    outcome="unknown",
                    idempotency_key=idempotency_key,
                )
                raise GatewayTimeout(idempotency_key or operation) from error
            return _Reply(status, answer, failed=True)
        except AdyenError as error:
            # Refused by the library before anything was sent (no API key, say).
            return _Reply(None, {"error": type(error).__name__, "message": str(error)[:200]}, True)
        return _Reply(result.status_code, dict(result.message or {}))

    def _log(self, operation: str, body: Mapping, reply: _Reply, outcome: str, **extra) -> None:
        audit.record(
            NAME,
            operation,
            request=body,
            response=reply.body,
            http_status=reply.status,
            outcome=outcome,
            **extra,
        )

    # -- PaymentGateway ----------------------------------------------------------------

    def save_method(self, user_id: int, form: Mapping[str, str]) -> SaveMethodResult:
        state = _state_data(form.get("adyen_state_data", ""))
        if state is None:
            return SaveMethodResult(None, ("card", Decline.INVALID_CARD))
        payment_method, extras = state
        body = {
            "amount": {"value": 0, "currency": self.currency},
            "reference": f"check-{user_id}-{secrets.token_hex(8)}",
            "paymentMethod": payment_method,
            "shopperReference": shopper_reference(user_id),
            "shopperInteraction": "Ecommerce",
            "recurringProcessingModel": "Subscription",
            "storePaymentMethod": True,
            # Adyen requires one; never taken from the form (it would send buyers anywhere).
            "returnUrl": self.return_url,
            "merchantAccount": self.merchant_account,
            **extras,
        }
        try:
            reply = self._send(
                "save_method", lambda: self.checkout.payments_api.payments(body), body
            )
        except GatewayTimeout:
            # A zero-amount check charges nothing: the buyer may simply try again. A card
            # Adyen stored meanwhile stays unused under the member's shopperReference.
            return SaveMethodResult(None, ("card", Decline.GATEWAY_ERROR))
        method, problem, outcome = None, None, "refused"
        code = reply.body.get("resultCode")
        if reply.failed:
            problem, outcome = ("card", Decline.GATEWAY_ERROR), "error"
        elif reply.body.get("action") or code in (
            "RedirectShopper",
            "IdentifyShopper",
            "ChallengeShopper",
        ):
            # 3-D Secure when the card is first saved is not supported yet (limitation):
            # the buyer is told the card could not be verified and may use PayPal.
            problem, outcome = ("card", Decline.AUTHENTICATION_FAILED), "action_not_supported"
        elif code == "Authorised":
            method = _method_from(reply.body, payment_method)
            if method is None:
                # Authorised but nothing stored: tokenization is off for the account.
                problem, outcome = ("card", Decline.GATEWAY_ERROR), "not_stored"
            else:
                outcome = "saved"
        elif code == "Refused":
            problem = ("card", _decline(reply.body))
        else:
            problem, outcome = ("card", Decline.GATEWAY_ERROR), str(code or "error").lower()
        self._log("save_method", body, reply, outcome)
        return SaveMethodResult(method, problem, raw=reply.body)

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if request.amount_cents == 0:
            # Plus during its reflection period: the card was verified by the zero-amount
            # authorisation that stored it, and nothing may be charged yet. A second check
            # would only add a call that can fail.
            audit.record(
                NAME,
                "verify",
                request={"reference": request.reference, "method": request.method_token},
                outcome=Outcome.AUTHORISED.value,
                idempotency_key=request.idempotency_key,
            )
            return ChargeResult(Outcome.AUTHORISED, amount_cents=0, currency=request.currency)
        if not request.method_token:
            return ChargeResult(Outcome.DECLINED, decline=Decline.INVALID_CARD)
        body = {
            "amount": {"value": request.amount_cents, "currency": request.currency},
            "reference": request.reference,
            "paymentMethod": {"type": "scheme", "storedPaymentMethodId": request.method_token},
            "shopperReference": request.shopper_reference,
            "shopperInteraction": "ContAuth",
            "recurringProcessingModel": "Subscription",
            "merchantAccount": self.merchant_account,
            "returnUrl": request.return_url or self.return_url,
        }
        return self._charge("charge", body, request.idempotency_key)

    def _charge(self, operation: str, body: Mapping, idempotency_key: str) -> ChargeResult:
        reply = self._send(
            operation,
            lambda: self.checkout.payments_api.payments(
                dict(body), idempotency_key=idempotency_key
            ),
            body,
            idempotency_key=idempotency_key,
        )
        amount = body["amount"]
        if reply.failed:
            result = ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR, raw=reply.body)
        else:
            result = _charge_result(reply.body, amount["value"], amount["currency"])
        self._log(operation, body, reply, result.outcome.value, idempotency_key=idempotency_key)
        return result

    def complete(self, expected: Expected, params: Mapping[str, str]) -> ChargeResult:
        redirect_result = params.get("redirectResult")
        if not redirect_result:
            return ChargeResult(Outcome.DECLINED, decline=Decline.NOT_THIS_ORDER)
        body = {"details": {"redirectResult": redirect_result}}
        reply = self._send(
            "complete", lambda: self.checkout.payments_api.payments_details(body), body
        )
        answer = reply.body
        amount = answer.get("amount") or {}
        psp = answer.get("pspReference")
        if reply.failed:
            result = ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR, raw=answer)
        elif answer.get("merchantReference") != expected.reference or (
            expected.payment_reference and psp and psp != expected.payment_reference
        ):
            result = ChargeResult(
                Outcome.DECLINED, reference=psp, decline=Decline.NOT_THIS_ORDER, raw=answer
            )
        elif (amount.get("value"), amount.get("currency")) != (
            expected.amount_cents,
            expected.currency,
        ):
            result = ChargeResult(
                Outcome.DECLINED, reference=psp, decline=Decline.AMOUNT_MISMATCH, raw=answer
            )
        else:
            result = _charge_result(answer, expected.amount_cents, expected.currency)
        self._log("complete", body, reply, _outcome_label(result))
        return result

    def lookup(self, idempotency_key: str, reference: str | None) -> ChargeResult:
        """Adyen keeps the answer to every request sent with an Idempotency-Key: the same
        request with the same key returns that answer and charges nothing again (and if the
        first one never reached Adyen, this one is the charge, once). The Checkout API has
        no other way to ask about a payment, so this resends the request `charge` logged."""
        calls = db.session.scalars(
            select(GatewayCall)
            .where(
                GatewayCall.gateway == NAME,
                GatewayCall.operation == "charge",
                GatewayCall.idempotency_key == idempotency_key,
            )
            .order_by(GatewayCall.id.desc())
        )
        body = next((call.request for call in calls if isinstance(call.request, dict)), None)
        if body is None:
            # Nothing logged under this key (the caller did not commit the log): what was
            # sent is unknown, so nothing can be resent. The AUTHORISATION notification
            # (with our merchantReference) is then the only answer.
            return ChargeResult(Outcome.UNKNOWN, reference=reference, raw={"error": "no request"})
        return self._charge("lookup", body, idempotency_key)

    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult:
        body = {
            "amount": {"value": amount_cents, "currency": currency},
            "reference": idempotency_key,
            "merchantAccount": self.merchant_account,
        }
        if not _PSP_REFERENCE.match(payment_reference or ""):
            audit.record(
                NAME,
                "refund",
                request={**body, "paymentPspReference": payment_reference},
                outcome="refused",
                idempotency_key=idempotency_key,
            )
            return RefundResult(False)
        reply = self._send(
            "refund",
            lambda: self.checkout.modifications_api.refund_captured_payment(
                body, payment_reference, idempotency_key=idempotency_key
            ),
            {**body, "paymentPspReference": payment_reference},
            idempotency_key=idempotency_key,
        )
        # "received" only: Adyen's final word is the REFUND notification.
        ok = not reply.failed and reply.body.get("status") == "received"
        self._log(
            "refund",
            {**body, "paymentPspReference": payment_reference},
            reply,
            "received" if ok else "refused",
            idempotency_key=idempotency_key,
        )
        return RefundResult(
            ok, reference=reply.body.get("pspReference") if ok else None, raw=reply.body
        )

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> list[GatewayEvent]:
        """Adyen's standard notifications: a batch of items, each signed on its own. Every
        item must carry a good signature and our merchant account, or none is used."""
        if not self.hmac_key:
            raise InvalidWebhook("no ADYEN_HMAC_KEY configured")
        try:
            key = binascii.unhexlify(self.hmac_key)
        except (binascii.Error, ValueError) as error:
            raise InvalidWebhook("ADYEN_HMAC_KEY is not hexadecimal") from error
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidWebhook("not JSON") from error
        entries = payload.get("notificationItems") if isinstance(payload, dict) else None
        if not isinstance(entries, list) or not entries:
            raise InvalidWebhook("no notificationItems")
        events = []
        for entry in entries:
            item = entry.get("NotificationRequestItem") if isinstance(entry, dict) else None
            if not isinstance(item, dict):
                raise InvalidWebhook("not a NotificationRequestItem")
            if not signature_matches(item, key):
                raise InvalidWebhook("bad HMAC signature")
            if item.get("merchantAccountCode") != self.merchant_account:
                raise InvalidWebhook("another merchant account")
            events.append(_event(item))
        return events


# -- helpers ---------------------------------------------------------------------------


def shopper_reference(user_id: int) -> str:
    return f"user-{user_id}"


def _state_data(raw: str) -> tuple[dict, dict] | None:
    """The Card component's `state.data`, reduced to what Adyen needs; None unless every
    card field is there and encrypted."""
    if not raw or len(raw) > _STATE_MAX_CHARS:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        return None
    method = state.get("paymentMethod") if isinstance(state, dict) else None
    if not isinstance(method, dict) or method.get("type", "scheme") != "scheme":
        return None
    clean: dict = {"type": "scheme"}
    for name in ENCRYPTED_FIELDS:
        value = method.get(name)
        if not isinstance(value, str) or not value.startswith(_ENCRYPTED_PREFIX):
            return None
        clean[name] = value
    if isinstance(method.get("brand"), str):
        clean["brand"] = method["brand"]
    extras = {name: state[name] for name in _STATE_EXTRAS if isinstance(state.get(name), dict)}
    return clean, extras


def _method_from(answer: Mapping, sent: Mapping) -> MethodDetails | None:
    extra = answer.get("additionalData") or {}
    token = extra.get("tokenization.storedPaymentMethodId") or extra.get(
        "recurring.recurringDetailReference"
    )
    if not token:
        return None
    brand = (
        (answer.get("paymentMethod") or {}).get("brand")
        or extra.get("paymentMethod")
        or extra.get("cardPaymentMethod")
        or sent.get("brand")
    )
    summary = str(extra.get("cardSummary") or "")
    month, year = _expiry(extra.get("expiryDate"))
    return MethodDetails(
        kind="card",
        token=str(token),
        brand=str(brand)[:20] if brand else None,
        last4=summary if re.fullmatch(r"[0-9]{4}", summary) else None,
        exp_month=month,
        exp_year=year,
    )


def _expiry(value: Any) -> tuple[int | None, int | None]:
    """Adyen writes "3/2030"."""
    match = re.fullmatch(r"([0-9]{1,2})/([0-9]{4})", str(value or ""))
    if not match or not 1 <= int(match.group(1)) <= 12:
        return None, None
    return int(match.group(1)), int(match.group(2))


def _decline(answer: Mapping) -> Decline:
    reason = str(answer.get("refusalReason") or "").strip().lower()
    code = str(answer.get("refusalReasonCode") or "")
    return _REFUSALS.get(reason) or _REFUSAL_CODES.get(code) or Decline.DECLINED


def _charge_result(answer: Mapping, amount_cents: int, currency: str) -> ChargeResult:
    code = answer.get("resultCode")
    psp = answer.get("pspReference")
    common = {"reference": psp, "amount_cents": amount_cents, "currency": currency, "raw": answer}
    action = answer.get("action")
    if isinstance(action, dict):
        # A full-page redirect can be followed from the server (3-D Secure 2 through
        # Adyen's redirect page); anything needing Adyen Web on the page cannot yet.
        if action.get("type") == "redirect" and action.get("method", "GET") == "GET":
            return ChargeResult(Outcome.ACTION_REQUIRED, action_url=action.get("url"), **common)
        return ChargeResult(Outcome.DECLINED, decline=Decline.AUTHENTICATION_FAILED, **common)
    if code == "Authorised":
        outcome = Outcome.SUCCEEDED if amount_cents else Outcome.AUTHORISED
        return ChargeResult(outcome, **common)
    if code in ("Refused", "Cancelled"):
        return ChargeResult(Outcome.DECLINED, decline=_decline(answer), **common)
    if code == "Error":
        return ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR, **common)
    # Pending/Received: card payments on a stored method answer Authorised or Refused at
    # once, so this should not happen. If it does, the pspReference is kept and the
    # AUTHORISATION notification settles it; a replay of the same request would only
    # return this same answer again.
    return ChargeResult(Outcome.UNKNOWN, **common)


def _outcome_label(result: ChargeResult) -> str:
    return result.decline.value if result.decline else result.outcome.value


def _error_body(error: AdyenAPIResponseError) -> dict:
    if isinstance(error.message, dict):
        return dict(error.message)
    return {"body": str(error.raw_response or error.message)[:1000]}


def _transient(error: AdyenAPIResponseError) -> bool:
    """Adyen flags errors worth retrying with the same key (a request still in progress:
    error 704) with a `Transient-Error: true` header."""
    headers = error.headers if isinstance(error.headers, Mapping) else {}
    flagged = any(
        k.lower() == "transient-error" and str(v).lower() == "true" for k, v in headers.items()
    )
    return flagged or str(error.error_code) == "704"


def notification_signature(item: Mapping, key: bytes) -> str:
    """HMAC-SHA256 of pspReference:originalReference:merchantAccountCode:merchantReference:
    value:currency:eventCode:success, base64, as Adyen signs a NotificationRequestItem."""
    amount = item.get("amount") if isinstance(item.get("amount"), Mapping) else {}
    values = {**item, "value": amount.get("value"), "currency": amount.get("currency")}
    signed = ":".join(
        "" if values.get(name) is None else str(values[name]) for name in _SIGNED_FIELDS
    )
    digest = hmac.new(key, signed.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(item: Mapping, key: bytes) -> bool:
    extra = item.get("additionalData")
    given = extra.get("hmacSignature") if isinstance(extra, Mapping) else None
    if not isinstance(given, str) or not given:
        return False
    # Bytes on both sides: compare_digest refuses non-ASCII str, and a sender chooses that.
    return hmac.compare_digest(notification_signature(item, key).encode(), given.encode("utf-8"))


def _event(item: Mapping) -> GatewayEvent:
    code = str(item.get("eventCode") or "")
    success = item.get("success")
    ok = str(success).lower() == "true"
    psp = item.get("pspReference")
    amount = item.get("amount") if isinstance(item.get("amount"), Mapping) else {}
    value = amount.get("value")
    cents = value if isinstance(value, int) and not isinstance(value, bool) else None
    outcome = None
    if code == "AUTHORISATION":
        outcome = (Outcome.SUCCEEDED if cents else Outcome.AUTHORISED) if ok else Outcome.DECLINED
    # A refund (or capture, cancellation…) names its payment in originalReference.
    payment = psp if code == "AUTHORISATION" else (item.get("originalReference") or psp)
    return GatewayEvent(
        provider=NAME,
        # Adyen redelivers until it reads "[accepted]": the same id makes that a no-op.
        event_id=f"{psp}:{code}:{success}",
        event_type=code,
        occurred_at=_when(item.get("eventDate")),
        payment_reference=payment,
        merchant_reference=item.get("merchantReference"),
        outcome=outcome,
        amount_cents=cents,
        currency=amount.get("currency"),
        payload=dict(item),
    )


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def adyen_csp(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Sources to add to the Content-Security-Policy where Adyen Web runs (the payment
    step), by directive; nothing unless cards go through Adyen. The script and stylesheet
    come from Adyen's CDN host, the card fields are iframes on the checkoutshopper host,
    the component calls both (and the analytics host), and brand logos are images on the
    CDN."""
    if config.get("CARD_GATEWAY") != NAME:
        return {}
    environment = config.get("ADYEN_ENVIRONMENT") or "test"
    shopper = f"https://checkoutshopper-{environment}.adyen.com"
    cdn = f"https://checkoutshopper-{environment}.cdn.adyen.com"
    analytics = f"https://checkoutanalytics-{environment}.adyen.com"
    return {
        "script-src": [shopper, cdn],
        "style-src": [shopper, cdn],
        "frame-src": [shopper, cdn],
        "connect-src": [shopper, cdn, analytics],
        "img-src": [shopper, cdn],
    }
