"""The subscriber's own changes to their contract, from Settings → Premium: cancel and
undo (§2.1d, §2.2g), withdraw during Plus reflection (§6.2), and the Solo's first use
of its access, which ends its withdrawal right (§6.1).

Every change locks the subscription and decides on its status as read under the lock
(so two requests at once make one change), goes through
`subscriptions.change_status`, and queues its email in the caller's transaction."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.domain import contract as rules
from app.domain.contract import Contract, Refusal
from app.domain.order_pricing import NextCharge
from app.domain.orders import Plan
from app.domain.subscriptions import ENTITLED, Reason, SubscriptionStatus
from app.extensions import db
from app.links import public_url
from app.models import Payment, Subscription, SubscriptionEvent, User
from app.services import mail, refunds, subscriptions, terms_prices
from app.services.subscription_history import Entry
from app.services.subscription_history import history as whole_history

S = SubscriptionStatus


class Refused(Exception):
    """The Terms do not allow this change now; `refusal` says why."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.value)
        self.refusal = refusal


def contract_of(subscription: Subscription) -> Contract:
    return Contract(
        plan=subscription.plan,
        status=subscription.status,
        accepted_at=subscription.accepted_at,
        reflection_ends_at=subscription.reflection_ends_at,
        first_access_at=subscription.first_access_at,
        ends_on=subscription.ends_on,
        cancelled_for=_cancelled_for(subscription),
    )


def _cancelled_for(subscription: Subscription) -> Reason | None:
    if subscription.status is not S.CANCELLING:
        return None
    return db.session.scalar(
        select(SubscriptionEvent.reason)
        .where(
            SubscriptionEvent.subscription_id == subscription.id,
            SubscriptionEvent.to_status == S.CANCELLING,
        )
        .order_by(SubscriptionEvent.occurred_at.desc(), SubscriptionEvent.id.desc())
        .limit(1)
    )


# --- what the Premium tab shows ------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One subscription as the Premium tab shows it: what it is, what comes next and
    what the subscriber may do now (each a Refusal, None when allowed)."""

    subscription: Subscription
    next_charge: NextCharge | None
    cancel: Refusal | None
    undo: Refusal | None
    solo_withdrawal: Refusal | None
    solo_withdrawal_ends: datetime | None
    reflection_withdrawal: Refusal | None
    termination: Refusal | None
    termination_ends: datetime | None
    history: list[Entry]

    @property
    def live(self) -> bool:
        return self.subscription.status in (S.REFLECTION, S.ACTIVE, S.CANCELLING, S.PAST_DUE)


def next_charge(subscription: Subscription) -> NextCharge | None:
    """At the price the job will charge: a new price of a material Terms version once
    the subscriber accepted it (§1), otherwise the locked one."""
    charge = subscriptions.next_charge_of(subscription)
    if charge is None:
        return None
    monthly = terms_prices.monthly_for(subscription, charge.on, terms_prices.offers())
    if monthly == subscription.monthly_cents:
        return charge
    return subscriptions.next_charge_of(subscription, monthly)


def standing_of(subscription: Subscription, now: datetime) -> Standing:
    terms = contract_of(subscription)
    solo = subscription.plan is Plan.SOLO
    return Standing(
        subscription=subscription,
        next_charge=next_charge(subscription),
        cancel=rules.cancel_refusal(terms),
        undo=rules.undo_refusal(terms, clock.local_date(now)),
        solo_withdrawal=rules.solo_withdrawal_refusal(terms, now),
        solo_withdrawal_ends=rules.solo_withdrawal_ends(terms) if solo else None,
        reflection_withdrawal=rules.reflection_withdrawal_refusal(terms, now),
        termination=rules.termination_refusal(terms, now, clock.zone()),
        termination_ends=None if solo else rules.termination_ends(terms.accepted_at, clock.zone()),
        history=whole_history(subscription),
    )


def all_subscriptions_of(user: User) -> list[Subscription]:
    """Every subscription the member ever held, the newest first: the live ones and
    those that ended, with their history (§3.3)."""
    return list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == user.id)
            .order_by(Subscription.created_at.desc(), Subscription.id.desc())
        )
    )


def overview(user: User, now: datetime) -> list[Standing]:
    return [standing_of(subscription, now) for subscription in all_subscriptions_of(user)]


# --- changes -------------------------------------------------------------------------


def cancel(user: User, subscription: Subscription) -> bool:
    """§2.1d, §2.2g: stops the renewals; the service runs to the end of the period
    already paid, which is not refunded. False when it was already cancelled (a second
    click, a second tab): one cancellation, one email."""
    subscriptions.lock(subscription)
    refusal = rules.cancel_refusal(contract_of(subscription))
    if refusal is Refusal.ALREADY_CANCELLED:
        return False
    if refusal is not None:
        raise Refused(refusal)
    subscriptions.change_status(
        subscription, S.CANCELLING, reason=Reason.CANCELLED_BY_MEMBER, by_user=user
    )
    subscription.ends_on = subscription.current_period_end
    tell(user, subscription, "subscription_cancelled")
    return True


def undo_cancel(user: User, subscription: Subscription) -> bool:
    """The renewals start again, at the locked price, as if never cancelled. False when
    there was nothing to undo any more (a second click)."""
    subscriptions.lock(subscription)
    refusal = rules.undo_refusal(contract_of(subscription), clock.today())
    if refusal is Refusal.NOT_NOW and subscription.status is S.ACTIVE:
        return False
    if refusal is not None:
        raise Refused(refusal)
    subscriptions.change_status(
        subscription, S.ACTIVE, reason=Reason.CANCELLATION_UNDONE, by_user=user
    )
    subscription.ends_on = None
    tell(user, subscription, "cancellation_undone")
    return True


def withdraw_in_reflection(user: User, subscription: Subscription) -> bool:
    """§6.2: during the 7 days of reflection, in one step, at no cost: nothing was
    charged (the method was only checked), so nothing is refunded. False when it was
    already withdrawn."""
    subscriptions.lock(subscription)
    if subscription.status is S.WITHDRAWN:
        return False
    refusal = rules.reflection_withdrawal_refusal(contract_of(subscription), clock.now())
    if refusal is not None:
        raise Refused(refusal)
    subscriptions.change_status(
        subscription,
        S.WITHDRAWN,
        reason=Reason.WITHDRAWN_IN_REFLECTION,
        by_user=user,
        amount_cents=0,
    )
    subscription.ends_on = clock.today()
    tell(user, subscription, "subscription_withdrawn")
    return True


def paid_payments(subscription: Subscription) -> list[Payment]:
    """The charges made for the subscription that can still be given back."""
    found = db.session.scalars(
        select(Payment).where(Payment.subscription_id == subscription.id).order_by(Payment.id)
    )
    return [payment for payment in found if refunds.refundable_cents(payment) > 0]


def withdraw_solo(user: User, subscription: Subscription) -> int | None:
    """§6.1: within 14 days of subscribing, the access never used: everything paid is
    refunded through the gateway, each refund with its credit note, then the
    subscription is withdrawn. Returns the amount refunded, or None when it was already
    withdrawn.

    The refunds commit on their own (app.services.refunds): they come first, so that a
    refund the gateway refuses leaves the subscription as it was (DomainError, nothing
    withdrawn); a second click meanwhile finds nothing left to refund and the status
    already decided under the lock."""
    subscriptions.lock(subscription)
    if subscription.status is S.WITHDRAWN:
        return None
    refusal = rules.solo_withdrawal_refusal(contract_of(subscription), clock.now())
    if refusal is not None:
        raise Refused(refusal)
    refunded = 0
    for payment in paid_payments(subscription):
        refund = refunds.refund(payment, None, WITHDRAWAL_REASON, user)
        refunded += refund.amount_cents
    subscriptions.lock(subscription)  # the refunds' commits released it
    if subscription.status is S.WITHDRAWN:
        return None
    subscriptions.change_status(
        subscription,
        S.WITHDRAWN,
        reason=Reason.WITHDRAWN_BEFORE_USE,
        by_user=user,
        amount_cents=refunded,
    )
    subscription.ends_on = clock.today()
    tell(user, subscription, "subscription_withdrawn", refunded_cents=refunded)
    return refunded


# Printed on the credit note.
WITHDRAWAL_REASON = "Withdrawal within 14 days (Terms of Service, section 6.1)"


def record_first_access(user: User, held: list[Subscription]) -> None:
    """The first signed-in visit to a paid feature after the order is the first use of
    the access (§6.1): recorded once per subscription, at its first moment. Read again
    under a row lock (PostgreSQL) before writing, so of two requests at once the second
    keeps the first's moment; once set, nothing more is read or written."""
    now = clock.now()
    for subscription in held:
        if subscription.first_access_at is not None or subscription.status not in ENTITLED:
            continue
        db.session.refresh(subscription, attribute_names=["first_access_at"], with_for_update=True)
        if subscription.first_access_at is None:
            subscription.first_access_at = now
            db.session.flush()


def tell(user: User, subscription: Subscription, template: str, **extra) -> None:
    mail.send_template(
        user.email,
        template,
        user.locale or "en",
        user=user,
        subscription=subscription,
        plan=plan_name(subscription, user.locale or "en"),
        link=public_url("account.premium_tab"),
        **extra,
    )


def plan_name(subscription: Subscription, locale: str) -> str:
    if subscription.plan is Plan.SOLO or subscription.path is None:
        return "Premium Solo"
    title = subscription.path.title_fr if locale == "fr" else subscription.path.title_en
    return f"Premium Plus — {title}"
