"""`flask orders purge`: drafts abandoned for 30 days are deleted, or cancelled when a
payment attempt or an acceptance is on record; nothing else is touched."""

from datetime import timedelta

from sqlalchemy import func, select, update

from app import clock
from app.domain.orders import ABANDONED_AFTER, OrderStatus
from app.extensions import db
from app.models import Order, Payment
from tests.checkout_fixtures import DECLINED_CARD, buy_until_review, signed_in_member


def signed_in(app, make_user):
    return signed_in_member(app, make_user)[0]


def last_touched(buyer, ago: timedelta) -> None:
    db.session.execute(
        update(Order).where(Order.public_id == buyer.public_id).values(updated_at=clock.now() - ago)
    )
    db.session.commit()


def test_abandoned_drafts_are_deleted_or_cancelled(shop, make_user, runner):
    old = ABANDONED_AFTER + timedelta(hours=1)
    abandoned = buy_until_review(signed_in(shop, make_user))  # a name, an address…
    last_touched(abandoned, old)
    recent = buy_until_review(signed_in(shop, make_user))
    last_touched(recent, ABANDONED_AFTER - timedelta(hours=1))
    declined = buy_until_review(signed_in(shop, make_user), card=DECLINED_CARD)
    declined.confirm()  # back to the payment step, with an attempt on record
    last_touched(declined, old)
    bought = buy_until_review(signed_in(shop, make_user))
    bought.confirm()
    last_touched(bought, old)

    result = runner.invoke(args=["orders", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 deleted, 1 cancelled" in result.output
    db.session.expire_all()
    assert abandoned.order is None
    assert recent.order.status is OrderStatus.DRAFT
    assert declined.order.status is OrderStatus.CANCELLED and declined.order.cancelled_at
    assert bought.order.status is OrderStatus.COMPLETED
    kept = db.session.scalar(
        select(func.count()).select_from(Payment).where(Payment.order_id == declined.order.id)
    )
    assert kept == 1  # the declined attempt stays on record
    again = runner.invoke(args=["orders", "purge"])
    assert "0 deleted, 0 cancelled" in again.output
