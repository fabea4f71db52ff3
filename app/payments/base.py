"""One interface for every payment gateway. Checkout and billing call only this; the
sandbox, PayPal and Adyen implementations live beside it and are chosen by config.

Amounts are integer cents. No method here ever receives or returns a full card number
except `SandboxGateway.save_method`, which reduces it to a token at once."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    # A zero-amount check: the method works and is kept for later charges.
    AUTHORISED = "authorised"
    DECLINED = "declined"
    # The buyer must act elsewhere first: PayPal approval, 3-D Secure.
    ACTION_REQUIRED = "action_required"
    # The buyer turned back on the gateway's page.
    CANCELLED = "cancelled"
    # No answer (timeout, 5xx): the charge may or may not have happened; ask again later.
    UNKNOWN = "unknown"


class Decline(StrEnum):
    """Why a gateway said no, in our words (checkout turns them into plain sentences)."""

    DECLINED = "declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    AUTHENTICATION_FAILED = "authentication_failed"
    INVALID_CARD = "invalid_card"
    AMOUNT_MISMATCH = "amount_mismatch"
    NOT_THIS_ORDER = "not_this_order"
    GATEWAY_ERROR = "gateway_error"
    # Ours, not a bank's: the subscription has no method left to charge (a PayPal
    # agreement cancelled at PayPal, say), so nothing was asked.
    NO_METHOD = "no_method"


@dataclass(frozen=True)
class MethodDetails:
    """What we may keep about a payment method."""

    kind: str  # "card" | "paypal"
    token: str | None
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    payer_email: str | None = None


@dataclass(frozen=True)
class SaveMethodResult:
    method: MethodDetails | None
    # (form field, Decline) when the method was refused.
    problem: tuple[str, Decline] | None = None
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Recurring:
    """A monthly plan the gateway must be able to charge (PayPal billing agreement)."""

    monthly_cents: int
    first_charge_on: date
    discount_cents: int = 0
    discount_months: int = 0
    description: str = ""


@dataclass(frozen=True)
class ChargeRequest:
    # `order:<public id>:<attempt>` or `renew:<subscription>:<period>`; ≤ 64 characters.
    idempotency_key: str
    amount_cents: int  # 0: verify and keep the method, charge nothing
    currency: str
    # The order reference: PayPal invoice_number, Adyen merchantReference.
    reference: str
    description: str
    kind: str  # "card" | "paypal"
    # Stable per member (Adyen shopperReference): the saved method belongs to them.
    shopper_reference: str
    method_token: str | None = None
    # Where the buyer comes back after approving or authenticating elsewhere.
    return_url: str | None = None
    cancel_url: str | None = None
    # Checkout keeps the method for the monthly renewals.
    save_for_renewals: bool = True
    recurring: Recurring | None = None
    locale: str = "en"


@dataclass(frozen=True)
class ChargeResult:
    outcome: Outcome
    # The gateway's id for this payment (needed to complete, look up or refund it).
    reference: str | None = None
    decline: Decline | None = None
    action_url: str | None = None
    # The method as the gateway kept it (token for renewals, brand, last 4 digits).
    method: MethodDetails | None = None
    amount_cents: int | None = None
    currency: str | None = None
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Expected:
    """What the server expects a returning payment to be: checked, never trusted."""

    reference: str  # our order reference
    amount_cents: int
    currency: str
    payment_reference: str | None  # the gateway id we stored when we started it


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    reference: str | None = None
    outcome: Outcome | None = None
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook notification, in our terms."""

    provider: str
    event_id: str
    event_type: str
    occurred_at: datetime | None
    # The gateway's payment id (or billing agreement id) it is about, if any.
    payment_reference: str | None
    # Our reference echoed back (merchantReference / invoice_number), if any.
    merchant_reference: str | None
    outcome: Outcome | None
    amount_cents: int | None
    currency: str | None
    payload: Mapping


class InvalidWebhook(Exception):
    """Signature, certificate, timestamp or body did not check out: nothing is done."""


class GatewayTimeout(Exception):
    """The gateway did not answer in time: the outcome is unknown."""


class PaymentGateway(ABC):
    name: str

    @abstractmethod
    def save_method(self, user_id: int, form: Mapping[str, str]) -> SaveMethodResult:
        """Turn what the payment step posted into a kept method (cards only)."""

    @abstractmethod
    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge (or, for 0, verify) once per idempotency key, however often called."""

    def charge_many(self, requests: list[ChargeRequest]) -> list[ChargeResult | Exception]:
        """`charge` for each request, in order (the billing job's batches): a request
        that raised gives its exception in its place, and the others go on. A gateway
        that can do better for many (the sandbox's books) overrides it."""
        results: list[ChargeResult | Exception] = []
        for request in requests:
            try:
                results.append(self.charge(request))
            except Exception as error:
                results.append(error)
        return results

    @abstractmethod
    def complete(self, expected: Expected, params: Mapping[str, str]) -> ChargeResult:
        """Finish a payment that needed the buyer elsewhere (PayPal return, 3-D Secure),
        after checking that it is this order's and of the expected amount."""

    @abstractmethod
    def lookup(self, idempotency_key: str, reference: str | None) -> ChargeResult:
        """Ask what became of a payment whose answer was lost."""

    @abstractmethod
    def refund(
        self, payment_reference: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> RefundResult: ...

    @abstractmethod
    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> list[GatewayEvent]:
        """Verify before anything else; raise InvalidWebhook when it does not check out."""
