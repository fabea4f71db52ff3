"""The Content-Security-Policy sources Adyen Web needs on the payment step."""

from collections.abc import Mapping
from typing import Any

from app.payments.adyen.client import NAME


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
