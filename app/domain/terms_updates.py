"""A material change of the Terms (§1: duration, features or price): every subscriber is
told and has 30 days to cancel at no cost; after that, continuing counts as acceptance."""

from datetime import datetime, timedelta
from enum import StrEnum

NOTICE_DAYS = 30


class TermsResponse(StrEnum):
    ACCEPTED = "accepted"
    # Cancelled in answer to the change: free, effective at the period's end.
    CANCELLED = "cancelled"
    # Neither by the deadline: recorded by the billing job.
    CONTINUED_USE = "continued_use"


def deadline(published_at: datetime) -> datetime:
    return published_at + timedelta(days=NOTICE_DAYS)


def awaits_answer(
    material: bool, published_at: datetime, subscribed_at: datetime, now: datetime, answered: bool
) -> bool:
    """A subscriber who held a subscription when a material version was published, and
    has not answered, is asked until the deadline. Someone who subscribed after it
    accepted that version at checkout."""
    return (
        material and subscribed_at < published_at and not answered and now < deadline(published_at)
    )


def continued_use_due(
    material: bool, published_at: datetime, subscribed_at: datetime, now: datetime, answered: bool
) -> bool:
    """At the deadline, a subscriber who did not answer and stayed has accepted by
    continuing to use the service."""
    return (
        material and subscribed_at < published_at and not answered and now >= deadline(published_at)
    )
