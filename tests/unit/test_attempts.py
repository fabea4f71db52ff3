"""Terms §2.1a (quizzes): how many attempts, and when the next one opens."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.attempts import AttemptRule, window

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
THREE = AttemptRule(3, 24 * H)


def ago(*hours):
    return [NOW - h * H for h in hours]


@pytest.mark.parametrize(
    ("previous", "rule", "opens_at", "left"),
    [
        ([], THREE, None, 3),
        (ago(1), THREE, None, 2),
        (ago(3, 2), THREE, None, 1),
        (ago(3, 2, 1), THREE, NOW + 23 * H, 0),  # round used: 24 h after the last one
        (ago(30, 29, 24), THREE, None, 3),  # exactly 24 h later: open, a new round
        (ago(50, 49, 48, 2), THREE, None, 2),  # inside the second round
        (ago(50, 49, 48, 3, 2, 1), THREE, NOW + 23 * H, 0),
        (ago(1, 1, 1, 1, 1), AttemptRule(None), None, None),  # no limit
        (ago(1), AttemptRule(1, 0 * H), None, 1),  # no wait
    ],
)
def test_attempt_window(previous, rule, opens_at, left):
    found = window(previous, rule, NOW)
    assert found.opens_at == opens_at and found.left_in_round == left
    assert found.is_open is (opens_at is None)
