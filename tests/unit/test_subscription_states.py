"""The subscription's state machine, pair by pair: every (from, to) is allowed or
refused, with the Terms article that says so."""

import itertools

import pytest

from app.domain.orders import Plan
from app.domain.subscriptions import (
    ALLOWED,
    ENTITLED,
    LIVE_SUBSCRIPTION,
    MOVES,
    InvalidTransition,
    Reason,
    SubscriptionStatus,
    check_reason,
    gives_features,
    initial_status,
    is_suspended,
    transition,
)

S = SubscriptionStatus

# The allowed moves and why; every pair not listed here is refused.
EXPECTED = {
    (S.REFLECTION, S.ACTIVE): "§6.2 reflection ends, the first month is charged",
    (S.REFLECTION, S.PAST_DUE): "§3.2 the first month's charge fails",
    (S.REFLECTION, S.WITHDRAWN): "§6.2 withdrawal during reflection, at no cost",
    (S.REFLECTION, S.ENDED): "§2.2c a path change approved during reflection",
    (S.ACTIVE, S.CANCELLING): "§2.1d §2.2g cancelled: ends with the period; Solo replaced by Plus",
    (S.ACTIVE, S.PAST_DUE): "§3.2 a renewal fails: suspended at once",
    (S.ACTIVE, S.WITHDRAWN): "§6.1 Solo withdrawal within 14 days, before first use",
    (
        S.ACTIVE,
        S.TERMINATED,
    ): "§6.2 Plus termination within 3 months; force majeure; §2.2e sanction",
    (S.ACTIVE, S.ENDED): "§2.2c a path change ends the old subscription",
    (S.CANCELLING, S.ACTIVE): "§2.1d §2.2g the cancellation undone before the end",
    (S.CANCELLING, S.ENDED): "§2.1d §2.2g the paid period is over",
    (S.CANCELLING, S.WITHDRAWN): "§6.1 the 14 days outlast a cancellation",
    (S.CANCELLING, S.TERMINATED): "§6.2 the 3 months outlast a cancellation; §2.2e",
    (S.PAST_DUE, S.ACTIVE): "§3.2 paid: service restored",
    (S.PAST_DUE, S.TERMINATED): "§3.2 still unpaid after day 14",
}

REFUSED = {
    (
        S.REFLECTION,
        S.CANCELLING,
    ): "§6.2 in reflection, leaving is withdrawing (nothing is paid yet)",
    (S.REFLECTION, S.TERMINATED): "§6.2 in reflection, withdrawal is free: no termination fee",
    (S.PAST_DUE, S.CANCELLING): "§3.2 cancelling would restore the service without payment",
    (S.PAST_DUE, S.ENDED): "§3.2 the balance is settled or the contract terminated",
    (S.PAST_DUE, S.WITHDRAWN): "§6.1 §6.2 the service was used and charged",
    (S.CANCELLING, S.PAST_DUE): "§2.1d nothing is charged after a cancellation",
    (S.ACTIVE, S.REFLECTION): "§6.2 reflection happens once, from acceptance",
}


def pairs():
    for current, target in itertools.product(S, S):
        why = EXPECTED.get((current, target)) or REFUSED.get((current, target))
        if why is None:
            if not ALLOWED[current]:
                why = "final: ended for good"
            elif current is target:
                why = "not a change"
            else:
                why = "no rule of the Terms leads there"
        # Test ids in ASCII: "Terms 6.2" for §6.2.
        yield pytest.param(current, target, id=f"{current}->{target}: {why}".replace("§", "Terms "))


@pytest.mark.parametrize(("current", "target"), list(pairs()))
def test_every_move(current, target):
    if (current, target) in EXPECTED:
        assert transition(current, target) is target
    else:
        with pytest.raises(InvalidTransition):
            transition(current, target)


def test_ended_terminated_and_withdrawn_are_final():
    assert {status for status, targets in ALLOWED.items() if not targets} == {
        S.ENDED,
        S.TERMINATED,
        S.WITHDRAWN,
    }


def test_features_during_reflection_active_and_cancelling_only():
    assert {status for status in S if gives_features(status)} == ENTITLED
    assert {S.REFLECTION, S.ACTIVE, S.CANCELLING} == ENTITLED
    # Past due is still a running contract (it blocks a second Solo) with service suspended.
    assert S.PAST_DUE in LIVE_SUBSCRIPTION and is_suspended(S.PAST_DUE)
    assert [status for status in S if is_suspended(status)] == [S.PAST_DUE]


def test_first_status_by_plan():
    assert initial_status(Plan.SOLO) is S.ACTIVE  # the first month is paid at Confirm
    assert initial_status(Plan.PLUS) is S.REFLECTION  # §6.2


# --- reasons -----------------------------------------------------------------------------


def test_the_reasons_explain_exactly_the_allowed_moves():
    explained = {(source, move.target) for move in MOVES.values() for source in move.sources}
    allowed = {(current, target) for current, targets in ALLOWED.items() for target in targets}
    assert explained == allowed


@pytest.mark.parametrize(
    ("plan", "current", "target", "reason"),
    [
        (Plan.SOLO, None, S.ACTIVE, Reason.ORDER_COMPLETED),
        (Plan.PLUS, None, S.REFLECTION, Reason.ORDER_COMPLETED),
        (Plan.SOLO, S.ACTIVE, S.CANCELLING, Reason.REPLACED_BY_PLUS),
        (Plan.SOLO, S.ACTIVE, S.WITHDRAWN, Reason.WITHDRAWN_BEFORE_USE),
        (Plan.PLUS, S.REFLECTION, S.WITHDRAWN, Reason.WITHDRAWN_IN_REFLECTION),
        (Plan.PLUS, S.REFLECTION, S.PAST_DUE, Reason.PAYMENT_FAILED),
        (Plan.PLUS, S.ACTIVE, S.TERMINATED, Reason.FORCE_MAJEURE),
        (Plan.SOLO, S.PAST_DUE, S.TERMINATED, Reason.UNPAID),
    ],
)
def test_a_reason_that_explains_the_move(plan, current, target, reason):
    check_reason(plan, current, target, reason)


@pytest.mark.parametrize(
    ("plan", "current", "target", "reason"),
    [
        # Solo starts active (paid), Plus in reflection.
        (Plan.SOLO, None, S.REFLECTION, Reason.ORDER_COMPLETED),
        (Plan.PLUS, None, S.ACTIVE, Reason.ORDER_COMPLETED),
        (Plan.SOLO, None, S.ACTIVE, Reason.REFLECTION_ENDED),
        # Only a Solo is replaced by Plus; a Plus past its reflection cannot withdraw.
        (Plan.PLUS, S.ACTIVE, S.CANCELLING, Reason.REPLACED_BY_PLUS),
        (Plan.PLUS, S.ACTIVE, S.WITHDRAWN, Reason.WITHDRAWN_BEFORE_USE),
        # Solo has no 3-month termination (§6.2 is Plus's) nor a path to change.
        (Plan.SOLO, S.ACTIVE, S.TERMINATED, Reason.TERMINATED_BY_MEMBER),
        (Plan.SOLO, S.ACTIVE, S.ENDED, Reason.PATH_CHANGED),
        # A true reason for another move.
        (Plan.SOLO, S.ACTIVE, S.ENDED, Reason.PERIOD_ENDED),
        (Plan.SOLO, S.ACTIVE, S.TERMINATED, Reason.CANCELLED_BY_MEMBER),
    ],
)
def test_a_reason_that_does_not(plan, current, target, reason):
    with pytest.raises(InvalidTransition):
        check_reason(plan, current, target, reason)
