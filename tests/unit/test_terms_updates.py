"""A material change of the Terms of Service (§1): 30 days to cancel at no cost, then
acceptance by continued use, recorded once."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.terms_updates import awaits_answer, continued_use_due, deadline

PUBLISHED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BEFORE = PUBLISHED - timedelta(days=40)
AFTER = PUBLISHED + timedelta(days=1)
DEADLINE = PUBLISHED + timedelta(days=30)


def test_the_deadline_is_30_days_after_publication():
    assert deadline(PUBLISHED) == DEADLINE


@pytest.mark.parametrize(
    "article, material, subscribed, now, answered, asked, continued",
    [
        ("§1 asked the next day", True, BEFORE, AFTER, False, True, False),
        ("§1 asked until the last second", True, BEFORE, DEADLINE - timedelta(seconds=1), False, True, False),
        ("§1 the deadline: continued use", True, BEFORE, DEADLINE, False, False, True),
        ("§1 answered: nothing more", True, BEFORE, AFTER, True, False, False),
        ("§1 answered, then the deadline", True, BEFORE, DEADLINE, True, False, False),
        ("§1 subscribed after: accepted at checkout", True, AFTER, AFTER, False, False, False),
        ("§1 not material: nobody asked", False, BEFORE, AFTER, False, False, False),
        ("§1 not material: no record", False, BEFORE, DEADLINE, False, False, False),
    ],
)  # fmt: skip
def test_who_is_asked_and_when_continued_use_is_recorded(
    article, material, subscribed, now, answered, asked, continued
):
    assert awaits_answer(material, PUBLISHED, subscribed, now, answered) is asked
    assert continued_use_due(material, PUBLISHED, subscribed, now, answered) is continued
