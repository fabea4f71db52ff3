"""Material changes of the Terms of Service (§1): the subscribers are told by email and
on the site (a banner on every page) what changed and until when they may cancel at no
cost; they accept now or cancel (effective at the end of the paid period); at the
deadline the billing job records acceptance by continued use for those who stayed."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.subscriptions import LIVE_SUBSCRIPTION
from app.domain.subscriptions import SubscriptionStatus as S
from app.domain.terms_updates import (
    NOTICE_DAYS,
    TermsResponse,
    awaits_answer,
    continued_use_due,
    deadline,
)
from app.extensions import db
from app.links import public_url
from app.models import DocumentKind, DocumentVersion, Subscription, TermsAnswer, User
from app.services import mail, premium, subscriptions


def _material_query(since: datetime | None = None):
    query = select(DocumentVersion).where(
        DocumentVersion.kind == DocumentKind.TERMS, DocumentVersion.material.is_(True)
    )
    if since is not None:
        query = query.where(DocumentVersion.published_at > since)
    return query


def _material_versions(since: datetime | None = None) -> list[DocumentVersion]:
    return list(db.session.scalars(_material_query(since).order_by(DocumentVersion.published_at)))


def notice_start(now: datetime) -> datetime:
    """Versions published after this are within their notice period at `now`."""
    return now - timedelta(days=NOTICE_DAYS)


def announced_after(since):
    """Whether a material version was published after `since` (a value or a bound
    parameter; an EXISTS). Without one within the notice period, no member is asked
    anything (pending_for), so the header of every page asks this with its counts
    (app.services.member_header) and reads the versions only when there is one."""
    return _material_query(since=since).exists()


def _subscribed_since(user: User) -> datetime | None:
    """When the member's oldest live subscription was accepted (None: none live)."""
    held = subscriptions.subscriptions_of(user)
    return min((s.accepted_at for s in held), default=None)


def _answered(user: User, version: DocumentVersion) -> bool:
    return (
        db.session.scalar(
            select(TermsAnswer.id).where(
                TermsAnswer.user_id == user.id, TermsAnswer.version_id == version.id
            )
        )
        is not None
    )


def pending_for(user, now: datetime) -> list[DocumentVersion]:
    """The material versions this member is asked about now (the banner)."""
    if user is None or not user.is_authenticated:
        return []
    recent = _material_versions(since=notice_start(now))
    if not recent:
        return []
    since = _subscribed_since(user)
    if since is None:
        return []
    return [
        version
        for version in recent
        if awaits_answer(True, version.published_at, since, now, _answered(user, version))
    ]


def announce(version: DocumentVersion) -> int:
    """Email every member holding a live subscription accepted before `version`: what
    changed and the deadline. Returns how many were told."""
    if version.kind is not DocumentKind.TERMS or not version.material:
        return 0
    users = db.session.scalars(
        select(User)
        .join(Subscription, Subscription.user_id == User.id)
        .where(
            Subscription.status.in_(LIVE_SUBSCRIPTION),
            Subscription.accepted_at < version.published_at,
        )
        .distinct()
    )
    told = 0
    for user in users:
        locale = user.locale or "en"
        mail.send_template(
            user.email,
            "terms_changed",
            locale,
            user=user,
            version=version,
            summary=version.change_summary(locale),
            deadline=deadline(version.published_at),
            link=public_url("account.terms_update", label=version.label),
        )
        told += 1
    return told


def find_pending(user: User, label: str, now: datetime) -> DocumentVersion | None:
    return next((v for v in pending_for(user, now) if v.label == label), None)


def _record(user: User, version: DocumentVersion, response: TermsResponse, at: datetime) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(
                TermsAnswer(
                    user_id=user.id, version_id=version.id, response=response, answered_at=at
                )
            )
    except IntegrityError:  # answered meanwhile (another tab, the job): one answer
        return False
    return True


def accept(user: User, version: DocumentVersion) -> bool:
    return _record(user, version, TermsResponse.ACCEPTED, clock.now())


def cancel(user: User, version: DocumentVersion) -> bool:
    """Cancel in answer to the change, at no cost: every active subscription stops
    renewing and runs to the end of its paid period (one in reflection can still be
    withdrawn for free from the Premium tab)."""
    if not _record(user, version, TermsResponse.CANCELLED, clock.now()):
        return False
    for subscription in subscriptions.subscriptions_of(user):
        if subscription.status is S.ACTIVE:
            premium.cancel(user, subscription)
    return True


def record_continued_use(now: datetime) -> tuple[int, list[str]]:
    """The billing job's step: at each material version's deadline, "accepted by
    continued use" for every member who held a live subscription accepted before it
    and did not answer. Once per member and version (a second run adds nothing)."""
    done = 0
    for version in _material_versions():
        if now < deadline(version.published_at):
            continue
        users = db.session.scalars(
            select(User)
            .join(Subscription, Subscription.user_id == User.id)
            .where(
                Subscription.status.in_(LIVE_SUBSCRIPTION),
                Subscription.accepted_at < version.published_at,
            )
            .distinct()
        )
        for user in list(users):
            since = _subscribed_since(user)
            answered = _answered(user, version)
            if since is not None and continued_use_due(
                True, version.published_at, since, now, answered
            ):
                done += _record(user, version, TermsResponse.CONTINUED_USE, now)
    db.session.commit()
    return done, []
