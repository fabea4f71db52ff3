"""Cards at Adyen: a zero-amount authorisation stores the card (the browser encrypted
it), then merchant-initiated subscription payments charge the stored method (ContAuth);
3-D Secure returns and look-ups of a lost answer."""

import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models.payments import GatewayCall
from app.payments import audit
from app.payments.adyen.client import NAME, Client
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayTimeout,
    MethodDetails,
    Outcome,
    SaveMethodResult,
)

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


class Cards(Client):
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
