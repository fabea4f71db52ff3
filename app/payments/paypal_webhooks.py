"""PayPal webhook verification, done here with `cryptography` because the SDK's
`WebhookEvent.verify` calls `OpenSSL.crypto.verify`, gone since pyOpenSSL 24.3, and so
answers False for every notification.

PayPal signs `transmission_id|transmission_time|webhook_id|crc32(raw body)` with the key
of a certificate it names in PAYPAL-CERT-URL. Everything in the request is the sender's
word until that signature checks out, the certificate URL included: its host is
allow-listed before anything is fetched, and the certificate must chain to a trusted root
and name a PayPal host."""

import base64
import binascii
import json
import re
import threading
import warnings
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

import certifi
import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from app.payments.base import GatewayEvent, InvalidWebhook, Outcome

PROVIDER = "paypal"
REQUIRED_HEADERS = (
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
)
# The only algorithm PayPal uses for webhooks; SHA1withRSA would be a downgrade.
AUTH_ALGO = "SHA256withRSA"
# PayPal's certificate paths read /v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77;
# nothing else on an allowed host (no dot segments, no other API) is fetched.
CERT_PATH = re.compile(r"^/v1/notifications/certs/[A-Za-z0-9-]{1,100}$")
# A certificate, its intermediates and some slack: anything bigger is not a certificate.
MAX_CERT_BYTES = 64 * 1024

_OUTCOMES = {
    "PAYMENT.SALE.COMPLETED": Outcome.SUCCEEDED,
    "PAYMENT.SALE.DENIED": Outcome.DECLINED,
}


@dataclass(frozen=True)
class WebhookSettings:
    webhook_id: str | None
    max_age: timedelta
    max_future: timedelta
    cert_hosts: frozenset[str]
    # A certificate name must be one of these domains or end with "." + one of them.
    cert_domains: tuple[str, ...]
    # PEM file of trusted roots; None: certifi's bundle.
    ca_bundle: str | None
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping) -> "WebhookSettings":
        return cls(
            webhook_id=config.get("PAYPAL_WEBHOOK_ID"),
            max_age=config["PAYPAL_WEBHOOK_MAX_AGE"],
            max_future=config["PAYPAL_WEBHOOK_MAX_FUTURE"],
            cert_hosts=frozenset(h.lower() for h in config["PAYPAL_WEBHOOK_CERT_HOSTS"]),
            cert_domains=tuple(d.lower() for d in config["PAYPAL_WEBHOOK_CERT_DOMAINS"]),
            ca_bundle=config.get("PAYPAL_WEBHOOK_CA_BUNDLE"),
            timeout=float(config["GATEWAY_TIMEOUT_SECONDS"]),
        )


def verify(
    headers: Mapping[str, str],
    body: bytes,
    settings: WebhookSettings,
    now: datetime | None = None,
) -> list[GatewayEvent]:
    """The events of a notification whose signature checks out; InvalidWebhook at the
    first thing that does not."""
    now = now or datetime.now(UTC)
    found = {str(k).lower(): str(v) for k, v in headers.items()}
    missing = [name for name in REQUIRED_HEADERS if not found.get(name)]
    if missing:
        raise InvalidWebhook("missing headers: " + ", ".join(missing))
    if not settings.webhook_id:
        raise InvalidWebhook("PAYPAL_WEBHOOK_ID is not set: nothing can be verified")
    transmission_id = found["paypal-transmission-id"]
    transmission_time = found["paypal-transmission-time"]
    check_transmission_time(transmission_time, now, settings)
    if found["paypal-auth-algo"] != AUTH_ALGO:
        raise InvalidWebhook("unsupported auth algorithm")
    cert_url = found["paypal-cert-url"]
    check_cert_url(cert_url, settings.cert_hosts)
    chain = fetch_certificates(cert_url, settings.timeout)
    leaf = check_chain(chain, settings, now)
    # The bytes as received: re-serialised JSON would not give the same checksum.
    message = f"{transmission_id}|{transmission_time}|{settings.webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}"
    check_signature(leaf, found["paypal-transmission-sig"], message.encode())
    return [event_from(parse_body(body))]


def check_transmission_time(value: str, now: datetime, settings: WebhookSettings) -> datetime:
    try:
        sent = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidWebhook("unreadable transmission time") from None
    if sent.tzinfo is None:
        raise InvalidWebhook("transmission time without a time zone")
    if sent < now - settings.max_age:
        raise InvalidWebhook("transmission too old (replay?)")
    if sent > now + settings.max_future:
        raise InvalidWebhook("transmission time in the future")
    return sent


def check_cert_url(url: str, allowed_hosts: frozenset[str]) -> None:
    """Before any fetch: the URL comes from the request, so an unchecked one would make
    this server fetch whatever an attacker names (and trust a certificate they hold)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidWebhook("unreadable certificate URL") from None
    if parts.scheme != "https":
        raise InvalidWebhook("certificate URL is not https")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhook("certificate URL carries credentials")
    if (parts.hostname or "") not in allowed_hosts or port not in (None, 443):
        raise InvalidWebhook("certificate host not allowed")
    if not CERT_PATH.match(parts.path) or parts.query or parts.fragment:
        raise InvalidWebhook("certificate URL is not a PayPal certificate path")


_cache_lock = threading.Lock()
_cert_cache: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 16


def clear_cert_cache() -> None:
    with _cache_lock:
        _cert_cache.clear()


def fetch_certificates(url: str, timeout: float) -> list[x509.Certificate]:
    """The certificates at `url`, leaf first. PayPal gives each certificate its own URL,
    so a URL's content never changes and is kept for the life of the process; the chain
    is still checked on every notification, against the clock."""
    with _cache_lock:
        pem = _cert_cache.get(url)
    if pem is None:
        try:
            # No redirects: the allow-list was checked for this URL, not for another.
            response = requests.get(url, timeout=timeout, allow_redirects=False, stream=True)
            pem = response.raw.read(MAX_CERT_BYTES + 1, decode_content=True)
            response.close()
        except requests.RequestException:
            raise InvalidWebhook("certificate could not be fetched") from None
        if response.status_code != 200 or len(pem) > MAX_CERT_BYTES:
            raise InvalidWebhook("certificate could not be fetched")
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise InvalidWebhook("certificate URL did not give a certificate") from None
    with _cache_lock:
        _cert_cache[url] = pem
        _cert_cache.move_to_end(url)
        while len(_cert_cache) > _CACHE_SIZE:
            _cert_cache.popitem(last=False)
    return chain


@lru_cache(maxsize=4)
def _trust_store(ca_bundle: str) -> Store:
    with open(ca_bundle, "rb") as pems:
        text = pems.read()
    roots = []
    end = b"-----END CERTIFICATE-----"
    for block in text.split(end)[:-1]:
        # certifi ships a root with a non-positive serial number, which cryptography warns
        # about now and will refuse later: one odd root must not cost us all the others.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block + end))
            except ValueError:
                continue
    if not roots:
        raise InvalidWebhook("no trusted roots")
    return Store(roots)


def check_chain(
    chain: list[x509.Certificate], settings: WebhookSettings, now: datetime
) -> x509.Certificate:
    """The leaf, once it chains to a trusted root, is within its dates and names a PayPal
    host."""
    leaf, intermediates = chain[0], chain[1:]
    store = _trust_store(settings.ca_bundle or certifi.where())
    # The signing certificate is not a TLS server certificate (it may lack the
    # serverAuth or clientAuth usage a TLS verifier demands), so its extensions are not
    # held to the Web PKI rules; the CAs above it are, and the name is checked below.
    verifier = (
        PolicyBuilder()
        .store(store)
        .time(now)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=ExtensionPolicy.permit_all(),
        )
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(leaf, intermediates)
    except VerificationError:
        raise InvalidWebhook("certificate does not chain to a trusted root") from None
    names = [n.value.lower() for n in verified.subjects or [] if isinstance(n, x509.DNSName)]
    names += [
        str(a.value).lower() for a in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    ]
    if not any(_in_domains(name, settings.cert_domains) for name in names):
        raise InvalidWebhook("certificate is not PayPal's")
    return leaf


def _in_domains(name: str, domains: tuple[str, ...]) -> bool:
    return any(name == d or name.endswith("." + d) for d in domains)


def check_signature(leaf: x509.Certificate, signature_b64: str, message: bytes) -> None:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidWebhook("unreadable signature") from None
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidWebhook("certificate key is not RSA")
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise InvalidWebhook("signature does not match") from None


def parse_body(body: bytes) -> dict:
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidWebhook("body is not JSON") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("event_type"):
        raise InvalidWebhook("body is not a PayPal event")
    return event


def event_from(event: dict) -> GatewayEvent:
    """A sale names its one-off payment (`parent_payment`) or, for the monthly payments of
    an agreement, the agreement (`billing_agreement_id`): that is what checkout kept as the
    payment's gateway reference. Agreement events carry the agreement as the resource.
    A renewal's sale is matched by its invoice_number instead (app.services.paypal_renewals)."""
    event_type = str(event["event_type"])
    resource = event.get("resource") if isinstance(event.get("resource"), dict) else {}
    if event_type.startswith(("BILLING.SUBSCRIPTION.", "BILLING.AGREEMENT.")):
        payment_reference = resource.get("id")
    else:
        payment_reference = resource.get("billing_agreement_id") or resource.get("parent_payment")
    amount = resource.get("amount") if isinstance(resource.get("amount"), dict) else {}
    return GatewayEvent(
        provider=PROVIDER,
        event_id=str(event["id"])[:100],
        event_type=event_type[:80],
        occurred_at=_timestamp(event.get("create_time")),
        payment_reference=payment_reference,
        # A renewal's sale carries its idempotency key in both (app.payments.paypal.renewals).
        merchant_reference=resource.get("invoice_number") or resource.get("custom"),
        outcome=_OUTCOMES.get(event_type),
        amount_cents=to_cents(amount.get("total") or amount.get("value")),
        currency=amount.get("currency") or amount.get("currency_code"),
        payload=event,
    )


def _timestamp(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def to_cents(value) -> int | None:
    """'49.00' → 4900; None for anything that is not an exact amount in cents."""
    if value is None:
        return None
    try:
        cents = Decimal(str(value)) * 100
    except InvalidOperation:
        return None
    if not cents.is_finite() or cents != cents.to_integral_value():
        return None
    return int(cents)
