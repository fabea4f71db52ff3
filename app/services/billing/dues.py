"""Unpaid renewals (§3.2): retries on days 1, 3 and 7, termination after day 14, the
interest and the fee on the balance, and `pay_balance` for the Premium page's Pay now.

Public API:
- `balance_of(subscription)`: the open balance with its breakdown (domain Balance) and
  the due it belongs to, or None when nothing is owed.
- `pay_balance(subscription, by)`: charge the balance now; restores access and issues the
  invoice when paid. Returns `charges.Applied`. Commits like a charge does (the row
  before the gateway call, the answer after): see app.services.billing.charges."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.domain.billing import Balance, Dunning, balance, collection_fee_cents, dunning
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S
from app.extensions import db
from app.models import BillingDue, DueStatus, Subscription, User
from app.services import subscriptions
from app.services.billing import charges, emails, rates
from app.services.billing.charges import JOB, Applied


@dataclass(frozen=True)
class OpenBalance:
    due: BillingDue
    owed: Balance


def _owed(due: BillingDue, today) -> Balance:
    owed = balance(due.amount_cents, due.due_on, today, rates.table())
    # The fee is added once (§3.2): kept on the due from the day it is owed.
    fee = due.fee_cents or collection_fee_cents(due.due_on, today)
    return Balance(owed.amount_cents, owed.interest_cents, fee, owed.missing_rates)


def open_due(subscription: Subscription) -> BillingDue | None:
    return db.session.scalar(
        select(BillingDue)
        .where(BillingDue.subscription_id == subscription.id, BillingDue.status == DueStatus.OPEN)
        .order_by(BillingDue.id)
    )


def balance_of(subscription: Subscription) -> OpenBalance | None:
    due = open_due(subscription)
    if due is None:
        return None
    return OpenBalance(due, _owed(due, clock.today()))


def _prepare(due: BillingDue) -> charges.Attempt | None:
    owed = _owed(due, clock.today())
    due.interest_cents, due.fee_cents = owed.interest_cents, owed.fee_cents
    return charges.new_attempt(due, owed.total_cents)


def pay_balance(subscription: Subscription, by: User | None = None) -> Applied:
    """Pay now (§3.2): the whole balance, amount + interest to date + fee, charged to the
    subscription's payment method. Paid: the subscription is active again at once and
    the invoice (with its interest and fee lines) is issued."""
    subscriptions.lock(subscription)
    due = open_due(subscription)
    if due is None or subscription.status is not S.PAST_DUE:
        return Applied.NOTHING
    db.session.refresh(due, with_for_update=True)
    attempt = _prepare(due)
    if attempt is None:
        return Applied.UNKNOWN  # the previous attempt is still waiting for its answer
    db.session.commit()  # the attempt's row, before the gateway call
    return charges.charge(attempt.payment_id)


def _claim_next(after: int) -> BillingDue | None:
    return db.session.scalar(
        select(BillingDue)
        .where(BillingDue.status == DueStatus.OPEN, BillingDue.id > after)
        .order_by(BillingDue.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _subscription_unless_held(due: BillingDue) -> Subscription | None:
    """The due's subscription, locked, or None while someone else holds it: a member's
    Pay now locks the subscription and then waits for the due, so the job waiting for
    the subscription with the due in hand would be a deadlock."""
    return db.session.scalar(
        select(Subscription)
        .where(Subscription.id == due.subscription_id)
        .with_for_update(skip_locked=True)
    )


def run(now: datetime) -> tuple[int, list[str]]:
    """Retry, terminate or update each open due; (retries paid or terminations, what
    failed)."""
    today = clock.local_date(now)
    done, failed, last = 0, [], 0
    while (due := _claim_next(last)) is not None:
        last = due.id
        subscription = _subscription_unless_held(due)
        if subscription is None:
            db.session.commit()  # lets go of the due; the next run sees to it
            continue
        step = dunning(due.due_on, today, due.retries)
        try:
            if step.action is Dunning.TERMINATE:
                _terminate(due, subscription, today)
                db.session.commit()
                done += 1
                continue
            if step.action is Dunning.RETRY and subscription.status is S.PAST_DUE:
                due.retries = step.retries
                attempt = _prepare(due)
                db.session.commit()  # the attempt's row and the due's lock released
                if attempt is None:
                    continue
                applied = charges.charge(attempt.payment_id)
                if applied is Applied.PAID:
                    done += 1
                else:
                    failed.append(
                        f"subscription {subscription.id}: retry {step.retries} {applied.value}"
                    )
                continue
            owed = _owed(due, today)
            due.interest_cents, due.fee_cents = owed.interest_cents, owed.fee_cents
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            failed.append(f"subscription {subscription.id}: {type(error).__name__}: {error}")
    return done, failed


def _terminate(due: BillingDue, subscription: Subscription, today) -> None:
    """§3.2: still unpaid after day 14. The debt stays, with its interest to date."""
    owed = _owed(due, today)
    due.interest_cents, due.fee_cents = owed.interest_cents, owed.fee_cents
    due.status = DueStatus.TERMINATED
    due.closed_at = clock.now()
    subscriptions.lock(subscription)
    if subscription.status is S.PAST_DUE:
        subscriptions.change_status(
            subscription,
            S.TERMINATED,
            reason=Reason.UNPAID,
            by_job=JOB,
            amount_cents=owed.total_cents,
        )
        emails.terminated(subscription, owed.total_cents)


def end_cancelled(now: datetime) -> tuple[int, list[str]]:
    """A cancelled subscription ends once its last paid day is over (§2.1d, §2.2g)."""
    today = clock.local_date(now)
    done = 0
    rows = db.session.scalars(
        select(Subscription)
        .where(Subscription.status == S.CANCELLING, Subscription.ends_on < today)
        .with_for_update(skip_locked=True)
    )
    for subscription in list(rows):
        subscriptions.change_status(subscription, S.ENDED, reason=Reason.PERIOD_ENDED, by_job=JOB)
        done += 1
    db.session.commit()
    return done, []
