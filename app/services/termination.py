"""Plus terminated by the subscriber within three months of acceptance (§6.2): the
compensation fee, shown before confirming, then charged through billing's charge path
(app.services.billing.fees: its row and key `terminate:<subscription>` committed before
the gateway call, its answer right after; a lost answer is asked about under the same
key, by a second try or by the billing job, never charged twice), invoiced, and the
subscription terminated when the fee's answer is applied."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app import clock
from app.domain import contract as rules
from app.domain.contract import TerminationFee
from app.domain.errors import DomainError
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import Payment, PaymentStatus, Subscription, User
from app.payments.base import Decline
from app.services import subscriptions
from app.services.billing import charges, fees
from app.services.billing.charges import Applied
from app.services.checkout.wording import decline_message
from app.services.premium import Refused, contract_of, tell


@dataclass(frozen=True)
class Quote:
    fee: TerminationFee
    path_months: int


def paid_cents(subscription: Subscription) -> int:
    """What the contract has been paid so far, refunds taken off (termination fees
    aside): the sums that count towards the fee."""
    rows = db.session.scalars(
        select(Payment).where(
            Payment.subscription_id == subscription.id,
            Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)),
            Payment.idempotency_key.not_like("terminate:%"),
        )
    )
    return sum(p.amount_cents - (p.refunded_cents or 0) for p in rows)


def quote(subscription: Subscription) -> Quote:
    months = subscription.path.duration_months if subscription.path else 0
    fee = rules.termination_fee(
        subscription.monthly_cents,
        months,
        current_app.config["TERMINATION_FEE_BASIS_POINTS"],
        paid_cents(subscription),
    )
    return Quote(fee, months)


def terminate(user: User, subscription: Subscription) -> int | None:
    """Charge the fee shown (if any), invoice it and terminate. Returns the fee charged,
    None when it was already terminated. Raises Refused after three months, DomainError
    (field None) when the gateway declines or does not answer: nothing is terminated
    then, and an answer that never came is followed up by the billing job, which
    terminates the contract if the fee was in fact paid."""
    subscriptions.lock(subscription)
    if subscription.status is S.TERMINATED:
        return None
    refusal = rules.termination_refusal(contract_of(subscription), clock.now(), clock.zone())
    if refusal is not None:
        raise Refused(refusal)
    due = quote(subscription).fee.due_cents
    if due == 0:
        subscriptions.change_status(
            subscription,
            S.TERMINATED,
            reason=Reason.TERMINATED_BY_MEMBER,
            by_user=user,
            amount_cents=0,
        )
        subscription.ends_on = clock.today()
        tell(user, subscription, "subscription_terminated", fee_cents=0)
        return 0
    payment, fresh = fees.attempt(subscription, due)
    payment_id, status = payment.id, payment.status
    db.session.commit()  # the row and its key, before the gateway call
    if fresh:
        applied = charges.charge(payment_id)
    elif status is PaymentStatus.SUCCEEDED:
        applied = Applied.NOTHING  # paid and applied already: it is terminated
    else:
        # An earlier answer was lost: ask about that charge, never charge it anew.
        applied = charges.lookup(payment_id)
    db.session.expire_all()
    payment = db.session.get(Payment, payment_id)
    subscription = db.session.get(Subscription, subscription.id)
    if applied is Applied.DECLINED:
        decline = Decline(payment.decline_code) if payment.decline_code else None
        raise DomainError(None, decline_message(decline))
    if subscription.status is S.TERMINATED:
        return payment.amount_cents if applied is Applied.PAID else None
    raise DomainError(None, "no_answer")
