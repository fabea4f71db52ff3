"""Who follows which thread, and each member's forum notifications (a reply in a thread
they follow, a mention of their name), with whether they read it and whether an email
told them of it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.notifications import NoticeKind
from app.extensions import db
from app.models.forum import ForumPost, ForumThread
from app.models.types import UTCDateTime, str_enum, utcnow


class ForumFollow(db.Model):
    __tablename__ = "forum_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The thread's followers are looked up at each reply.
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForumNotification(db.Model):
    __tablename__ = "forum_notifications"
    __table_args__ = (
        # One notice per member and post: a mention in a reply to a followed thread is
        # one notice, and an edit never makes a second.
        UniqueConstraint("user_id", "post_id"),
        # The member's list, newest first.
        Index("ix_forum_notifications_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind, 10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an email told of it (at once, or in a daily digest): never twice.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[ForumPost] = relationship()
    thread: Mapped[ForumThread] = relationship()
