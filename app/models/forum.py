"""The forum: categories (some limited to one Learning Path's members), threads and
their posts, and each member's forum profile (the name shown there, instead of their
full name).

A post's place in its thread (`position`, 1 for the opening post) never changes: posts
are not removed (a deleted one stays as a tombstone, a hidden one as a notice), so the
posts of page N are positions 25(N-1)+1 to 25N, read from the (thread_id, position)
index — the last page of a long thread costs what the first does (no OFFSET)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.notifications import EmailChoice
from app.extensions import db
from app.models.catalog import LearningPath
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class ForumCategory(db.Model):
    __tablename__ = "forum_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(120))
    title_fr: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Only the members of this Learning Path (Plus) read and write here.
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="SET NULL"), index=True
    )

    path: Mapped[LearningPath | None] = relationship()


class ForumThread(db.Model):
    __tablename__ = "forum_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    # Posts in the thread, the opening one included (so replies = post_count - 1); the
    # next post takes position post_count + 1.
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    category: Mapped[ForumCategory] = relationship()
    author: Mapped[User] = relationship()
    author_profile: Mapped["ForumProfile | None"] = relationship(
        primaryjoin="foreign(ForumThread.author_id) == ForumProfile.user_id", viewonly=True
    )

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class ForumPost(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "position"),
        # The reply form's one-time token: the same form sent twice makes one post.
        UniqueConstraint("author_id", "submit_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id"))
    position: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # The body's sanitized HTML, made when it is written (app.services.markdown).
    html: Mapped[str] = mapped_column(Text)
    submit_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[ForumThread] = relationship()
    author: Mapped[User] = relationship()
    author_profile: Mapped["ForumProfile | None"] = relationship(
        primaryjoin="foreign(ForumPost.author_id) == ForumProfile.user_id", viewonly=True
    )

    @property
    def gone(self) -> bool:
        """Deleted by its author or hidden by moderation: its text is not shown."""
        return self.deleted_at is not None or self.hidden_at is not None


class ForumProfile(db.Model):
    """What the forum and messages show of a member, and their forum settings."""

    __tablename__ = "forum_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str] = mapped_column(String(30))
    # Lower-cased display name: unique, so that @name and "To:" find one member.
    name_key: Mapped[str] = mapped_column(String(30), unique=True)
    signature: Mapped[str] = mapped_column(String(300), default="")
    # Set by moderation: no posting nor messaging before this moment.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Mark all read": every thread whose last post is older than this counts as read.
    read_all_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Settings → Forum: how new replies and mentions are told by email (in-site always).
    email_choice: Mapped[EmailChoice] = mapped_column(
        str_enum(EmailChoice, 10), default=EmailChoice.DAILY, server_default="daily"
    )

    user: Mapped[User] = relationship()


class ForumRead(db.Model):
    """How far a member has read a thread: the last position they were shown."""

    __tablename__ = "forum_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
