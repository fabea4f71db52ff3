"""The legal representative's consent (Terms §1) for a learner aged 16 to the age of
majority, or under a legal protection measure: a signed link valid seven days, a page with
the order and the documents, and a recorded answer."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus
from app.extensions import db
from app.links import public_url
from app.models import AcceptedBy, ConsentDecision, Order, RepresentativeConsent
from app.services import tokens
from app.services.checkout import emails
from app.services.checkout.acceptances import record_acceptances, unticked, versions_token
from app.services.checkout.charging import (
    ConfirmOutcome,
    Context,
    Result,
    charge,
    open_payment,
)
from app.services.checkout.figures import first_charge_from
from app.services.checkout.orders import cancel


def request(order: Order) -> None:
    """Send the link (again). Joins the caller's transaction."""
    emails.send_consent_request(order)


def order_for_token(token: str) -> Order | None:
    """Raises tokens.InvalidToken for a forged or expired link."""
    payload = tokens.read(
        emails.CONSENT_PURPOSE, token, current_app.config["CONSENT_TOKEN_MAX_AGE"]
    )
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
    # The boxes ticked, and the versions of the documents the page showed beside them.
    ticked: frozenset[str] = frozenset()
    versions: str = ""


class DocumentsChanged(DomainError):
    """A document was published anew while the page was open: its boxes were ticked for
    the version before, so nothing is recorded and the page shows the new one."""


def _record(order: Order, decision: ConsentDecision, answer: Answer) -> bool:
    """Insert the one decision this order can have; False if it was already decided."""
    try:
        with db.session.begin_nested():
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
    except IntegrityError:
        return False
    return True


def accept(order: Order, answer: Answer) -> ConfirmOutcome | None:
    """Raises DocumentsChanged, or DomainError naming every box left unticked: the
    representative accepts exactly the documents they ticked, or nothing."""
    if order.status is not OrderStatus.AWAITING_CONSENT:
        return None
    if answer.versions != versions_token(order):
        raise DocumentsChanged(
            "accept_terms",
            _l(
                "The documents changed while this page was open. Read the versions shown "
                "now and tick the boxes again."
            ),
        )
    missing = unticked(order, answer.ticked, AcceptedBy.REPRESENTATIVE)
    if missing:
        raise DomainError.of(missing)
    if not _record(order, ConsentDecision.ACCEPTED, answer):
        return None
    context = Context(
        ip=answer.ip,
        user_agent=answer.user_agent,
        return_url=public_url("checkout.gateway_return", public_id=order.public_id),
        cancel_url=public_url("checkout.gateway_return", public_id=order.public_id, cancelled=1),
    )
    name = answer.name.strip()
    record_acceptances(
        order, AcceptedBy.REPRESENTATIVE, answer.ticked, answer.ip, answer.user_agent, name
    )
    # The contract starts now: Solo's first month is today, Plus's reflection runs from now.
    order.first_charge_on = first_charge_from(order.plan, clock.today())
    emails.send_consent_recorded(order, accepted=True, name=name)
    payment = open_payment(order)
    # The payment protocol's first commit: the attempt (with the decision and the
    # representative's email) before the gateway is called.
    db.session.commit()
    outcome = charge(order, payment, context)
    if outcome.result is not Result.COMPLETED:
        # PayPal approval, 3-D Secure or a decline: the learner finishes the payment.
        emails.send_consent_given_pay(order)
    return outcome


def refuse(order: Order, answer: Answer) -> bool:
    if order.status is not OrderStatus.AWAITING_CONSENT:
        return False
    if not _record(order, ConsentDecision.REFUSED, answer):
        return False
    cancel(order)
    emails.send_consent_refused(order)
    emails.send_consent_recorded(order, accepted=False, name=answer.name.strip())
    return True
