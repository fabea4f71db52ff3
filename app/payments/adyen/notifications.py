"""Adyen's standard notifications: HMAC-signed items of a batch, turned into our events."""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from app.payments.adyen.client import NAME
from app.payments.base import GatewayEvent, InvalidWebhook, Outcome

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


class Notifications:
    hmac_key: str | None
    merchant_account: str

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
