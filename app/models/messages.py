"""Private messages: conversations between two or more members, who each keep how far
they have read (the unread counts) and may leave; and the members one has blocked."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.forum import ForumProfile
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(150))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    message_count: Mapped[int] = mapped_column(Integer, default=0)

    members: Mapped[list["ConversationMember"]] = relationship(
        back_populates="conversation", order_by="ConversationMember.id"
    )


class ConversationMember(db.Model):
    __tablename__ = "conversation_members"
    __table_args__ = (UniqueConstraint("conversation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Messages read: the conversation's message_count when they last opened it.
    read_count: Mapped[int] = mapped_column(Integer, default=0)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    conversation: Mapped[Conversation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
    profile: Mapped[ForumProfile | None] = relationship(
        primaryjoin="foreign(ConversationMember.user_id) == ForumProfile.user_id", viewonly=True
    )

    @property
    def unread(self) -> int:
        return max(self.conversation.message_count - self.read_count, 0)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("author_id", "submit_token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    submit_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
    author_profile: Mapped[ForumProfile | None] = relationship(
        primaryjoin="foreign(Message.author_id) == ForumProfile.user_id", viewonly=True
    )


class MemberBlock(db.Model):
    """`blocker` no longer receives messages from `blocked`."""

    __tablename__ = "member_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
