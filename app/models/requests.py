"""A subscriber's request to Student Success about their contract (change of Learning
Path, force majeure) and the written decision on it; their answer to a material change
of the Terms."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.domain.requests import RequestKind, RequestStatus
from app.domain.terms_updates import TermsResponse
from app.extensions import db
from app.models.catalog import LearningPath
from app.models.subscriptions import Subscription
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class ContractRequest(db.Model):
    __tablename__ = "contract_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.OPEN, index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT"), index=True
    )
    # A path change: the path asked for.
    new_path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="RESTRICT")
    )
    explanation: Mapped[str] = mapped_column(Text)
    # Force majeure: the optional document, its type read from its bytes.
    document_name: Mapped[str | None] = mapped_column(String(200))
    document_type: Mapped[str | None] = mapped_column(String(40))
    document_size: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The written decision: who, when, and the message sent to the subscriber.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_message: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    subscription: Mapped[Subscription] = relationship()
    new_path: Mapped[LearningPath | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class TermsAnswer(db.Model):
    """A subscriber's answer to a material version of the Terms (§1): accepted, cancelled
    in answer to it, or (recorded by the billing job at the deadline) continued use.
    One per member and version; never changed."""

    __tablename__ = "terms_answers"
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="RESTRICT"))
    response: Mapped[TermsResponse] = mapped_column(str_enum(TermsResponse))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
