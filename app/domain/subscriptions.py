"""A subscription's life: its statuses, the moves allowed between them and the reasons
that justify each move, as the Terms of Service set them.

Waiting for a legal representative's consent (Terms §1) is not a subscription status: it
is the order's (`OrderStatus.AWAITING_CONSENT`), before any subscription exists. The
subscription is created once the order completes, in `initial_status(plan)`."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.orders import Plan


class SubscriptionStatus(StrEnum):
    # Plus: the seven days after acceptance (§6.2); nothing charged, free withdrawal.
    REFLECTION = "reflection"
    ACTIVE = "active"
    # Cancelled by the subscriber (or replaced by Plus): runs until the paid period ends.
    CANCELLING = "cancelling"
    # A charge failed (§3.2): service suspended at once, payment asked again.
    PAST_DUE = "past_due"
    # The last paid period is over (after a cancellation), or a path change replaced it.
    ENDED = "ended"
    # Ended early: unpaid after day 14, terminated within 3 months (§6.2), sanctioned.
    TERMINATED = "terminated"
    # Withdrawn: Solo within 14 days before first use (§6.1), Plus during reflection (§6.2).
    WITHDRAWN = "withdrawn"


S = SubscriptionStatus

# A subscription in one of these is a running contract: it blocks a second one of its
# plan (a past-due one too, until it is paid or terminated).
LIVE_SUBSCRIPTION = (S.REFLECTION, S.ACTIVE, S.CANCELLING, S.PAST_DUE)

# A subscription in one of these gives its plan's features. Past due suspends them at
# once (§3.2); the contract still runs.
ENTITLED = frozenset({S.REFLECTION, S.ACTIVE, S.CANCELLING})


def gives_features(status: SubscriptionStatus) -> bool:
    return status in ENTITLED


def is_suspended(status: SubscriptionStatus) -> bool:
    """The plan's features are held back until a payment is made."""
    return status is S.PAST_DUE


def last_day_if_replaced(
    status: SubscriptionStatus, current_period_end: date | None, ends_on: date | None
) -> date | None:
    """The day a Premium Solo ends when Premium Plus replaces it (§2.2a): an active one
    stops renewing and ends with the period already paid; one already cancelled keeps
    its end. None when Plus does not end it (past due: the balance comes first)."""
    if status is S.ACTIVE:
        return current_period_end
    if status is S.CANCELLING:
        return ends_on
    return None


def next_billing_date(
    status: SubscriptionStatus, anchor: date, current_period_end: date | None
) -> date | None:
    """When the subscription is charged next: the end of the paid period, or for Plus in
    reflection the day it ends (the anchor, §6.2). None when nothing more is to be
    charged as a renewal: cancelled, past due (a balance, §3.2) or over."""
    if status is S.ACTIVE:
        return current_period_end
    if status is S.REFLECTION:
        return anchor
    return None


def initial_status(plan: Plan) -> SubscriptionStatus:
    """Solo's first month is paid at Confirm; Plus starts with its reflection period, a
    path change's new subscription included (§2.2c: the same formalities)."""
    return S.REFLECTION if plan is Plan.PLUS else S.ACTIVE


ALLOWED: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    # Reflection ends with the first month charged (or failing to be), or is withdrawn;
    # a path change approved during it ends it with nothing charged.
    S.REFLECTION: frozenset({S.ACTIVE, S.PAST_DUE, S.WITHDRAWN, S.ENDED}),
    S.ACTIVE: frozenset({S.CANCELLING, S.PAST_DUE, S.WITHDRAWN, S.TERMINATED, S.ENDED}),
    # Cancellation can be undone before the end; a Solo's 14 days of withdrawal and a
    # Plus's 3 months of termination outlast it.
    S.CANCELLING: frozenset({S.ACTIVE, S.ENDED, S.WITHDRAWN, S.TERMINATED}),
    # Paid (service restored) or terminated. Not cancelled: the balance comes first.
    S.PAST_DUE: frozenset({S.ACTIVE, S.TERMINATED}),
    S.ENDED: frozenset(),
    S.TERMINATED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class InvalidTransition(ValueError):
    pass


def transition(current: SubscriptionStatus, target: SubscriptionStatus) -> SubscriptionStatus:
    if target not in ALLOWED[current]:
        raise InvalidTransition(f"{current} -> {target}")
    return target


class Reason(StrEnum):
    """Why a subscription's status changed: what the audit rows record."""

    ORDER_COMPLETED = "order_completed"
    REFLECTION_ENDED = "reflection_ended"
    CANCELLED_BY_MEMBER = "cancelled_by_member"
    REPLACED_BY_PLUS = "replaced_by_plus"
    CANCELLATION_UNDONE = "cancellation_undone"
    PERIOD_ENDED = "period_ended"
    PATH_CHANGED = "path_changed"
    WITHDRAWN_BEFORE_USE = "withdrawn_before_use"
    WITHDRAWN_IN_REFLECTION = "withdrawn_in_reflection"
    PAYMENT_FAILED = "payment_failed"
    BALANCE_PAID = "balance_paid"
    UNPAID = "unpaid"
    TERMINATED_BY_MEMBER = "terminated_by_member"
    FORCE_MAJEURE = "force_majeure"
    SANCTION = "sanction"


@dataclass(frozen=True)
class Move:
    """The moves a reason may justify, for which plans, and the Terms article behind it."""

    plans: frozenset[Plan]
    sources: frozenset[SubscriptionStatus]
    target: SubscriptionStatus
    article: str


BOTH = frozenset(Plan)
SOLO = frozenset({Plan.SOLO})
PLUS = frozenset({Plan.PLUS})

# How a subscription comes to be (the audit row with no previous status).
CREATION = frozenset({Reason.ORDER_COMPLETED})

# Every move between statuses, by reason. Together they make exactly ALLOWED (a test
# checks it): a move no reason explains is not allowed, and the other way round.
MOVES: dict[Reason, Move] = {
    Reason.REFLECTION_ENDED: Move(PLUS, frozenset({S.REFLECTION}), S.ACTIVE, "§6.2"),
    Reason.CANCELLED_BY_MEMBER: Move(BOTH, frozenset({S.ACTIVE}), S.CANCELLING, "§2.1d, §2.2g"),
    # Plus includes Solo: the Solo stops renewing and ends with its paid period.
    Reason.REPLACED_BY_PLUS: Move(SOLO, frozenset({S.ACTIVE}), S.CANCELLING, "§2.2a"),
    Reason.CANCELLATION_UNDONE: Move(BOTH, frozenset({S.CANCELLING}), S.ACTIVE, "§2.1d, §2.2g"),
    Reason.PERIOD_ENDED: Move(BOTH, frozenset({S.CANCELLING}), S.ENDED, "§2.1d, §2.2g"),
    Reason.PATH_CHANGED: Move(
        PLUS, frozenset({S.REFLECTION, S.ACTIVE, S.CANCELLING}), S.ENDED, "§2.2c"
    ),
    Reason.WITHDRAWN_BEFORE_USE: Move(
        SOLO, frozenset({S.ACTIVE, S.CANCELLING}), S.WITHDRAWN, "§6.1"
    ),
    Reason.WITHDRAWN_IN_REFLECTION: Move(PLUS, frozenset({S.REFLECTION}), S.WITHDRAWN, "§6.2"),
    # A renewal, or Plus's first month at the end of reflection, was refused.
    Reason.PAYMENT_FAILED: Move(BOTH, frozenset({S.ACTIVE, S.REFLECTION}), S.PAST_DUE, "§3.2"),
    Reason.BALANCE_PAID: Move(BOTH, frozenset({S.PAST_DUE}), S.ACTIVE, "§3.2"),
    Reason.UNPAID: Move(BOTH, frozenset({S.PAST_DUE}), S.TERMINATED, "§3.2"),
    Reason.TERMINATED_BY_MEMBER: Move(
        PLUS, frozenset({S.ACTIVE, S.CANCELLING, S.PAST_DUE}), S.TERMINATED, "§6.2"
    ),
    Reason.FORCE_MAJEURE: Move(
        PLUS, frozenset({S.ACTIVE, S.CANCELLING, S.PAST_DUE}), S.TERMINATED, "§6.2"
    ),
    Reason.SANCTION: Move(
        PLUS, frozenset({S.ACTIVE, S.CANCELLING, S.PAST_DUE}), S.TERMINATED, "§2.2e"
    ),
}


def check_reason(
    plan: Plan,
    current: SubscriptionStatus | None,
    target: SubscriptionStatus,
    reason: Reason,
) -> None:
    """Refuse an audit row that would say something untrue: a reason given for a move,
    or a plan, it does not explain. `current` is None when the subscription is created."""
    if current is None:
        fits = reason in CREATION and target is initial_status(plan)
    else:
        move = MOVES.get(reason)
        fits = (
            move is not None
            and plan in move.plans
            and current in move.sources
            and target is move.target
        )
    if not fits:
        raise InvalidTransition(f"{plan} {current} -> {target} is not {reason}")
