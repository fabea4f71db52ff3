"""The legal representative's consent (Terms §1) for a learner aged 16 to the age of
majority, or under a legal protection measure: a signed link valid seven days, a page with
the order and the documents, and a recorded answer."""

from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import AcceptedBy, ConsentDecision, Order, RepresentativeConsent
from app.services import catalog, checkout, mail, tokens

PURPOSE = "consent"


def link_for(order: Order) -> str:
    token = tokens.make(PURPOSE, {"o": order.public_id})
    return url_for("checkout.consent_page", token=token, _external=True)


def request(order: Order) -> None:
    """Email the representative the link, and tell the learner it was sent. Joins the
    caller's transaction."""
    locale = order.locale or "en"
    days = current_app.config["CONSENT_TOKEN_MAX_AGE"].days
    mail.send_template(
        order.representative_email,
        "consent_request",
        locale,
        order=order,
        title=checkout.plan_title(order, locale),
        link=link_for(order),
        days=days,
    )
    mail.send_template(
        order.user.email,
        "consent_requested",
        locale,
        order=order,
        title=checkout.plan_title(order, locale),
        days=days,
        link=url_for("checkout.done", public_id=order.public_id, _external=True),
    )


def order_for_token(token: str) -> Order | None:
    """Raises tokens.InvalidToken for a forged or expired link."""
    payload = tokens.read(PURPOSE, token, current_app.config["CONSENT_TOKEN_MAX_AGE"])
    return db.session.scalar(select(Order).where(Order.public_id == payload.get("o")))


def decision_for(order: Order) -> RepresentativeConsent | None:
    return db.session.scalar(
        select(RepresentativeConsent).where(RepresentativeConsent.order_id == order.id)
    )


@dataclass(frozen=True)
class Answer:
    name: str
    ip: str | None
    user_agent: str | None


def _record(order: Order, decision: ConsentDecision, answer: Answer) -> bool:
    """Insert the one decision this order can have; False if it was already decided."""
    try:
        db.session.add(
            RepresentativeConsent(
                order_id=order.id,
                decision=decision,
                name=answer.name.strip(),
                email=order.representative_email,
                ip=answer.ip,
                user_agent=(answer.user_agent or "")[:500] or None,
            )
        )
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def accept(order: Order, answer: Answer) -> checkout.ConfirmOutcome | None:
    if order.status is not OrderStatus.AWAITING_CONSENT:
        return None
    if not _record(order, ConsentDecision.ACCEPTED, answer):
        return None
    context = checkout.Context(
        ip=answer.ip,
        user_agent=answer.user_agent,
        return_url=url_for("checkout.gateway_return", public_id=order.public_id, _external=True),
        cancel_url=url_for(
            "checkout.gateway_return", public_id=order.public_id, cancelled=1, _external=True
        ),
    )
    checkout.record_acceptances(order, AcceptedBy.REPRESENTATIVE, context, answer.name.strip())
    # The contract starts now: Solo's first month is today, Plus's reflection runs from now.
    order.first_charge_on = checkout.first_charge_from(order.plan, catalog.platform_today())
    payment = checkout.open_payment(order)
    db.session.commit()
    outcome = checkout.charge(order, payment, context)
    locale = order.locale or "en"
    if outcome.result is not checkout.Result.COMPLETED:
        # PayPal approval, 3-D Secure or a decline: the learner finishes the payment.
        mail.send_template(
            order.user.email,
            "consent_given_pay",
            locale,
            order=order,
            title=checkout.plan_title(order, locale),
            link=url_for("checkout.review", public_id=order.public_id, _external=True),
        )
    mail.send_template(
        order.representative_email,
        "consent_recorded",
        locale,
        order=order,
        title=checkout.plan_title(order, locale),
        accepted=True,
        name=answer.name.strip(),
    )
    db.session.commit()
    return outcome


def refuse(order: Order, answer: Answer) -> bool:
    if order.status is not OrderStatus.AWAITING_CONSENT:
        return False
    if not _record(order, ConsentDecision.REFUSED, answer):
        return False
    checkout.cancel(order)
    locale = order.locale or "en"
    title = checkout.plan_title(order, locale)
    mail.send_template(order.user.email, "consent_refused", locale, order=order, title=title)
    mail.send_template(
        order.representative_email,
        "consent_recorded",
        locale,
        order=order,
        title=title,
        accepted=False,
        name=answer.name.strip(),
    )
    db.session.commit()
    return True
