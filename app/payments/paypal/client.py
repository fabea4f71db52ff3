"""The PayPal client: the SDK's Api with a timeout and the gateway log, PayPal's error
names in our words, and the plumbing every PayPal operation shares (`Client`)."""

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import paypalrestsdk
import requests
from paypalrestsdk import exceptions as sdk_errors
from paypalrestsdk.resource import Resource

from app.payments import audit
from app.payments.base import Decline, GatewayTimeout

NAME = "paypal"
AGREEMENTS = "v1/payments/billing-agreements"
# The approval token PayPal puts on the return URL; it also goes into a request path.
APPROVAL_TOKEN = re.compile(r"^EC-[A-Z0-9]{1,40}$")
_SECRET_KEYS = {"access_token", "refresh_token", "id_token"}

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


class Refused(Exception):
    """PayPal answered 4xx: it did nothing. Carries PayPal's error body."""

    def __init__(self, error: Mapping):
        super().__init__(str(error.get("name") or "refused"))
        self.error = dict(error)


class Api(paypalrestsdk.Api):
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
        return {k: "[redacted]" if k in _SECRET_KEYS else v for k, v in parsed.items()}
    return {"json": parsed}


def link(links, rel: str) -> str | None:
    for link in links or []:
        if link.rel == rel:
            return link.href
    return None


def error_of(error: sdk_errors.ConnectionError) -> dict:
    try:
        body = json.loads(error.content or "{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    body.setdefault("http_status", getattr(error.response, "status_code", None))
    return body


def decline_for(error: Mapping) -> Decline:
    return _DECLINES.get(str(error.get("name", "")), Decline.GATEWAY_ERROR)


class Client:
    """What every PayPal operation needs: the Api, the log's current operation, the SDK
    call wrapped so that PayPal's answers become our exceptions."""

    api: Api

    def _doing(self, operation: str, idempotency_key: str | None = None) -> None:
        self.api.operation = operation
        self.api.idempotency_key = idempotency_key

    def _sdk(self, call, *args):
        """Run an SDK call: 5xx and unknown answers become GatewayTimeout (PayPal may have
        acted), 4xx becomes Refused (it did not). The SDK itself turns a 400 into an
        `error` attribute rather than an exception: `_checked` handles that one."""
        try:
            return call(*args)
        except sdk_errors.ClientError as error:
            raise Refused(error_of(error)) from error
        except sdk_errors.ConnectionError as error:
            raise GatewayTimeout(f"PayPal answered {error.response!s:.40}") from error

    @staticmethod
    def _checked(resource: Resource) -> Resource:
        if resource.error:
            raise Refused(dict(resource.error))
        return resource

    def _note(self, operation: str, request: Mapping, outcome: str) -> None:
        """A decision taken without asking PayPal, kept beside the calls that were made."""
        audit.record(NAME, operation, request=dict(request), response=None, outcome=outcome)
