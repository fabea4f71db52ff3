"""Reports of posts and messages, and the log of every moderation action (who, what,
why, when), which is never changed once written."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.moderation import Action
from app.extensions import db
from app.models.forum import ForumPost, ForumThread
from app.models.messages import Message
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class Report(db.Model):
    __tablename__ = "moderation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    post: Mapped[ForumPost | None] = relationship()
    message: Mapped[Message | None] = relationship()


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[Action] = mapped_column(str_enum(Action, 20))
    reason: Mapped[str] = mapped_column(Text)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_reports.id"))
    days: Mapped[int | None] = mapped_column(Integer)
    # For a move: the category the thread left.
    detail: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    thread: Mapped[ForumThread | None] = relationship()
