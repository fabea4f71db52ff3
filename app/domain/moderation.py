"""Moderation (Terms §2.1a: the forum and messages are used within the General Terms of
Use; staff enforce them): what staff may do, what each action needs, and how long a
suspension may last."""

from enum import StrEnum

MAX_REASON = 1000
MIN_DAYS, MAX_DAYS = 1, 365


class Action(StrEnum):
    HIDE_POST = "hide_post"
    RESTORE_POST = "restore_post"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    MOVE = "move"
    WARN = "warn"
    SUSPEND = "suspend"
    DISMISS = "dismiss"


# Actions on a thread, on a post, on a member; DISMISS closes a report and nothing else.
THREAD_ACTIONS = frozenset({Action.LOCK, Action.UNLOCK, Action.PIN, Action.UNPIN, Action.MOVE})
POST_ACTIONS = frozenset({Action.HIDE_POST, Action.RESTORE_POST})
MEMBER_ACTIONS = frozenset({Action.WARN, Action.SUSPEND})
# The member concerned is told of every action but a dismissed report (nothing happened
# to them) and a pin (it only puts their thread first).
TOLD = frozenset(Action) - {Action.DISMISS, Action.PIN, Action.UNPIN}


class ReasonProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


def reason_problem(reason: str | None) -> ReasonProblem | None:
    """Every report and every action says why."""
    if not reason or not reason.strip():
        return ReasonProblem.EMPTY
    if len(reason) > MAX_REASON:
        return ReasonProblem.TOO_LONG
    return None


def days_problem(days: int | None) -> bool:
    """True when a suspension's length is not 1 to 365 days."""
    return days is None or not MIN_DAYS <= days <= MAX_DAYS
