"""What Review shows and what will be charged: the price in force, the code's discount,
the schedule of charges to come."""

import hashlib
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.domain.order_pricing import Quote, quote
from app.domain.orders import Plan
from app.domain.periods import REFLECTION_DAYS
from app.domain.pricing import SOLO, PriceRefused, path_offer
from app.domain.promotions import Discount, DiscountKind, referral_discount
from app.extensions import db
from app.models import Order, Price
from app.services import catalog, subscriptions
from app.services.checkout.orders import CheckoutRefused


def _price_row(order: Order, today: date) -> Price | None:
    offer = SOLO if order.plan is Plan.SOLO else path_offer(order.path_id)
    point = catalog.current_price(offer, today)
    if point is None:
        return None
    return db.session.scalar(
        select(Price).where(Price.offer == offer, Price.effective_from == point.effective_from)
    )


def current_quote(order: Order, today: date | None = None) -> Quote:
    """The figures as they stand now: the price in force today and the order's code."""
    today = today or clock.today()
    price = _price_row(order, today)
    if price is None:
        raise CheckoutRefused(None, _l("This offer has no price at the moment."))
    discount = None
    if order.promo_code is not None:
        discount = order.promo_code.discount
    elif order.referrer_id is not None:
        config = current_app.config
        discount = referral_discount(config["REFERRAL_PERCENT_OFF"], config["REFERRAL_MONTHS"])
    try:
        return quote(
            order.plan,
            price.amount_cents,
            today,
            discount,
            order.path.duration_months if order.path else None,
            waits_for_consent=order.needs_consent,
        )
    except PriceRefused as error:
        raise CheckoutRefused(
            None, _l("This Learning Path cannot be sold at its current price.")
        ) from error


def first_charge_from(plan: Plan, today: date) -> date:
    return today + timedelta(days=REFLECTION_DAYS) if plan is Plan.PLUS else today


def solo_ends_on(order: Order) -> date | None:
    """For a Plus order: the day the buyer's Premium Solo ends because of it, if any."""
    if order.plan is not Plan.PLUS or order.user is None:
        return None
    return subscriptions.solo_end_if_plus(order.user)


def figures_token(order: Order, shown: Quote) -> str:
    """What the Review page shows of money and dates, condensed: the figures of the
    quote and the day a Premium Solo ends. Confirm goes ahead only if it still holds."""
    ends = solo_ends_on(order)
    figures = (*shown.figures(), ends.isoformat() if ends else None)
    return hashlib.sha256(repr(figures).encode()).hexdigest()[:32]


def record_review(order: Order, shown: Quote) -> None:
    price = _price_row(order, clock.today())
    order.price_id = price.id if price else None
    order.monthly_cents = shown.monthly_cents
    order.discount_cents = shown.discount_cents
    order.discount_months = shown.discount_months
    order.due_today_cents = shown.due_today_cents
    order.first_charge_on = shown.first_charge_on
    order.currency = shown.currency
    order.reviewed_at = clock.now()
    db.session.flush()


def current_schedule(order: Order):
    """The charges to come as recorded on the order (not recomputed from today's price)."""
    if order.monthly_cents is None:
        return ()
    return quote(
        order.plan,
        order.monthly_cents,
        order.first_charge_on if order.plan is Plan.SOLO else _reflection_start(order),
        _recorded_discount(order),
        order.path.duration_months if order.path else None,
    ).schedule


def _reflection_start(order: Order) -> date:
    return order.first_charge_on - timedelta(days=REFLECTION_DAYS)


def _recorded_discount(order: Order) -> Discount | None:
    if not order.discount_cents or not order.discount_months:
        return None
    return Discount(DiscountKind.FIXED, order.discount_cents, order.discount_months)
