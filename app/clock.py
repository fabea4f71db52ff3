"""The platform's clock: what time it is, and what day it is where the platform is.

Everything that asks "now" or "today" asks here, so that a test can move time by
patching `now` (``monkeypatch.setattr(clock, "now", ...)``) and every rule follows."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (as stored)."""
    return datetime.now(UTC)


def zone() -> ZoneInfo:
    """The platform's time zone (Europe/Paris): prices change and periods turn at
    midnight there."""
    return ZoneInfo(current_app.config["PLATFORM_TIMEZONE"])


def today() -> date:
    return now().astimezone(zone()).date()


def local_date(moment: datetime) -> date:
    """The platform-local date of an instant."""
    return moment.astimezone(zone()).date()
