from sqlalchemy import func, select

from app.domain.orders import OrderStatus
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import Payment, Subscription
from app.services import subscriptions
from tests.checkout_fixtures import buy_until_review
from tests.conftest import outbox_for, sign_in


def test_a_member_buys_solo_with_a_sandbox_card(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    review = buyer.review()
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert "Visa ending 4242" in html and "4242 4242" not in html
    response = buyer.confirm(review_html=html)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/checkout/{buyer.public_id}/done")
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED
    subscription = db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    # The creation is on record: the buyer's, with the first month it charged.
    (created,) = subscriptions.history(subscription)
    assert (created.from_status, created.to_status) == (None, SubscriptionStatus.ACTIVE)
    assert created.reason is Reason.ORDER_COMPLETED and created.actor_id == user.id
    payment = db.session.scalar(select(Payment))
    assert (created.amount_cents, created.currency) == (payment.amount_cents, "EUR")
    assert payment.amount_cents > 0
    done = client.get(f"/checkout/{buyer.public_id}/done")
    assert "Order confirmed" in done.get_data(as_text=True)
    subjects = [m.subject for m in outbox_for(user.email)]
    assert any(order.reference in s for s in subjects)
