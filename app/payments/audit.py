"""The gateway log: every request and raw answer, kept in `gateway_calls`.

Rows join the caller's transaction; checkout and billing commit right after the call."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models.orders import Order
from app.models.payments import GatewayCall

# Never kept, whatever a gateway or a caller hands us.
_SECRET_KEYS = {
    "number",
    "card_number",
    "cvc",
    "cvv",
    "cvv2",
    "security_code",
    "encryptedcardnumber",
    "encryptedsecuritycode",
    "encryptedexpirymonth",
    "encryptedexpiryyear",
    "password",
    "client_secret",
    "authorization",
}


def redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            str(key): "[redacted]" if str(key).lower() in _SECRET_KEYS else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _order_paid_by(idempotency_key: str | None) -> int | None:
    """The order a call is about, read from its key (`order:<public id>:<attempt>`), so
    every gateway's rows name their order without each gateway being told."""
    if not idempotency_key or not idempotency_key.startswith("order:"):
        return None
    public_id = idempotency_key.split(":")[1]
    return db.session.scalar(select(Order.id).where(Order.public_id == public_id))


def record(gateway: str, operation: str, **details) -> GatewayCall:
    """Add the log row of one call to the session (`details`: those of `entry`)."""
    call = GatewayCall(**entry(gateway, operation, **details))
    db.session.add(call)
    return call


def entry(
    gateway: str,
    operation: str,
    *,
    request: Mapping | None = None,
    response: Mapping | None = None,
    http_status: int | None = None,
    outcome: str | None = None,
    idempotency_key: str | None = None,
    order_id: int | None = None,
) -> dict:
    """The log row of one call, redacted, for `record` or for a batch written at once."""
    if order_id is None:
        order_id = _order_paid_by(idempotency_key)
    return {
        "gateway": gateway,
        "operation": operation,
        "request": redact(request) if request is not None else None,
        "response": redact(response) if response is not None else None,
        "http_status": http_status,
        "outcome": outcome,
        "idempotency_key": idempotency_key,
        "order_id": order_id,
    }
