"""Cards through Adyen: the Checkout API (v71) with the `Adyen` library.

Card data never reaches this server in clear. Adyen Web encrypts it in the browser and the
payment step posts only the component's state (`adyen_state_data`); its encrypted fields go
to Adyen once and are never kept (`audit.redact` drops them). A zero-amount authorisation
stores the card at Adyen; every charge after that is a merchant-initiated subscription
payment on the stored method (shopperInteraction ContAuth), which needs no shopper.

Assumes the merchant account captures at once and automatically (Adyen's default), so an
Authorised payment is a charged one."""

from app.payments.adyen.cards import ENCRYPTED_FIELDS, shopper_reference
from app.payments.adyen.client import API_VERSION, NAME
from app.payments.adyen.csp import adyen_csp
from app.payments.adyen.gateway import AdyenGateway
from app.payments.adyen.notifications import notification_signature, signature_matches

__all__ = [
    "API_VERSION",
    "ENCRYPTED_FIELDS",
    "NAME",
    "AdyenGateway",
    "adyen_csp",
    "notification_signature",
    "shopper_reference",
    "signature_matches",
]
