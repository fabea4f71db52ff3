"""The forum's daily digest (`flask forum digest`): one email per member who chose it,
listing the threads with news since the last digest — new replies in the threads they
follow, mentions of their name — each with a link to where to read on. A notice is in
one digest at most (its emailed_at is set), so running the job twice sends nothing new;
a notice already read in the site, of a post since deleted or hidden, or of a thread the
member may no longer read, is left out."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access import Forum, can
from app.domain.notifications import EmailChoice, NoticeKind
from app.extensions import db
from app.models import ForumNotification, ForumProfile, User
from app.services import mail
from app.services.notifications import notice_link

# A digest tells of the last days' news: a missed run is caught up by the next one, and
# a member who turns the digest on later is not sent their old notices.
WINDOW = timedelta(days=2)


@dataclass
class ThreadNews:
    title: str
    link: str
    replies: int = 0
    mentions: list[str] = field(default_factory=list)


def send(now: datetime) -> int:
    """Queue every digest due at `now`; the number of emails queued. Outside a request
    (the CLI), the links are built for the public address."""
    if has_request_context():
        return _send(now)
    base_url = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    with current_app.test_request_context(base_url=base_url):
        return _send(now)


def _send(now: datetime) -> int:
    pending = db.session.scalars(
        select(ForumNotification)
        .join(ForumProfile, ForumProfile.user_id == ForumNotification.user_id)
        .where(
            ForumProfile.email_choice == EmailChoice.DAILY,
            ForumNotification.emailed_at.is_(None),
            ForumNotification.read_at.is_(None),
            ForumNotification.created_at <= now,
            ForumNotification.created_at > now - WINDOW,
        )
        .order_by(ForumNotification.user_id, ForumNotification.created_at)
        .options(selectinload(ForumNotification.post), selectinload(ForumNotification.thread))
    )
    by_member: dict[int, list[ForumNotification]] = defaultdict(list)
    for notice in pending:
        by_member[notice.user_id].append(notice)
    sent = 0
    for user_id, notices in by_member.items():
        member = db.session.get(User, user_id)
        news = _news(member, notices)
        for notice in notices:
            notice.emailed_at = now
        if news:
            profile = db.session.get(ForumProfile, user_id)
            mail.send_template(
                member.email,
                "forum_digest",
                member.locale or "en",
                name=profile.display_name,
                threads=news,
                settings=url_for("account.forum_settings", _external=True),
            )
            sent += 1
    db.session.flush()
    return sent


def _news(member: User, notices: list[ForumNotification]) -> list[ThreadNews]:
    """The member's news by thread, in the order it came, of the threads they may read."""
    threads: dict[int, ThreadNews] = {}
    for notice in notices:
        thread = notice.thread
        # A post deleted or hidden since: nothing left to read there.
        if notice.post.gone or thread.hidden or not can(member, Forum.READ, thread):
            continue
        news = threads.get(thread.id)
        if news is None:
            news = threads[thread.id] = ThreadNews(
                thread.title, notice_link(notice.post, NoticeKind.REPLY, external=True)
            )
        if notice.kind is NoticeKind.MENTION:
            news.mentions.append(notice_link(notice.post, NoticeKind.MENTION, external=True))
        else:
            news.replies += 1
    return list(threads.values())
