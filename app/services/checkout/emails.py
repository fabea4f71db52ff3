"""The emails checkout sends, queued in the caller's transaction."""

from datetime import date

from flask import current_app

from app.domain.periods import withdrawal_ends
from app.links import public_url
from app.models import Order, Subscription
from app.services import mail, tokens
from app.services.checkout.figures import current_schedule
from app.services.checkout.wording import plan_title

CONSENT_PURPOSE = "consent"


def _locale(order: Order) -> str:
    return order.locale or order.user.locale or "en"


def send_order_emails(
    order: Order, subscription: Subscription, solo_ends_on: date | None = None
) -> None:
    """The order summary, and for an account made in the flow, how to sign in (§2.1b).
    `solo_ends_on`: the last day of the Premium Solo this Plus order ends."""
    user = order.user
    locale = _locale(order)
    mail.send_template(
        user.email,
        "order_summary",
        locale,
        order=order,
        subscription=subscription,
        schedule=current_schedule(order),
        title=plan_title(order, locale),
        link=public_url("checkout.done", public_id=order.public_id),
        contact=public_url("legal.contact"),
        premium=public_url("account.premium_tab"),
        withdrawal_ends=withdrawal_ends(subscription.accepted_at),
        solo_ends_on=solo_ends_on,
    )
    if order.account_created_in_flow:
        mail.send_template(
            user.email,
            "account_access",
            locale,
            user=user,
            link=public_url("auth.signin"),
        )


def consent_link(order: Order) -> str:
    token = tokens.make(CONSENT_PURPOSE, {"o": order.public_id})
    return public_url("checkout.consent_page", token=token)


def send_consent_request(order: Order) -> None:
    """The representative gets the link; the learner is told it was sent."""
    locale = order.locale or "en"
    days = current_app.config["CONSENT_TOKEN_MAX_AGE"].days
    title = plan_title(order, locale)
    mail.send_template(
        order.representative_email,
        "consent_request",
        locale,
        order=order,
        title=title,
        link=consent_link(order),
        days=days,
    )
    mail.send_template(
        order.user.email,
        "consent_requested",
        locale,
        order=order,
        title=title,
        days=days,
        link=public_url("checkout.done", public_id=order.public_id),
    )


def send_consent_recorded(order: Order, accepted: bool, name: str) -> None:
    locale = order.locale or "en"
    mail.send_template(
        order.representative_email,
        "consent_recorded",
        locale,
        order=order,
        title=plan_title(order, locale),
        accepted=accepted,
        name=name,
    )


def send_consent_given_pay(order: Order) -> None:
    """The representative said yes but the payment waits for the learner (PayPal
    approval, 3-D Secure, a decline)."""
    locale = order.locale or "en"
    mail.send_template(
        order.user.email,
        "consent_given_pay",
        locale,
        order=order,
        title=plan_title(order, locale),
        link=public_url("checkout.review", public_id=order.public_id),
    )


def send_consent_refused(order: Order) -> None:
    locale = order.locale or "en"
    mail.send_template(
        order.user.email, "consent_refused", locale, order=order, title=plan_title(order, locale)
    )
