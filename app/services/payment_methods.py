"""Settings → Payment: the method each live subscription is charged to, a new card kept
through the gateway (only its token, brand, last four digits and expiry come back), and
the billing job's reminder a month before a kept card expires."""

from datetime import datetime

from sqlalchemy import and_, or_, select

from app import clock
from app.domain.card_expiry import expiries_in_notice, notice_due
from app.domain.errors import DomainError
from app.domain.subscriptions import LIVE_SUBSCRIPTION
from app.extensions import db
from app.links import public_url
from app.models import PaymentMethod, Subscription, User
from app.payments import gateway_for
from app.services import mail, subscriptions
from app.services.checkout.steps import keep_method
from app.services.checkout.wording import decline_message
from app.services.premium import plan_name


def method_by_id(method_id: int | None) -> PaymentMethod | None:
    """The kept method, or None for a subscription left without one."""
    return db.session.get(PaymentMethod, method_id) if method_id is not None else None


def current_methods(user: User) -> list[tuple[Subscription, PaymentMethod | None]]:
    return [
        (subscription, method_by_id(subscription.payment_method_id))
        for subscription in subscriptions.subscriptions_of(user)
    ]


def change_card(user: User, form: dict) -> PaymentMethod:
    """Hand the card to the gateway (the sandbox reduces it to a token at once; Adyen's
    components encrypted it in the browser) and charge every live subscription to it
    from the next payment. A refusal raises DomainError on the card's field."""
    gateway = gateway_for("card")
    result = gateway.save_method(user.id, form)
    if result.problem is not None:
        field, decline = result.problem
        raise DomainError(field, decline_message(decline))
    method = keep_method(user.id, gateway.name, result.method)
    for subscription in subscriptions.subscriptions_of(user):
        subscription.payment_method_id = method.id
    db.session.flush()
    return method


def expiry_notices(now: datetime) -> tuple[int, list[str]]:
    """The billing job's step: each card a live subscription is charged to, a month
    before it expires, gets one email (recorded on the card, so a second run sends
    none)."""
    today = clock.local_date(now)
    done = 0
    # Only the cards that may be due: locking every live card would write each row.
    expiring = or_(
        *(
            and_(PaymentMethod.exp_month == month, PaymentMethod.exp_year == year)
            for month, year in expiries_in_notice(today)
        )
    )
    rows = db.session.scalars(
        select(PaymentMethod)
        .join(Subscription, Subscription.payment_method_id == PaymentMethod.id)
        .where(
            PaymentMethod.kind == "card",
            PaymentMethod.expiry_notice_sent_at.is_(None),
            expiring,
            Subscription.status.in_(LIVE_SUBSCRIPTION),
        )
        .with_for_update(skip_locked=True, of=PaymentMethod)
    )
    # A card two subscriptions share comes once per subscription: told once.
    for method in dict.fromkeys(rows):
        if not notice_due(method.exp_month, method.exp_year, today):
            continue
        user = db.session.get(User, method.user_id)
        held = [s for s in subscriptions.subscriptions_of(user) if s.payment_method_id == method.id]
        locale = user.locale or "en"
        mail.send_template(
            user.email,
            "card_expires",
            locale,
            user=user,
            method=method,
            plans=", ".join(plan_name(s, locale) for s in held),
            link=public_url("account.payment"),
        )
        method.expiry_notice_sent_at = now
        done += 1
    db.session.commit()
    return done, []
