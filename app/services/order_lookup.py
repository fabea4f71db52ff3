"""Orders as staff look them up: by reference or by the buyer's email, and one order with
everything on record about it (payments, acceptances, the representative's answer, the
subscription it started). Read only."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import (
    Acceptance,
    Invoice,
    Order,
    Payment,
    Refund,
    RepresentativeConsent,
    Subscription,
    User,
)

LIST_LIMIT = 100


def normalise_reference(text: str) -> str:
    """ "at-7k2m9qxd", "7K2M9QXD" and " AT-7K2M9QXD " are the same reference."""
    code = text.strip().upper().replace(" ", "")
    return code if code.startswith("AT-") else f"AT-{code}"


def find_orders(status: OrderStatus | None = None, query: str = "") -> list[Order]:
    """The newest orders first (at most LIST_LIMIT), filtered by status, and by the
    buyer's email (when the query has an @) or the order's reference."""
    statement = (
        select(Order)
        .options(selectinload(Order.user), selectinload(Order.path))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(LIST_LIMIT)
    )
    if status is not None:
        statement = statement.where(Order.status == status)
    query = query.strip()
    if "@" in query:
        statement = statement.join(User, Order.user_id == User.id).where(
            User.email == query.lower()
        )
    elif query:
        statement = statement.where(Order.reference == normalise_reference(query))
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class OrderRecord:
    order: Order
    payments: list[Payment]
    acceptances: list[Acceptance]
    consent: RepresentativeConsent | None
    subscription: Subscription | None
    # The invoices and credit notes, and the refunds, of those payments, by payment id.
    invoices: dict[int, list[Invoice]] = field(default_factory=dict)
    refunds: dict[int, list[Refund]] = field(default_factory=dict)


def order_record(reference: str) -> OrderRecord | None:
    order = db.session.scalar(
        select(Order).where(Order.reference == normalise_reference(reference))
    )
    if order is None:
        return None
    subscription = db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))
    # The order's own charge, then the renewals of the subscription it started.
    paid_for = Payment.order_id == order.id
    if subscription is not None:
        paid_for = paid_for | (Payment.subscription_id == subscription.id)
    payments = list(db.session.scalars(select(Payment).where(paid_for).order_by(Payment.id)))
    ids = [payment.id for payment in payments]
    invoices: dict[int, list[Invoice]] = {}
    for invoice in db.session.scalars(
        select(Invoice).where(Invoice.payment_id.in_(ids)).order_by(Invoice.id)
    ):
        invoices.setdefault(invoice.payment_id, []).append(invoice)
    refunds: dict[int, list[Refund]] = {}
    for refund in db.session.scalars(
        select(Refund).where(Refund.payment_id.in_(ids)).order_by(Refund.id)
    ):
        refunds.setdefault(refund.payment_id, []).append(refund)
    return OrderRecord(
        order=order,
        payments=payments,
        acceptances=list(
            db.session.scalars(
                select(Acceptance)
                .options(selectinload(Acceptance.document_version))
                .where(Acceptance.order_id == order.id)
                .order_by(Acceptance.id)
            )
        ),
        consent=db.session.scalar(
            select(RepresentativeConsent).where(RepresentativeConsent.order_id == order.id)
        ),
        subscription=subscription,
        invoices=invoices,
        refunds=refunds,
    )
