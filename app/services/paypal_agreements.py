"""The billing job's step "PayPal agreements" (issue 13): a plan agreement (I-…) bills by
itself, so when the contract stops PayPal must be told, or it bills on.

For each PayPal plan agreement not yet cancelled, the state the subscriptions charged to
it call for (app.domain.paypal_agreements.desired_state) is compared with the one we last
set (`PaymentMethod.paypal_state`): cancelling or past due → suspend, running again →
re-activate, ended / terminated / withdrawn (or moved to another method) → cancel.

Like the other PayPal calls: the method is claimed (`paypal_claimed_at`, committed) before
the call and no transaction is open across it; the state PayPal now has is committed
after it. A second run, or a second process, calls nothing: the state already matches, or
the claim is fresh. A refusal or no answer leaves the state as it was (and the claim
released): the next run tries again, the other agreements go on."""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.domain.paypal_agreements import RESULT, AgreementState, action, desired_state
from app.extensions import db
from app.models import ChangeStatus, MethodChange, Order, PaymentMethod, Subscription
from app.payments import gateway_named
from app.services.billing import register_step


def _candidates() -> list[int]:
    return list(
        db.session.scalars(
            select(PaymentMethod.id)
            .where(
                PaymentMethod.kind == "paypal",
                PaymentMethod.gateway == "paypal",
                PaymentMethod.token.like("I-%"),
                or_(
                    PaymentMethod.paypal_state.is_(None),
                    PaymentMethod.paypal_state != AgreementState.CANCELLED.value,
                ),
            )
            .order_by(PaymentMethod.id)
        )
    )


def _wanted(method: PaymentMethod) -> AgreementState | None:
    """What the contract calls for; None: no subscription ever came of it (a checkout not
    finished yet), so nothing is decided."""
    statuses = list(
        db.session.scalars(
            select(Subscription.status).where(Subscription.payment_method_id == method.id)
        )
    )
    if not statuses:
        # The member moved their subscription to another method: the agreement would
        # bill beside it.
        # Only an agreement a subscription was signed with counts: at checkout, or from
        # Settings → Payment (app.services.paypal_method).
        signed = db.session.scalar(
            select(Subscription.id)
            .join(Order, Order.id == Subscription.order_id)
            .where(Order.payment_method_id == method.id)
            .limit(1)
        )
        if signed is None:
            signed = db.session.scalar(
                select(MethodChange.id)
                .where(
                    MethodChange.payment_method_id == method.id,
                    MethodChange.status == ChangeStatus.DONE,
                )
                .limit(1)
            )
        if signed is None:
            return None
    return desired_state(statuses)


def _claim(method_id: int, seen: str | None, now: datetime) -> bool:
    """Ours to call PayPal for: nobody is calling (or their claim is older than a call
    can last), and the state is still the one our decision was made on (another process
    may have set it meanwhile)."""
    stale = now - timedelta(seconds=current_app.config["GATEWAY_TIMEOUT_SECONDS"] + 10)
    same_state = (
        PaymentMethod.paypal_state.is_(None) if seen is None else PaymentMethod.paypal_state == seen
    )
    claimed = db.session.execute(
        update(PaymentMethod)
        .where(
            PaymentMethod.id == method_id,
            same_state,
            or_(PaymentMethod.paypal_claimed_at.is_(None), PaymentMethod.paypal_claimed_at < stale),
        )
        .values(paypal_claimed_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def sync(now: datetime) -> tuple[int, list[str]]:
    """(agreements changed at PayPal, what failed)."""
    ids = _candidates()
    db.session.commit()
    done, failed = 0, []
    for method_id in ids:
        try:
            method = db.session.get(PaymentMethod, method_id)
            wanted = _wanted(method)
            current = AgreementState(method.paypal_state) if method.paypal_state else None
            asked = action(current, wanted) if wanted else None
            token, seen = method.token, method.paypal_state
            db.session.commit()
            if asked is None or not _claim(method_id, seen, now):
                continue
            # A new id for every call: a suspend after a re-activation, or a retry after a
            # refusal, must not get PayPal's earlier answer replayed. A retry after a lost
            # answer is refused as "already so", which change_agreement counts as done.
            request_id = f"{asked.value}:{token}:{secrets.token_hex(8)}"
            change = gateway_named("paypal").change_agreement(token, asked, request_id)
            db.session.commit()  # the gateway log
            method = db.session.get(PaymentMethod, method_id)
            method.paypal_claimed_at = None
            if change.done:
                method.paypal_state = RESULT[asked].value
                done += 1
            db.session.commit()
        except Exception as error:  # one agreement does not stop the others
            db.session.rollback()
            _release(method_id)
            failed.append(f"agreement of method {method_id}: {type(error).__name__}: {error}")
            continue
        if not change.done:
            why = (change.error or {}).get("name") or "no answer"
            failed.append(f"agreement {token}: PayPal did not {asked.value} it ({why})")
    return done, failed


def _release(method_id: int) -> None:
    try:
        db.session.execute(
            update(PaymentMethod)
            .where(PaymentMethod.id == method_id)
            .values(paypal_claimed_at=None)
        )
        db.session.commit()
    except Exception:  # the claim goes stale on its own
        db.session.rollback()


# Last: the statuses of this run (cancellations ended, terminations) are already set.
register_step("PayPal agreements", sync)
