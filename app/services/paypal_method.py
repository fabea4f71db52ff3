"""Settings → Payment: pay a subscription with PayPal instead, through a billing agreement
(issue 13). As at checkout (app.payments.paypal.agreements): a plan at the subscription's
monthly price, with its remaining discounted months, but no setup fee, and its first
cycle on the subscription's next billing date; the member approves it on PayPal's page
(the sandbox's own page by default) and comes back to the return route, which executes
it and makes it the subscription's method.

One agreement per subscription, as checkout signs them: the tab offers the button per
subscription that has a charge to come.

The commit-before-call protocol of app.services.checkout.charging, the only commits of
this module: the attempt's row is committed before PayPal is asked for an agreement (so a
double click finds it and asks nothing more, and the key PayPal gets is derived from it);
the claim of a return is committed before the execute (so a replayed return executes
nothing); each answer is committed right after its call.

The method the subscription leaves is not touched here: a PayPal plan agreement that no
subscription is charged to any more is cancelled at PayPal by the billing job's step
"PayPal agreements" (app.services.paypal_agreements)."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.order_pricing import NextCharge
from app.domain.paypal_agreements import is_plan_agreement
from app.extensions import db
from app.links import public_url
from app.models import ChangeStatus, MethodChange, Order, PaymentMethod, Subscription, User
from app.payments import gateway_named
from app.payments.base import (
    ChargeRequest,
    ChargeResult,
    Decline,
    Expected,
    GatewayTimeout,
    Outcome,
    Recurring,
)
from app.services import premium
from app.services.checkout.steps import keep_method
from app.services.premium import plan_name
from app.web.security import log_security_event


class Result(StrEnum):
    REDIRECT = "redirect"  # to PayPal's approval page
    UNDER_WAY = "under_way"  # another click of the member's is asking PayPal right now
    DONE = "done"
    CANCELLED = "cancelled"  # on PayPal's page: nothing changed
    FAILED = "failed"  # PayPal refused or did not answer: nothing changed
    REFUSED = "refused"  # a return that is not this change's, or one already used
    NOTHING_DUE = "nothing_due"  # cancelling or past due: no renewal for PayPal to take


@dataclass(frozen=True)
class ChangeOutcome:
    result: Result
    action_url: str | None = None
    decline: Decline | None = None
    method: PaymentMethod | None = None


def next_charge(subscription: Subscription) -> NextCharge | None:
    """What the agreement would first bill, and when; None: nothing is to be charged as a
    renewal any more (cancelling, past due), so there is nothing for PayPal to take over.
    At the price the job would charge (a new Terms price once accepted, §1)."""
    return premium.next_charge(subscription)


def billed_monthly(subscription: Subscription, method: PaymentMethod | None) -> int | None:
    """The monthly price a PayPal plan agreement was approved for, when it is not the
    price of the subscription's next period (a Terms price accepted since, §1): PayPal
    goes on billing it until the member approves a new agreement. None otherwise."""
    if method is None or method.kind != "paypal" or not is_plan_agreement(method.token):
        return None
    charge = next_charge(subscription)
    if charge is None:
        return None
    approved = db.session.scalar(
        select(MethodChange.monthly_cents)
        .where(
            MethodChange.payment_method_id == method.id,
            MethodChange.status == ChangeStatus.DONE,
        )
        .order_by(MethodChange.id.desc())
        .limit(1)
    )
    if approved is None:  # signed at checkout, at the order's price
        approved = db.session.scalar(
            select(Order.monthly_cents).where(Order.id == subscription.order_id)
        )
    if approved is None or approved == charge.monthly_cents:
        return None
    return approved


def _waiting(subscription: Subscription) -> MethodChange | None:
    """The subscription's latest attempt if it is still under way or waiting for the
    member: a second click is sent to the same approval page, not to a new agreement."""
    latest = db.session.scalar(
        select(MethodChange)
        .where(MethodChange.subscription_id == subscription.id)
        .order_by(MethodChange.attempt.desc())
        .limit(1)
    )
    if latest is None:
        return None
    if latest.status is ChangeStatus.PENDING and not _maybe_in_flight(latest):
        # The request that asked PayPal ended without keeping an answer (a crash): no one
        # has its approval link, so nothing can be approved or billed from it.
        latest.status = ChangeStatus.FAILED
        latest.decline_code = Decline.GATEWAY_ERROR.value
        db.session.flush()
        return None
    if latest.status in (ChangeStatus.PENDING, ChangeStatus.ACTION_REQUIRED):
        return latest
    return None


def _maybe_in_flight(change: MethodChange) -> bool:
    window = timedelta(seconds=current_app.config["GATEWAY_TIMEOUT_SECONDS"] + 10)
    return clock.now() - change.updated_at < window


def _state(change: MethodChange) -> ChangeOutcome:
    if change.status is ChangeStatus.ACTION_REQUIRED:
        return ChangeOutcome(Result.REDIRECT, action_url=change.action_url)
    return ChangeOutcome(Result.UNDER_WAY)


def _next_attempt(subscription: Subscription) -> int:
    """Two requests at once may both read the same number: the unique constraint lets
    only one of them insert it."""
    latest = db.session.scalar(
        select(func.max(MethodChange.attempt)).where(
            MethodChange.subscription_id == subscription.id
        )
    )
    return (latest or 0) + 1


def _open(user: User, subscription: Subscription, charge: NextCharge) -> MethodChange | None:
    """Insert and commit the attempt (the protocol's first commit); None when another
    request inserted the same attempt first (a double click)."""
    attempt = _next_attempt(subscription)
    change = MethodChange(
        user_id=user.id,
        subscription_id=subscription.id,
        attempt=attempt,
        idempotency_key=f"method:{subscription.id}:{attempt}",
        gateway=current_app.config["PAYPAL_GATEWAY"],
        status=ChangeStatus.PENDING,
        monthly_cents=charge.monthly_cents,
        currency=subscription.currency,
        first_charge_on=charge.on,
    )
    db.session.add(change)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return change


def start(user: User, subscription: Subscription) -> ChangeOutcome:
    """Ask PayPal for an agreement for `subscription` (the member's own, checked by the
    view) and answer where to send the member."""
    charge = next_charge(subscription)
    if charge is None:
        return ChangeOutcome(Result.NOTHING_DUE)
    waiting = _waiting(subscription)
    if waiting is not None:
        return _state(waiting)
    change = _open(user, subscription, charge)
    if change is None:
        waiting = _waiting(subscription)
        return _state(waiting) if waiting else ChangeOutcome(Result.UNDER_WAY)
    order = db.session.get(Order, subscription.order_id)
    title = plan_name(subscription, user.locale or "en")
    request = ChargeRequest(
        idempotency_key=change.idempotency_key,
        # No setup fee: nothing is due before the next billing date (the month under
        # way is paid, or a Plus reflection period is still running).
        amount_cents=0,
        currency=change.currency,
        reference=order.reference,
        description=f"{current_app.config['PLATFORM_NAME']} {title} ({order.reference})",
        kind="paypal",
        shopper_reference=f"user-{user.id}",
        return_url=public_url("account.paypal_return", change_id=change.id),
        cancel_url=public_url("account.paypal_cancel", change_id=change.id),
        recurring=Recurring(
            # The price of the next period: a new Terms price once accepted (§1).
            monthly_cents=change.monthly_cents,
            first_charge_on=charge.on,
            # The discount still to come, on the next renewals (as billing counts it).
            discount_cents=subscription.discount_cents or 0,
            discount_months=subscription.discount_months or 0,
            description=title,
        ),
        locale=user.locale or "en",
    )
    try:
        result = gateway_named(change.gateway).charge(request)
    except GatewayTimeout:
        # Whatever PayPal may have created waits for an approval nobody has the link
        # for, and expires unapproved: nothing can be billed. A new click starts afresh.
        result = ChargeResult(Outcome.DECLINED, decline=Decline.GATEWAY_ERROR)
    if result.outcome is Outcome.ACTION_REQUIRED and result.action_url:
        change.status = ChangeStatus.ACTION_REQUIRED
        change.gateway_reference = result.reference
        change.action_url = result.action_url
        db.session.commit()  # the protocol's second commit, with the gateway log
        return ChangeOutcome(Result.REDIRECT, action_url=result.action_url)
    change.status = ChangeStatus.FAILED
    change.decline_code = (result.decline or Decline.GATEWAY_ERROR).value
    db.session.commit()
    return ChangeOutcome(Result.FAILED, decline=result.decline or Decline.GATEWAY_ERROR)


def change_by_key(idempotency_key: str) -> MethodChange | None:
    """The change a gateway request was made for (the sandbox's page shows its figures)."""
    if not idempotency_key.startswith("method:"):
        return None
    return db.session.scalar(
        select(MethodChange).where(MethodChange.idempotency_key == idempotency_key)
    )


def _claim(change: MethodChange, target: ChangeStatus) -> bool:
    """Only a change still waiting for the member moves on, and only once."""
    claimed = db.session.execute(
        update(MethodChange)
        .where(MethodChange.id == change.id, MethodChange.status == ChangeStatus.ACTION_REQUIRED)
        .values(status=target)
    ).rowcount
    db.session.commit()  # the claim, before any call
    db.session.refresh(change)
    return claimed == 1


def cancel(user: User, change: MethodChange) -> ChangeOutcome:
    """The member turned back on PayPal's page: the agreement was never approved."""
    if not _claim(change, ChangeStatus.CANCELLED):
        log_security_event("payment_method.return_replayed", user_id=user.id, change=change.id)
        return ChangeOutcome(Result.REFUSED)
    return ChangeOutcome(Result.CANCELLED)


def finish(user: User, change: MethodChange, params: dict) -> ChangeOutcome:
    """The member is back from PayPal having approved: execute the agreement (its setup
    fee and currency checked against ours by the gateway, as at checkout) and charge the
    subscription to it from its next payment."""
    if not _claim(change, ChangeStatus.COMPLETING):
        log_security_event("payment_method.return_replayed", user_id=user.id, change=change.id)
        return ChangeOutcome(Result.REFUSED)
    subscription = db.session.get(Subscription, change.subscription_id)
    order = db.session.get(Order, subscription.order_id)
    expected = Expected(
        reference=order.reference,
        amount_cents=0,
        currency=change.currency,
        payment_reference=change.gateway_reference,
    )
    try:
        result = gateway_named(change.gateway).complete(expected, params)
    except GatewayTimeout:
        # PayPal replays its first answer to the same execute (a fixed request id per
        # token): the member may come back through the approval page and try again.
        change.status = ChangeStatus.ACTION_REQUIRED
        db.session.commit()
        return ChangeOutcome(Result.FAILED, decline=Decline.GATEWAY_ERROR)
    if result.decline is Decline.NOT_THIS_ORDER:
        # Someone else's token or a made-up one: ignored; the member's own approval still
        # waits for them untouched.
        log_security_event("payment_method.return_mismatch", user_id=user.id, change=change.id)
        change.status = ChangeStatus.ACTION_REQUIRED
        db.session.commit()
        return ChangeOutcome(Result.REFUSED)
    return _apply(user, change, subscription, result)


def _apply(
    user: User, change: MethodChange, subscription: Subscription, result: ChargeResult
) -> ChangeOutcome:
    method = None
    if result.outcome in (Outcome.SUCCEEDED, Outcome.AUTHORISED) and result.method is not None:
        method = keep_method(user.id, change.gateway, result.method)
        change.payment_method_id = method.id
        change.status = ChangeStatus.DONE
        # Only this subscription: another one keeps its own method (and agreement).
        subscription.payment_method_id = method.id
        outcome = ChangeOutcome(Result.DONE, method=method)
        log_security_event("payment_method.changed", user_id=user.id, change=change.id)
    elif result.outcome is Outcome.CANCELLED:
        change.status = ChangeStatus.CANCELLED
        outcome = ChangeOutcome(Result.CANCELLED)
    else:
        # Declined, a mismatch (the gateway cancelled that agreement), or still pending
        # at PayPal: the subscription keeps its method.
        if result.decline is Decline.AMOUNT_MISMATCH:
            log_security_event("payment_method.return_mismatch", user_id=user.id, change=change.id)
        change.status = ChangeStatus.FAILED
        change.decline_code = (result.decline or Decline.DECLINED).value
        outcome = ChangeOutcome(Result.FAILED, decline=result.decline or Decline.DECLINED)
    db.session.commit()  # what PayPal did, kept whatever happens later in the request
    return outcome
