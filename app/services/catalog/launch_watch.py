"""Waiting for an upcoming path: who asked to hear when it opens, and telling them when
it opens or its estimate moves."""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.errors import DomainError
from app.domain.launch import LaunchPeriod, Precision
from app.extensions import db
from app.links import public_url
from app.models import (
    Availability,
    LaunchWatch,
    LearningPath,
)
from app.services import mail, tokens
from app.services.catalog.pages import opened_relative_to_estimate, period_of

# --- waiting for a path to open ------------------------------------------------------


def watch(path: LearningPath, email: str, locale: str) -> None:
    """Remember someone who wants to hear when `path` opens. Asking twice is harmless and
    answers the same, so the form does not reveal who is already on the list."""
    if path.availability is not Availability.UPCOMING:
        raise DomainError("email", _l("This path is already open."))
    email = email.strip().lower()
    exists = db.session.scalar(
        select(LaunchWatch.id).where(LaunchWatch.path_id == path.id, LaunchWatch.email == email)
    )
    if exists:
        return
    period = period_of(path)
    watcher = LaunchWatch(
        path=path, email=email, locale=locale, told_period=period.key if period else None
    )
    try:
        with db.session.begin_nested():
            db.session.add(watcher)
    except IntegrityError:
        pass  # the same address, sent twice at once: one row is enough


def tell_watchers(path: LearningPath, was_upcoming: bool) -> None:
    if not was_upcoming:
        return
    watchers = db.session.scalars(
        select(LaunchWatch).where(
            LaunchWatch.path_id == path.id, LaunchWatch.opened_notified_at.is_(None)
        )
    ).all()
    path_url = public_url("catalog.path", slug=path.slug)
    if path.availability is Availability.OPEN:
        timing = opened_relative_to_estimate(path)
        for watcher in watchers:
            mail.send_template(
                watcher.email,
                "path_opened",
                watcher.locale,
                path_title=_title_in(path, watcher.locale),
                path_url=path_url,
                timing=timing,
            )
            watcher.opened_notified_at = clock.now()
        return
    period = period_of(path)
    earlier = (
        path.previous_launch_estimate is not None
        and path.launch_estimate < path.previous_launch_estimate
    )
    for watcher in watchers:
        if period is not None and watcher.told_period != period.key:
            with force_locale(watcher.locale):
                period_text = period_label(period)
            mail.send_template(
                watcher.email,
                "path_launch_moved",
                watcher.locale,
                path_title=_title_in(path, watcher.locale),
                path_url=path_url,
                period_text=period_text,
                earlier=earlier,
                stop_url=stop_link(watcher),
            )
            watcher.told_period = period.key


STOP_WATCHING = "launch-watch-stop"


def stop_link(watcher: LaunchWatch) -> str:
    """A link in the emails that stops them, for this address and this path only: it
    names the watch and a digest of its address (a watch id alone could be guessed)."""
    token = tokens.make(
        STOP_WATCHING,
        {"w": watcher.id, "p": watcher.path_id, "e": tokens.fingerprint(watcher.email)},
    )
    return public_url("catalog.stop_watching", token=token)


@dataclass(frozen=True)
class StopRequest:
    path: LearningPath | None
    watcher: LaunchWatch | None  # None once stopped (the link keeps working)


def stop_request(token: str) -> StopRequest:
    """Raises tokens.InvalidToken for a link that was altered or is too old."""
    data = tokens.read(STOP_WATCHING, token, current_app.config["LAUNCH_WATCH_STOP_MAX_AGE"])
    watcher = db.session.get(LaunchWatch, data.get("w"))
    if watcher is not None and tokens.fingerprint(watcher.email) != data.get("e"):
        watcher = None
    return StopRequest(db.session.get(LearningPath, data.get("p")), watcher)


def stop_watching(watcher: LaunchWatch) -> None:
    db.session.delete(watcher)
    db.session.flush()


def _title_in(path: LearningPath, locale: str) -> str:
    return (path.title_fr if locale == "fr" else path.title_en) or path.title_en


def period_label(period: LaunchPeriod) -> str:
    """ "March 2027" / "spring 2027" in the current locale (emails; pages use a macro)."""
    if period.precision is Precision.MONTH:
        return gettext(
            "in %(month)s", month=format_date(date(period.year, period.month, 1), "MMMM yyyy")
        )
    names = {
        "winter": gettext("in winter %(year)s", year=period.year),
        "spring": gettext("in spring %(year)s", year=period.year),
        "summer": gettext("in summer %(year)s", year=period.year),
        "autumn": gettext("in autumn %(year)s", year=period.year),
    }
    return names[period.season]


def watchers_count(path: LearningPath) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(LaunchWatch).where(LaunchWatch.path_id == path.id)
        )
        or 0
    )
