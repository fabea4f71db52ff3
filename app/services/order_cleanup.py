"""Abandoned orders: `flask orders purge`, run daily (see the README)."""

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, select

from app.domain.orders import ABANDONED_AFTER, Cleanup, OrderStatus, abandoned_order_cleanup
from app.extensions import db
from app.models import Acceptance, Order, Payment
from app.services.checkout import orders


def purge_abandoned(now: datetime) -> Counter:
    """Deletes the drafts untouched for ABANDONED_AFTER that nothing refers to, and
    cancels those with a payment attempt or an acceptance on record (cancelling gives
    back a promo code's use). Returns how many orders got each treatment."""
    drafts = db.session.scalars(
        select(Order).where(
            Order.status == OrderStatus.DRAFT, Order.updated_at <= now - ABANDONED_AFTER
        )
    ).all()
    ids = [order.id for order in drafts]
    recorded = set(
        db.session.scalars(select(Payment.order_id).where(Payment.order_id.in_(ids)))
    ) | set(db.session.scalars(select(Acceptance.order_id).where(Acceptance.order_id.in_(ids))))
    done = Counter()
    doomed = []
    for order in drafts:
        decision = abandoned_order_cleanup(
            order.status, order.updated_at, now, order.id in recorded
        )
        if decision is Cleanup.CANCEL:
            orders.cancel(order)
        elif decision is Cleanup.DELETE:
            doomed.append(order.id)
        done[decision] += 1
    if doomed:
        db.session.execute(delete(Order).where(Order.id.in_(doomed)))
    db.session.flush()
    return done
