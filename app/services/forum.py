"""Forum use cases: listing categories and threads, reading a thread a page at a time,
starting threads, replying, editing and deleting one's posts. Services flush; the
request commits (app/web/transactions.py). Who may do what is asked of app.access by
the views before these are called; these enforce the rules on the data itself (a
body's length, the one-time form token)."""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.domain import forum as rules
from app.domain.errors import DomainError
from app.extensions import db
from app.models import ForumCategory, ForumPost, ForumProfile, ForumRead, ForumThread, User
from app.services.markdown import render_post


@dataclass(frozen=True)
class CategorySummary:
    category: ForumCategory
    threads: int
    last_post_at: object


@dataclass(frozen=True)
class PostPage:
    thread: ForumThread
    posts: list[ForumPost]
    page: int
    pages: int


def new_token() -> str:
    """A reply form's one-time token (a second submit of the same form is a no-op)."""
    return secrets.token_urlsafe(24)


# --- reading --------------------------------------------------------------------------


def category_by_slug(slug: str) -> ForumCategory | None:
    return db.session.scalar(select(ForumCategory).where(ForumCategory.slug == slug))


def categories() -> list[CategorySummary]:
    """Every category in order, with its visible threads' count and last activity (one
    query for the lot)."""
    stats = (
        select(
            ForumThread.category_id,
            func.count(ForumThread.id).label("threads"),
            func.max(ForumThread.last_post_at).label("last_post_at"),
        )
        .where(ForumThread.hidden.is_(False))
        .group_by(ForumThread.category_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ForumCategory, stats.c.threads, stats.c.last_post_at)
        .outerjoin(stats, stats.c.category_id == ForumCategory.id)
        .order_by(ForumCategory.position, ForumCategory.id)
    )
    return [CategorySummary(c, threads or 0, last) for c, threads, last in rows]


def thread_count(category: ForumCategory) -> int:
    return db.session.scalar(
        select(func.count(ForumThread.id)).where(
            ForumThread.category_id == category.id, ForumThread.hidden.is_(False)
        )
    )


def threads(category: ForumCategory, page: int) -> list[ForumThread]:
    """A page of the category's threads: pinned first, then by last activity."""
    size = rules.THREADS_PER_PAGE
    return list(
        db.session.scalars(
            select(ForumThread)
            .where(ForumThread.category_id == category.id, ForumThread.hidden.is_(False))
            .order_by(
                ForumThread.pinned.desc(), ForumThread.last_post_at.desc(), ForumThread.id.desc()
            )
            .options(selectinload(ForumThread.author_profile))
            .limit(size)
            .offset((page - 1) * size)
        )
    )


def thread(thread_id: int) -> ForumThread | None:
    """With its category, which every reader asks (app.access's READ, the breadcrumb):
    one query, not a second to lazy-load it."""
    return db.session.get(ForumThread, thread_id, options=[joinedload(ForumThread.category)])


def post(post_id: int) -> ForumPost | None:
    return db.session.get(ForumPost, post_id)


def post_page(thread: ForumThread, page: int) -> PostPage:
    """Page `page` of the thread (clamped to the last), read by position from the
    (thread_id, position) index: two queries whatever the page."""
    pages = rules.page_count(thread.post_count)
    page = min(max(page, 1), pages)
    first, last = rules.positions(page)
    posts = db.session.scalars(
        select(ForumPost)
        .where(ForumPost.thread_id == thread.id, ForumPost.position.between(first, last))
        .order_by(ForumPost.position)
        .options(selectinload(ForumPost.author_profile))
    )
    return PostPage(thread, list(posts), page, pages)


def posts_after(thread: ForumThread, position: int) -> list[ForumPost]:
    """Posts written after `position` (the polling of an open thread page)."""
    return list(
        db.session.scalars(
            select(ForumPost)
            .where(ForumPost.thread_id == thread.id, ForumPost.position > position)
            .order_by(ForumPost.position)
            .limit(rules.POSTS_PER_PAGE)
            .options(selectinload(ForumPost.author_profile))
        )
    )


# --- profiles ---------------------------------------------------------------------------


def profile_of(user: User) -> ForumProfile:
    """The member's forum profile, made with a default name the first time."""
    profile = db.session.get(ForumProfile, user.id)
    if profile is None:
        name = rules.default_name(user.name, user.id)
        suffix = 2
        while _name_taken(name, user.id):
            name, suffix = f"{rules.default_name(user.name, user.id)}-{suffix}", suffix + 1
        profile = ForumProfile(user_id=user.id, display_name=name, name_key=rules.name_key(name))
        db.session.add(profile)
        db.session.flush()
    return profile


def _name_taken(name: str, user_id: int) -> bool:
    owner = db.session.scalar(
        select(ForumProfile.user_id).where(ForumProfile.name_key == rules.name_key(name))
    )
    return owner is not None and owner != user_id


# --- writing ----------------------------------------------------------------------------


def _check_body(body: str) -> None:
    problem = rules.body_problem(body)
    if problem:
        raise DomainError("body", problem.value)


def start_thread(author: User, category: ForumCategory, title: str, body: str) -> ForumThread:
    title = (title or "").strip()
    errors = []
    title_problem = rules.title_problem(title)
    if title_problem:
        errors.append(("title", title_problem.value))
    body_problem = rules.body_problem(body)
    if body_problem:
        errors.append(("body", body_problem.value))
    if errors:
        raise DomainError.of(errors)
    profile_of(author)
    now = clock.now()
    thread = ForumThread(
        category_id=category.id,
        author_id=author.id,
        title=title,
        post_count=1,
        created_at=now,
        last_post_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    db.session.add(
        ForumPost(
            thread_id=thread.id,
            position=1,
            author_id=author.id,
            body=body,
            html=str(render_post(body)),
            created_at=now,
        )
    )
    db.session.flush()
    mark_read(author, thread, 1)
    return thread


def reply(author: User, thread: ForumThread, body: str, token: str | None) -> ForumPost:
    """Add a post at the end of the thread. The same form (token) sent again gives the
    post it made the first time, even when both arrive at once."""
    _check_body(body)
    token = token or None
    if token:
        existing = _post_with_token(author, token)
        if existing:
            return existing
    profile_of(author)
    now = clock.now()
    try:
        with db.session.begin_nested():
            # Taking the next position is the thread row's update: concurrent replies
            # queue on it (PostgreSQL row lock, SQLite's write lock) and get 6, 7, ...
            position = db.session.execute(
                update(ForumThread)
                .where(ForumThread.id == thread.id)
                .values(post_count=ForumThread.post_count + 1, last_post_at=now)
                .returning(ForumThread.post_count)
            ).scalar_one()
            new_post = ForumPost(
                thread_id=thread.id,
                position=position,
                author_id=author.id,
                body=body,
                html=str(render_post(body)),
                submit_token=token,
                created_at=now,
            )
            db.session.add(new_post)
            db.session.flush()
    except IntegrityError:
        existing = _post_with_token(author, token) if token else None
        if existing is None:
            raise
        return existing
    db.session.refresh(thread, ["post_count", "last_post_at"])
    mark_read(author, thread, new_post.position)  # one's own post is read
    return new_post


def _post_with_token(author: User, token: str) -> ForumPost | None:
    return db.session.scalar(
        select(ForumPost).where(ForumPost.author_id == author.id, ForumPost.submit_token == token)
    )


def edit(post: ForumPost, body: str) -> ForumPost:
    _check_body(body)
    if body != post.body:
        post.body = body
        post.html = str(render_post(body))
        post.edited_at = clock.now()
        db.session.flush()
    return post


def delete(post: ForumPost) -> None:
    """The author's own post: its text goes; a tombstone keeps its place in the thread."""
    post.deleted_at = clock.now()
    post.body = ""
    post.html = ""
    db.session.flush()


# --- what a member has read -------------------------------------------------------------


def first_unread(user: User, threads: list[ForumThread]) -> dict[int, int]:
    """Thread id -> position of the member's first unread post, for the threads they have
    not read all of (one query for the lot, plus their profile)."""
    if not threads:
        return {}
    profile = db.session.get(ForumProfile, user.id)
    read_all_at = profile.read_all_at if profile else None
    reads = dict(
        db.session.execute(
            select(ForumRead.thread_id, ForumRead.position).where(
                ForumRead.user_id == user.id, ForumRead.thread_id.in_([t.id for t in threads])
            )
        ).all()
    )
    found = {}
    for thread in threads:
        position = rules.first_unread(
            post_count=thread.post_count,
            read_position=reads.get(thread.id, 0),
            last_post_at=thread.last_post_at,
            read_all_at=read_all_at,
        )
        if position is not None:
            found[thread.id] = position
    return found


def mark_read(user: User, thread: ForumThread, position: int) -> None:
    """The member has been shown the thread up to `position`."""
    read = db.session.get(ForumRead, (user.id, thread.id))
    if read is None:
        db.session.add(ForumRead(user_id=user.id, thread_id=thread.id, position=position))
    elif read.position < position:
        read.position = position
    else:
        return
    db.session.flush()


def mark_all_read(user: User) -> None:
    profile_of(user).read_all_at = clock.now()
    db.session.flush()


def post_at(thread: ForumThread, position: int) -> ForumPost | None:
    return db.session.scalar(
        select(ForumPost).where(ForumPost.thread_id == thread.id, ForumPost.position == position)
    )
