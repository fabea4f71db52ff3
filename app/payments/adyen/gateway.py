"""The Adyen gateway: the PaymentGateway interface over stored cards (`cards`),
refunds (`refunds`) and notifications (`notifications`)."""

from collections.abc import Mapping
from typing import Any

from Adyen.client import AdyenClient
from Adyen.services.checkout import AdyenCheckoutApi

from app.payments.adyen.cards import Cards
from app.payments.adyen.client import API_VERSION, NAME
from app.payments.adyen.notifications import Notifications
from app.payments.adyen.refunds import Refunds
from app.payments.base import PaymentGateway


class AdyenGateway(Cards, Refunds, Notifications, PaymentGateway):
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
