"""What a settled payment does to its order: a success completes it and starts the
subscription; a refusal sends the buyer back to the payment step."""

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.domain.orders import OrderStatus, Plan, transition
from app.domain.periods import anniversary, reflection_ends
from app.extensions import db
from app.models import Order, Payment, PaymentStatus, Subscription
from app.payments.base import Decline
from app.services import promotions, subscriptions
from app.services.checkout.emails import send_order_emails


def settle_order(payment: Payment, status: PaymentStatus) -> None:
    """The order's side of a payment's final answer (from Confirm, a gateway return or a
    webhook). Only an order still waiting for that answer moves."""
    order = db.session.get(Order, payment.order_id)
    if order is None or order.status is not OrderStatus.PAYMENT_PENDING:
        return
    success = status in (PaymentStatus.SUCCEEDED, PaymentStatus.AUTHORISED)
    if not _claim(order, OrderStatus.COMPLETED if success else OrderStatus.DRAFT):
        return  # another request (a second "Check again", a webhook) settled it first
    if success:
        complete(order, payment)
        return
    # Declined or cancelled: back to the payment step, the order and its answers kept; the
    # next attempt gets a key of its own.
    order.payment_attempt += 1
    if order.promo_code_id is not None:
        # Nothing was paid: the code's use goes back until the next Confirm takes it again.
        promotions.release(order)
    order.last_decline = payment.decline_code or (
        "cancelled" if status is PaymentStatus.CANCELLED else Decline.DECLINED.value
    )


def _claim(order: Order, target: OrderStatus) -> bool:
    """Move the order out of "payment pending" only if it still is: one conditional
    UPDATE, so of several requests settling the same payment at once (concurrent
    "Check again" after a lost answer, a webhook) exactly one goes on to complete the
    order; the others find it settled and show it. On PostgreSQL the losers wait for the
    winner's commit, then match no row."""
    transition(order.status, target)
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.PAYMENT_PENDING)
        .values(status=target)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        set_committed_value(order, "status", target)
    else:
        db.session.refresh(order, ["status"])
    return bool(moved)


def complete(order: Order, payment: Payment | None) -> Subscription:
    """Start the subscription of an order this request has just claimed as completed."""
    assert order.status is OrderStatus.COMPLETED, "claim the order first (_claim)"
    now = clock.now()
    today = clock.today()
    order.completed_at = now
    plus = order.plan is Plan.PLUS
    if plus:
        # The reflection period runs from acceptance, which for a minor is the day the
        # representative said yes: the first charge moves with it.
        order.first_charge_on = clock.local_date(reflection_ends(now))
    subscription = Subscription(
        user_id=order.user_id,
        order_id=order.id,
        plan=order.plan,
        path_id=order.path_id,
        monthly_cents=order.monthly_cents,
        currency=order.currency,
        discount_cents=order.discount_cents or 0,
        # Solo's first month is paid: one discounted month fewer to come.
        discount_months=max((order.discount_months or 0) - (0 if plus else 1), 0),
        payment_method_id=order.payment_method_id,
        accepted_at=now,
        reflection_ends_at=reflection_ends(now) if plus else None,
        anchor_date=order.first_charge_on if plus else today,
        current_period_start=None if plus else today,
        current_period_end=None if plus else anniversary(today, 1),
    )
    # The contract is the buyer's, whichever channel brought the payment's answer.
    subscriptions.start(subscription, by_user=order.user, amount_cents=_charged(payment))
    if payment is not None:
        payment.subscription_id = subscription.id
    solo_ends_on = subscriptions.end_solo_for_plus(order.user) if plus else None
    if order.referrer_id is not None:
        promotions.record_referral(order)
    send_order_emails(order, subscription, solo_ends_on)
    db.session.flush()
    return subscription


def _charged(payment: Payment | None) -> int | None:
    """What the creation took: Solo's first month; nothing for Plus, whose payment only
    verifies the method (the first month is charged when reflection ends)."""
    if payment is None or payment.status is not PaymentStatus.SUCCEEDED:
        return None
    return payment.amount_cents
