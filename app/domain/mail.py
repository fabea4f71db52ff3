"""Outgoing mail: a message's statuses and when a failed delivery is tried again."""

from datetime import timedelta
from enum import StrEnum


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first or its next attempt
    SENT = "sent"  # the mail server accepted it (or the development outbox kept it)
    FAILED = "failed"  # the last attempt failed too: nobody tries again


# The wait after the 1st, 2nd, ... failed attempt. A mail server down for a few minutes
# costs a few minutes; one down for a day still gets the message out the next day.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait before trying again once `attempts` attempts have failed;
    None when that was the last one and the message has failed for good."""
    if attempts < 1:
        raise ValueError("a delay follows a failed attempt: attempts must be at least 1")
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempts - 1]
