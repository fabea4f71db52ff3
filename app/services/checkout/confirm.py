"""The Confirm button at Review: safe to press any number of times, at once or one
after another (see `charging` for the two commits it relies on)."""

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus, Plan, Step, transition
from app.extensions import db
from app.models import AcceptedBy, Order
from app.services import promotions
from app.services.checkout.acceptances import record_acceptances, unticked, versions_token
from app.services.checkout.charging import (
    ConfirmOutcome,
    Context,
    Result,
    charge,
    open_payment,
    resume,
    state_of,
)
from app.services.checkout.emails import send_consent_request
from app.services.checkout.figures import current_quote, figures_token, record_review
from app.services.checkout.orders import (
    AlreadySubscribed,
    CheckoutRefused,
    may_buy_problem,
    startable_path_problem,
)
from app.services.checkout.steps import first_missing_step


def confirm(
    order: Order,
    shown_figures: str,
    shown_versions: str,
    context: Context,
    ticked: Collection[str] = (),
) -> ConfirmOutcome:
    """`ticked`: the boxes ticked at Review. A box missing raises DomainError (one
    message per box) while the order is still a draft; a payment under way needs none."""
    if order.status is OrderStatus.COMPLETED:
        return ConfirmOutcome(Result.COMPLETED)
    if order.status is OrderStatus.AWAITING_CONSENT:
        return ConfirmOutcome(Result.AWAITING_CONSENT)
    if order.status is OrderStatus.PAYMENT_PENDING:
        return resume(order)
    if order.status is OrderStatus.CANCELLED:
        raise CheckoutRefused(None, _l("This order was cancelled."))
    if first_missing_step(order) is not Step.REVIEW:
        raise CheckoutRefused(None, _l("Some answers are missing."))
    missing = unticked(order, ticked, AcceptedBy.LEARNER)
    if missing:
        raise DomainError.of(missing)
    problem = may_buy_problem(order.user, order.plan)
    if problem:
        raise AlreadySubscribed(None, problem)
    if order.plan is Plan.PLUS:
        problem = startable_path_problem(order.path)
        if problem:
            raise CheckoutRefused(None, problem)
    fresh = current_quote(order)
    if figures_token(order, fresh) != shown_figures or versions_token(order) != shown_versions:
        record_review(order, fresh)
        return ConfirmOutcome(Result.CHANGED)

    try:
        record_acceptances(order, AcceptedBy.LEARNER, ticked, context.ip, context.user_agent)
        try:
            if order.promo_code_id is not None:
                promotions.redeem(order, order.user, clock.now())
        except DomainError as refused:
            # The code ran out or expired since Review (another buyer took the last use):
            # the acceptances just recorded go too.
            db.session.rollback()
            return ConfirmOutcome(Result.CODE_REFUSED, message=str(refused.message))
        order.monthly_cents = fresh.monthly_cents
        order.discount_cents = fresh.discount_cents
        order.discount_months = fresh.discount_months
        order.due_today_cents = fresh.due_today_cents
        order.first_charge_on = fresh.first_charge_on
        order.confirmed_at = clock.now()
        if order.needs_consent:
            order.status = transition(order.status, OrderStatus.AWAITING_CONSENT)
            db.session.flush()
            send_consent_request(order)
            return ConfirmOutcome(Result.AWAITING_CONSENT)
        payment = open_payment(order)
        db.session.commit()  # the protocol's first commit: the attempt, before the call
    except IntegrityError:
        # Another request confirmed this order first: show what it did.
        db.session.rollback()
        db.session.refresh(order)
        return state_of(order)
    return charge(order, payment, context)
