"""Orders: the plans, an order's statuses and the moves allowed between them."""

from datetime import datetime, timedelta
from enum import StrEnum


class Plan(StrEnum):
    SOLO = "solo"
    PLUS = "plus"


class OrderStatus(StrEnum):
    # Steps being filled in; a declined payment comes back here.
    DRAFT = "draft"
    # A minor or protected adult confirmed; the legal representative has not decided yet.
    AWAITING_CONSENT = "awaiting_consent"
    # A payment was started and its outcome is not known yet (PayPal approval, 3-D Secure,
    # a gateway timeout): never charged again blindly, asked again.
    PAYMENT_PENDING = "payment_pending"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


ALLOWED = {
    OrderStatus.DRAFT: {
        OrderStatus.AWAITING_CONSENT,
        OrderStatus.PAYMENT_PENDING,
        OrderStatus.COMPLETED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.AWAITING_CONSENT: {
        OrderStatus.PAYMENT_PENDING,
        OrderStatus.COMPLETED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.PAYMENT_PENDING: {
        OrderStatus.COMPLETED,
        OrderStatus.DRAFT,
        OrderStatus.CANCELLED,
    },
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
}


class InvalidTransition(ValueError):
    pass


def transition(current: OrderStatus, target: OrderStatus) -> OrderStatus:
    if target not in ALLOWED[current]:
        raise InvalidTransition(f"{current} -> {target}")
    return target


def is_open(status: OrderStatus) -> bool:
    """Steps can still be changed."""
    return status is OrderStatus.DRAFT


class Step(StrEnum):
    ACCOUNT = "account"
    ELIGIBILITY = "eligibility"
    DETAILS = "details"
    PAYMENT = "payment"
    REVIEW = "review"


STEPS = tuple(Step)


# An unfinished order nobody touched for this long is abandoned: it holds a name, an
# address and a date of birth for a purchase that is not going to happen.
ABANDONED_AFTER = timedelta(days=30)


class Cleanup(StrEnum):
    KEEP = "keep"
    DELETE = "delete"  # nothing refers to it: no payment attempt, no acceptance
    CANCEL = "cancel"  # payments or acceptances are on record: they stay, with the order


def abandoned_order_cleanup(
    status: OrderStatus, last_change: datetime, now: datetime, has_records: bool
) -> Cleanup:
    """What `flask orders purge` does with an order. Only drafts: an order awaiting a
    representative's consent or a payment's outcome is waiting for someone else."""
    if status is not OrderStatus.DRAFT or now - last_change < ABANDONED_AFTER:
        return Cleanup.KEEP
    return Cleanup.CANCEL if has_records else Cleanup.DELETE
