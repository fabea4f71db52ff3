"""PayPal webhook verification with a certificate authority made for the tests: a root, an
intermediate and a leaf named like PayPal's signing certificate, served through
`responses` at an allowed certificate URL. Each refusal is a test."""

import base64
import json
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from app.extensions import db
from app.models.payments import WebhookEvent
from app.payments import paypal_webhooks
from app.payments.base import InvalidWebhook, Outcome
from app.payments.paypal import PayPalGateway

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paypal"
WEBHOOK_ID = "8PT597110X687430LKGECATA"
CERT_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
LEAF_NAME = "messageverificationcerts.sandbox.paypal.com"


def recorded(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Atelier test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def issue(
    subject: str,
    key,
    issuer_name: str,
    issuer_key,
    *,
    ca: bool,
    dns: str | None = None,
    days: tuple[int, int] = (-1, 365),
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(_ca_usage(), critical=True)
    if dns:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


class PKI:
    """Root → intermediate → leaf, as PayPal's chain runs, and some bad leaves."""

    def __init__(self, directory: Path):
        self.root_key, self.intermediate_key, self.leaf_key = _key(), _key(), _key()
        self.root = issue("Test Root CA", self.root_key, "Test Root CA", self.root_key, ca=True)
        self.intermediate = issue(
            "Test Issuing CA", self.intermediate_key, "Test Root CA", self.root_key, ca=True
        )
        self.leaf = self.leaf_for(LEAF_NAME)
        self.bundle = directory / "test-roots.pem"
        self.bundle.write_bytes(pem(self.root))

    def leaf_for(self, dns: str, days=(-1, 365)) -> x509.Certificate:
        return issue(
            dns,
            self.leaf_key,
            "Test Issuing CA",
            self.intermediate_key,
            ca=False,
            dns=dns,
            days=days,
        )

    def self_signed(self) -> x509.Certificate:
        return issue(LEAF_NAME, self.leaf_key, LEAF_NAME, self.leaf_key, ca=False, dns=LEAF_NAME)


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> PKI:
    return PKI(tmp_path_factory.mktemp("paypal-pki"))


@pytest.fixture
def settings(pki) -> dict:
    return {
        "PAYPAL_GATEWAY": "paypal",
        "PAYPAL_MODE": "sandbox",
        "PAYPAL_CLIENT_ID": "test-client-id",
        "PAYPAL_CLIENT_SECRET": "test-client-secret-value",
        "PAYPAL_WEBHOOK_ID": WEBHOOK_ID,
        "PAYPAL_WEBHOOK_CA_BUNDLE": str(pki.bundle),
        "GATEWAY_TIMEOUT_SECONDS": 5,
    }


@pytest.fixture
def paypal(app, settings) -> PayPalGateway:
    return PayPalGateway.from_config({**app.config, **settings})


@pytest.fixture(autouse=True)
def fresh_cert_cache():
    paypal_webhooks.clear_cert_cache()
    yield
    paypal_webhooks.clear_cert_cache()


@pytest.fixture
def paypal_certs(pki):
    """PayPal's certificate URL, serving the leaf and its intermediate. Anything else
    requested fails, and is in `calls`."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, CERT_URL, body=pem(pki.leaf, pki.intermediate))
        yield mock


def signed_headers(
    pki: PKI,
    body: bytes,
    *,
    webhook_id: str = WEBHOOK_ID,
    sent: datetime | None = None,
    cert_url: str = CERT_URL,
    algo: str = "SHA256withRSA",
    key=None,
) -> dict:
    transmission_id = "b2384410-f8d2-11ee-8a6d-2d6bc9c6e6c4"
    sent_at = (sent or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    message = f"{transmission_id}|{sent_at}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}"
    signature = (key or pki.leaf_key).sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Paypal-Transmission-Id": transmission_id,
        "Paypal-Transmission-Time": sent_at,
        "Paypal-Transmission-Sig": base64.b64encode(signature).decode(),
        "Paypal-Cert-Url": cert_url,
        "Paypal-Auth-Algo": algo,
        "Paypal-Auth-Version": "v2",
        "Content-Type": "application/json",
    }


# -- verification -----------------------------------------------------------------


def test_a_signed_sale_completed_event_is_read(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")

    (event,) = paypal.verify_webhook(signed_headers(pki, body), body)

    assert event.provider == "paypal"
    assert event.event_id == "WH-2WR32451HC0233532-67976317FL4543714"
    assert event.event_type == "PAYMENT.SALE.COMPLETED"
    assert event.payment_reference == "PAY-1B56960729604235TKQQIYVY"
    assert event.merchant_reference == "AT-7F3K2Q"
    assert event.outcome is Outcome.SUCCEEDED
    assert (event.amount_cents, event.currency) == (4900, "EUR")
    assert event.occurred_at == datetime(2024, 5, 6, 9, 14, 31, tzinfo=UTC)
    assert event.payload["resource"]["id"] == "5O190127TN364715T"


def test_a_monthly_sale_names_its_agreement(paypal, pki, paypal_certs):
    body = recorded("webhook_recurring_sale_completed")

    (event,) = paypal.verify_webhook(signed_headers(pki, body), body)

    assert event.payment_reference == "I-0LN988D3JACS"
    assert event.outcome is Outcome.SUCCEEDED


def test_a_cancelled_subscription_is_kept_for_billing(paypal, pki, paypal_certs):
    body = recorded("webhook_subscription_cancelled")

    (event,) = paypal.verify_webhook(signed_headers(pki, body), body)

    assert event.event_type == "BILLING.SUBSCRIPTION.CANCELLED"
    assert event.payment_reference == "I-0LN988D3JACS"
    assert event.outcome is None


@pytest.mark.parametrize(
    ("event_type", "outcome"),
    [("PAYMENT.SALE.DENIED", Outcome.DECLINED), ("PAYMENT.SALE.REFUNDED", None)],
)
def test_other_sale_events(paypal, pki, paypal_certs, event_type, outcome):
    event = json.loads(recorded("webhook_sale_completed"))
    event["event_type"] = event_type
    body = json.dumps(event).encode()

    (read,) = paypal.verify_webhook(signed_headers(pki, body), body)

    assert read.outcome is outcome
    assert read.payment_reference == "PAY-1B56960729604235TKQQIYVY"


def test_header_names_are_matched_whatever_their_case(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    headers = {k.lower(): v for k, v in signed_headers(pki, body).items()}

    assert len(paypal.verify_webhook(headers, body)) == 1


def test_the_certificate_is_fetched_once_per_url(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    for _ in range(3):
        paypal.verify_webhook(signed_headers(pki, body), body)

    assert len(paypal_certs.calls) == 1


def test_a_tampered_body_is_refused(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body)
    tampered = body.replace(b'"49.00"', b'"4.90"')

    with pytest.raises(InvalidWebhook, match="signature"):
        paypal.verify_webhook(headers, tampered)


def test_reserialised_json_is_not_the_body_that_was_signed(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body)

    with pytest.raises(InvalidWebhook, match="signature"):
        paypal.verify_webhook(headers, json.dumps(json.loads(body)).encode())


def test_a_notification_for_another_webhook_is_refused(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="signature"):
        paypal.verify_webhook(signed_headers(pki, body, webhook_id="3JX15738PH1254014"), body)


@pytest.mark.parametrize(
    "sent",
    [timedelta(minutes=-11), timedelta(days=-2), timedelta(minutes=6)],
    ids=["replayed", "days-old", "future"],
)
def test_a_transmission_time_outside_the_window_is_refused_before_any_fetch(
    paypal, pki, paypal_certs, sent
):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body, sent=datetime.now(UTC) + sent)

    with pytest.raises(InvalidWebhook, match="transmission"):
        paypal.verify_webhook(headers, body)
    assert len(paypal_certs.calls) == 0


def test_an_unreadable_transmission_time_is_refused(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body) | {"Paypal-Transmission-Time": "yesterday"}

    with pytest.raises(InvalidWebhook):
        paypal.verify_webhook(headers, body)


@pytest.mark.parametrize(
    "cert_url",
    [
        "https://evil.example/cert.pem",
        "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
        "https://evil.example@api.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
        "https://api.paypal.com/v1/oauth2/token",
        "https://api.paypal.com/v1/notifications/certs/../../oauth2/token",
        "https://www.paypal.com/v1/notifications/certs/CERT-1",
        "file:///etc/passwd",
    ],
)
def test_a_certificate_url_off_the_allow_list_is_never_fetched(paypal, pki, paypal_certs, cert_url):
    body = recorded("webhook_sale_completed")
    paypal_certs.add(responses.GET, cert_url, body=pem(pki.leaf, pki.intermediate))

    with pytest.raises(InvalidWebhook, match="certificate"):
        paypal.verify_webhook(signed_headers(pki, body, cert_url=cert_url), body)
    assert len(paypal_certs.calls) == 0


def test_a_self_signed_leaf_is_refused(paypal, pki, paypal_certs):
    paypal_certs.replace(responses.GET, CERT_URL, body=pem(pki.self_signed()))
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="trusted root"):
        paypal.verify_webhook(signed_headers(pki, body), body)


def test_a_leaf_without_its_intermediate_does_not_chain(paypal, pki, paypal_certs):
    paypal_certs.replace(responses.GET, CERT_URL, body=pem(pki.leaf))
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="trusted root"):
        paypal.verify_webhook(signed_headers(pki, body), body)


def test_a_leaf_chained_to_a_root_we_do_not_trust_is_refused(app, settings, pki, paypal_certs):
    # certifi's roots: the test CA is not among them.
    paypal = PayPalGateway.from_config({**app.config, **settings, "PAYPAL_WEBHOOK_CA_BUNDLE": None})
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="trusted root"):
        paypal.verify_webhook(signed_headers(pki, body), body)


def test_an_expired_leaf_is_refused(paypal, pki, paypal_certs):
    paypal_certs.replace(
        responses.GET, CERT_URL, body=pem(pki.leaf_for(LEAF_NAME, days=(-30, -1)), pki.intermediate)
    )
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="trusted root"):
        paypal.verify_webhook(signed_headers(pki, body), body)


@pytest.mark.parametrize("name", ["evil.example", "paypal.com.evil.example", "notpaypal.com"])
def test_a_trusted_leaf_that_is_not_paypals_is_refused(paypal, pki, paypal_certs, name):
    paypal_certs.replace(responses.GET, CERT_URL, body=pem(pki.leaf_for(name), pki.intermediate))
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="not PayPal"):
        paypal.verify_webhook(signed_headers(pki, body), body)


def test_a_signature_by_another_key_is_refused(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="signature"):
        paypal.verify_webhook(signed_headers(pki, body, key=pki.intermediate_key), body)


@pytest.mark.parametrize("algo", ["SHA1withRSA", "SHA256withECDSA", "none"])
def test_another_algorithm_is_refused_before_any_fetch(paypal, pki, paypal_certs, algo):
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook, match="algorithm"):
        paypal.verify_webhook(signed_headers(pki, body, algo=algo), body)
    assert len(paypal_certs.calls) == 0


@pytest.mark.parametrize(
    "header",
    [
        "Paypal-Transmission-Id",
        "Paypal-Transmission-Time",
        "Paypal-Transmission-Sig",
        "Paypal-Cert-Url",
        "Paypal-Auth-Algo",
    ],
)
def test_a_missing_header_is_refused_before_any_fetch(paypal, pki, paypal_certs, header):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body)
    del headers[header]

    with pytest.raises(InvalidWebhook, match="missing"):
        paypal.verify_webhook(headers, body)
    assert len(paypal_certs.calls) == 0


def test_an_unreadable_signature_is_refused(paypal, pki, paypal_certs):
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body) | {"Paypal-Transmission-Sig": "not base64!"}

    with pytest.raises(InvalidWebhook):
        paypal.verify_webhook(headers, body)


def test_a_signed_body_that_is_not_an_event_is_refused(paypal, pki, paypal_certs):
    body = b'{"hello": "world"}'

    with pytest.raises(InvalidWebhook, match="not a PayPal event"):
        paypal.verify_webhook(signed_headers(pki, body), body)


def test_without_a_webhook_id_nothing_is_verified(app, settings, pki, paypal_certs):
    paypal = PayPalGateway.from_config({**app.config, **settings, "PAYPAL_WEBHOOK_ID": None})
    body = recorded("webhook_sale_completed")

    with pytest.raises(InvalidWebhook):
        paypal.verify_webhook(signed_headers(pki, body), body)
    assert len(paypal_certs.calls) == 0


def test_the_sdks_own_verify_has_nothing_to_call():
    """Why paypal_webhooks exists: WebhookEvent.verify ends in OpenSSL.crypto.verify,
    which pyOpenSSL no longer has, so the SDK refuses every notification."""
    from OpenSSL import crypto

    assert not hasattr(crypto, "verify")


# -- the route --------------------------------------------------------------------


def stored() -> list[WebhookEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookEvent)))


def test_a_valid_event_is_stored_once(make_app, settings, pki, paypal_certs):
    client = make_app(**settings).test_client()
    body = recorded("webhook_sale_completed")

    first = client.post("/webhooks/paypal", data=body, headers=signed_headers(pki, body))
    again = client.post("/webhooks/paypal", data=body, headers=signed_headers(pki, body))

    assert (first.status_code, again.status_code) == (200, 200)
    (row,) = stored()
    assert (row.provider, row.event_id) == ("paypal", "WH-2WR32451HC0233532-67976317FL4543714")
    assert row.event_type == "PAYMENT.SALE.COMPLETED"
    # Checkout has no payment with this reference: kept, applied to nothing.
    assert row.outcome == "no matching payment"


def test_a_bad_signature_is_refused_and_nothing_is_stored(make_app, settings, pki, paypal_certs):
    client = make_app(**settings).test_client()
    body = recorded("webhook_sale_completed")
    headers = signed_headers(pki, body)

    response = client.post(
        "/webhooks/paypal", data=body.replace(b"49.00", b"00.01"), headers=headers
    )

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_the_route_needs_no_csrf_token(make_app, settings, pki, paypal_certs):
    client = make_app(**settings, WTF_CSRF_ENABLED=True).test_client()
    body = recorded("webhook_sale_completed")

    response = client.post("/webhooks/paypal", data=body, headers=signed_headers(pki, body))

    assert response.status_code == 200
