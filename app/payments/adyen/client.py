"""Talking to Adyen's Checkout API: one request at a time, each answer (or its absence)
kept in the gateway log, and what is unknown at Adyen raised as GatewayTimeout."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from Adyen.exceptions import AdyenAPIResponseError, AdyenError
from Adyen.services.checkout import AdyenCheckoutApi

from app.payments import audit
from app.payments.base import GatewayTimeout

NAME = "adyen"
API_VERSION = 71


@dataclass(frozen=True)
class Reply:
    status: int | None
    body: dict
    # Adyen answered with an error (4xx) or the library refused before sending.
    failed: bool = False


class Client:
    checkout: AdyenCheckoutApi
    merchant_account: str
    return_url: str
    currency: str

    def _send(
        self,
        operation: str,
        call: Callable[[], Any],
        body: Mapping,
        *,
        idempotency_key: str | None = None,
    ) -> Reply:
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
            answer = error_body(error)
            if status is None or status >= 500 or transient(error):
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
            return Reply(status, answer, failed=True)
        except AdyenError as error:
            # Refused by the library before anything was sent (no API key, say).
            return Reply(None, {"error": type(error).__name__, "message": str(error)[:200]}, True)
        return Reply(result.status_code, dict(result.message or {}))

    def _log(self, operation: str, body: Mapping, reply: Reply, outcome: str, **extra) -> None:
        audit.record(
            NAME,
            operation,
            request=body,
            response=reply.body,
            http_status=reply.status,
            outcome=outcome,
            **extra,
        )


def error_body(error: AdyenAPIResponseError) -> dict:
    if isinstance(error.message, dict):
        return dict(error.message)
    return {"body": str(error.raw_response or error.message)[:1000]}


def transient(error: AdyenAPIResponseError) -> bool:
    """Adyen flags errors worth retrying with the same key (a request still in progress:
    error 704) with a `Transient-Error: true` header."""
    headers = error.headers if isinstance(error.headers, Mapping) else {}
    flagged = any(
        k.lower() == "transient-error" and str(v).lower() == "true" for k, v in headers.items()
    )
    return flagged or str(error.error_code) == "704"
