"""Starting an order, finding it for its owner, and giving it up."""

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus, Plan, transition
from app.domain.pricing import path_offer
from app.extensions import db
from app.models import Availability, LearningPath, Order, User
from app.services import catalog, promotions
from app.services.subscriptions import live_subscription

# Crockford's alphabet: no I, L, O or U to misread on the phone with Student Success.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CheckoutRefused(DomainError):
    """Something about the order itself (not one field) stops it; `field` may be None."""


class AlreadySubscribed(CheckoutRefused):
    """The member already holds what the order would give (may_buy_problem): the place
    to tell them is where their plans are shown."""


def new_reference() -> str:
    return "AT-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def may_buy_problem(user: User, plan: Plan) -> str | None:
    """Why this member cannot take this plan now (Terms §2: one Solo at a time; Plus is
    one Learning Path, changed only through Student Success, §2.2c)."""
    if plan is Plan.SOLO and live_subscription(user, Plan.SOLO):
        return _l("You already have Premium Solo. Your plans are shown on your account page.")
    if plan is Plan.SOLO and live_subscription(user, Plan.PLUS):
        return _l(
            "You already have Premium Plus, which includes everything in Premium Solo. Your "
            "plans are shown on your account page."
        )
    if plan is Plan.PLUS and live_subscription(user, Plan.PLUS):
        return _l(
            "You already follow a Learning Path. To change it, write to Student Success "
            "through the contact form."
        )
    return None


def startable_path_problem(path: LearningPath | None) -> str | None:
    if path is None:
        return _l("This Learning Path does not exist.")
    if path.availability is not Availability.OPEN:
        return _l("This Learning Path is not open yet, so it cannot be started.")
    if catalog.current_price(path_offer(path.id), clock.today()) is None:
        return _l("This Learning Path has no price yet, so it cannot be started.")
    return None


def start(plan: Plan, user: User | None, path: LearningPath | None = None) -> Order:
    if plan is Plan.PLUS:
        problem = startable_path_problem(path)
        if problem:
            raise CheckoutRefused(None, problem)
    if user is not None:
        problem = may_buy_problem(user, plan)
        if problem:
            raise AlreadySubscribed(None, problem)
    public_id = secrets.token_urlsafe(18)
    order = Order(
        public_id=public_id,
        reference=new_reference(),
        idempotency_key=f"order:{public_id}",
        plan=plan,
        path_id=path.id if plan is Plan.PLUS else None,
        user_id=user.id if user else None,
    )
    db.session.add(order)
    db.session.flush()
    return order


def waiting_orders_of(user: User) -> list[Order]:
    """Orders the member still has to act on, or waits on: consent or a payment answer."""
    return list(
        db.session.scalars(
            select(Order)
            .where(
                Order.user_id == user.id,
                Order.status.in_((OrderStatus.AWAITING_CONSENT, OrderStatus.PAYMENT_PENDING)),
            )
            .order_by(Order.created_at)
        )
    )


def find_by_reference(reference: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.reference == reference))


def find(public_id: str, user: User | None) -> Order | None:
    """The order if this visitor may see it: its owner, or anyone holding the link of an
    order nobody has signed in to yet (its first step is signing in or registering)."""
    order = db.session.scalar(select(Order).where(Order.public_id == public_id))
    if order is None:
        return None
    if order.user_id is None:
        return order
    if user is not None and user.is_authenticated and order.user_id == user.id:
        return order
    return None


def claim(order: Order, user: User, created_in_flow: bool = False) -> None:
    """Attach the order to the member who signed in or registered during it."""
    if order.user_id not in (None, user.id):
        raise CheckoutRefused(None, _l("This order belongs to another account."))
    problem = may_buy_problem(user, order.plan)
    if problem:
        raise AlreadySubscribed(None, problem)
    order.user_id = user.id
    order.account_created_in_flow = order.account_created_in_flow or created_in_flow
    db.session.flush()


def cancel(order: Order) -> None:
    """The buyer (or the representative's refusal) abandons an unfinished order."""
    if order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        return
    order.status = transition(order.status, OrderStatus.CANCELLED)
    order.cancelled_at = clock.now()
    if order.promo_code_id is not None:
        promotions.release(order)
    db.session.flush()
