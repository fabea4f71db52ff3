"""When a learner may take a quiz again.

Attempts come in rounds of `limit` (e.g. 3): within a round they follow one another
freely; once a round is used up, the next one opens `wait` (e.g. 24 hours) after its
last attempt. No limit means no wait. The best grade of all attempts is the one that
counts (app.domain.certificates), so trying again never costs a pass already made."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class AttemptRule:
    limit: int | None = 3
    wait: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Window:
    # None: an attempt may start now; else the instant the next one opens.
    opens_at: datetime | None
    # Attempts left before the next wait (None: no limit).
    left_in_round: int | None

    @property
    def is_open(self) -> bool:
        return self.opens_at is None


def window(previous: Sequence[datetime], rule: AttemptRule, now: datetime) -> Window:
    if rule.limit is None or rule.limit <= 0:
        return Window(None, None)
    used = len(previous) % rule.limit
    if used or not previous:
        return Window(None, rule.limit - used)
    opens = max(previous) + rule.wait
    if now >= opens:
        return Window(None, rule.limit)
    return Window(opens, 0)
