"""Moderation rules (Terms §2.1a: the forum and messages are used within the General
Terms of Use, which staff enforce), by table."""

import pytest

from app.domain import moderation as rules
from app.domain.moderation import Action, ReasonProblem


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Insults", None),
        ("", ReasonProblem.EMPTY),
        ("   ", ReasonProblem.EMPTY),
        (None, ReasonProblem.EMPTY),
        ("x" * 1000, None),
        ("x" * 1001, ReasonProblem.TOO_LONG),
    ],
)
def test_2_1a_every_report_and_action_says_why(reason, expected):
    assert rules.reason_problem(reason) is expected


@pytest.mark.parametrize(
    ("days", "refused"),
    [(None, True), (0, True), (1, False), (365, False), (366, True), (-3, True)],
)
def test_2_1a_a_suspension_lasts_1_to_365_days(days, refused):
    assert rules.days_problem(days) is refused


@pytest.mark.parametrize(
    ("action", "told"),
    [
        (Action.HIDE_POST, True),
        (Action.RESTORE_POST, True),
        (Action.LOCK, True),
        (Action.MOVE, True),
        (Action.WARN, True),
        (Action.SUSPEND, True),
        (Action.PIN, False),
        (Action.DISMISS, False),
    ],
)
def test_2_1a_the_member_is_told_of_what_concerns_them(action, told):
    assert (action in rules.TOLD) is told


def test_2_1a_each_action_acts_on_one_thing():
    groups = [rules.THREAD_ACTIONS, rules.POST_ACTIONS, rules.MEMBER_ACTIONS]
    assert sum(len(g) for g in groups) + 1 == len(Action)  # + DISMISS
    assert not set.intersection(*map(set, groups))
