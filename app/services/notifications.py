"""Following threads and the forum's notifications: who follows what, who is told of a
new post (its thread's followers, the members it mentions) and how (always in the
site; by email at once or in the daily digest, as each chose in Settings → Forum).

Called by the forum's views once a post is written or edited; like every service, it
flushes and the request commits (app/web/transactions.py). Nobody is told of a post in
a thread they can no longer read (a path's category after their Plus ended, a hidden
thread): app.access decides, at the moment of the post."""

from flask import url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from app import clock
from app.access import Forum, can
from app.domain import notifications as rules
from app.domain.forum import name_key
from app.domain.notifications import EmailChoice, NoticeKind
from app.extensions import db
from app.models import (
    ForumFollow,
    ForumNotification,
    ForumPost,
    ForumProfile,
    ForumThread,
    MemberBlock,
    User,
)
from app.services import mail
from app.services.forum import profile_of
from app.services.mentions import mentioned_names, render_with_mentions

# The notifications page shows the latest ones; older ones are read by then.
LISTED = 50


# --- following --------------------------------------------------------------------------


def follows(user: User, thread: ForumThread) -> bool:
    return db.session.get(ForumFollow, (user.id, thread.id)) is not None


def follow(user: User, thread: ForumThread) -> None:
    if not follows(user, thread):
        db.session.add(ForumFollow(user_id=user.id, thread_id=thread.id, created_at=clock.now()))
        db.session.flush()


def unfollow(user: User, thread: ForumThread) -> None:
    db.session.execute(
        delete(ForumFollow).where(
            ForumFollow.user_id == user.id, ForumFollow.thread_id == thread.id
        )
    )
    db.session.flush()


# --- telling of a post ------------------------------------------------------------------


def post_written(post: ForumPost) -> None:
    """A new thread's first post or a reply: its author now follows the thread; the
    members it mentions and the thread's other followers are told. A second submit of
    the same form comes here with the same post, and tells nobody twice."""
    thread = post.thread
    author = post.author
    follow(author, thread)
    mentioned = _mentions(post)
    followers = db.session.scalars(
        select(User)
        .join(ForumFollow, ForumFollow.user_id == User.id)
        .where(ForumFollow.thread_id == thread.id, User.id != author.id)
    )
    told = _already_told(post) | _blocking(author)
    for member in mentioned:
        _tell(member, post, NoticeKind.MENTION, told)
    for member in followers:
        _tell(member, post, NoticeKind.REPLY, told)


def post_edited(post: ForumPost) -> None:
    """An edited post: the members it now mentions and were not told of it are."""
    told = _already_told(post) | _blocking(post.author)
    for member in _mentions(post):
        _tell(member, post, NoticeKind.MENTION, told)


def _mentions(post: ForumPost) -> list[User]:
    """The members the post mentions (its HTML marks them), the first MAX_MENTIONS
    of them to be told, its author never."""
    keys = list(dict.fromkeys(name_key(n) for n in mentioned_names(post.body)))
    if not keys:
        return []
    found = dict(
        db.session.execute(
            select(ForumProfile.name_key, ForumProfile.user_id).where(
                ForumProfile.name_key.in_(keys)
            )
        ).all()
    )
    if found:
        post.html = str(render_with_mentions(post.body, set(found)))
        db.session.flush()
    ids = rules.to_notify(
        [found[k] for k in keys if k in found], author=post.author_id, already=set()
    )
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [users[i] for i in ids if i in users]


def _already_told(post: ForumPost) -> set[int]:
    return set(
        db.session.scalars(
            select(ForumNotification.user_id).where(ForumNotification.post_id == post.id)
        )
    )


def _blocking(author: User) -> set[int]:
    """The members who blocked the author (Messages → Block): the author can no longer
    reach them, by a message, a mention or a reply in a thread they follow."""
    return set(
        db.session.scalars(
            select(MemberBlock.blocker_id).where(MemberBlock.blocked_id == author.id)
        )
    )


def _tell(member: User, post: ForumPost, kind: NoticeKind, told: set[int]) -> None:
    if member.id in told or not can(member, Forum.READ, post.thread) or post.thread.hidden:
        return
    told.add(member.id)
    notice = ForumNotification(
        user_id=member.id,
        post_id=post.id,
        thread_id=post.thread_id,
        kind=kind,
        created_at=clock.now(),
    )
    db.session.add(notice)
    if profile_of(member).email_choice is EmailChoice.IMMEDIATE:
        notice.emailed_at = notice.created_at
        _email_now(member, post, kind)
    db.session.flush()


def _email_now(member: User, post: ForumPost, kind: NoticeKind) -> None:
    mail.send_template(
        member.email,
        "forum_notice",
        member.locale or "en",
        name=profile_of(member).display_name,
        kind=kind,
        author=profile_of(post.author).display_name,
        thread_title=post.thread.title,
        link=notice_link(post, kind, external=True),
        settings=url_for("account.forum_settings", _external=True),
    )


def notice_link(post: ForumPost, kind: NoticeKind, external: bool = False) -> str:
    """A reply: the member's first unread post of the thread (where reading picks up); a
    mention: the post that mentions them."""
    if kind is NoticeKind.MENTION:
        return url_for("forum.post", post_id=post.id, _external=external)
    return url_for("forum.first_unread", thread_id=post.thread_id, _external=external)


# --- the member's list ------------------------------------------------------------------


def of(user: User) -> list[ForumNotification]:
    """The member's latest notifications, newest first, of threads they may still read."""
    found = db.session.scalars(
        select(ForumNotification)
        .where(ForumNotification.user_id == user.id)
        .order_by(ForumNotification.created_at.desc(), ForumNotification.id.desc())
        .limit(LISTED)
        .options(
            selectinload(ForumNotification.post).selectinload(ForumPost.author_profile),
            selectinload(ForumNotification.thread).selectinload(ForumThread.category),
        )
    )
    return [n for n in found if can(user, Forum.READ, n.thread) and not n.thread.hidden]


def unread_total(user_id):
    """The statement counting the member's unread notifications (`user_id` a value or a
    bound parameter; app.services.member_header asks it with the header's other counts)."""
    return select(func.count(ForumNotification.id)).where(
        ForumNotification.user_id == user_id, ForumNotification.read_at.is_(None)
    )


def unread_count(user: User) -> int:
    return db.session.scalar(unread_total(user.id))


def notification(notice_id: int) -> ForumNotification | None:
    return db.session.get(ForumNotification, notice_id)


def mark_read(notice: ForumNotification) -> None:
    if notice.read_at is None:
        notice.read_at = clock.now()
        db.session.flush()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(ForumNotification)
        .where(ForumNotification.user_id == user.id, ForumNotification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    db.session.flush()


def thread_seen(user: User, thread: ForumThread, position: int) -> None:
    """The member was shown the thread up to `position`: the notices of those posts
    are read (one UPDATE, whatever the thread's length)."""
    shown = select(ForumPost.id).where(
        ForumPost.thread_id == thread.id, ForumPost.position <= position
    )
    db.session.execute(
        update(ForumNotification)
        .where(
            ForumNotification.user_id == user.id,
            ForumNotification.thread_id == thread.id,
            ForumNotification.read_at.is_(None),
            ForumNotification.post_id.in_(shown),
        )
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
