from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.user import User


def _enum(cls):
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class InquiryKind(StrEnum):
    """Where the question came from; staff see them all in one queue."""

    CONTACT = "contact"  # the Contact Student Success form
    PATH = "path"  # "Contact Us" on a Learning Path page
    ACCESSIBLE_FORMAT = "accessible_format"  # a document in another format


class InquiryStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class Inquiry(db.Model):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InquiryKind] = mapped_column(_enum(InquiryKind))
    # A code from the form's list of topics or inquiry types (labels live in the form).
    topic: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    order_reference: Mapped[str | None] = mapped_column(String(40))
    # What the inquiry is about, e.g. "path:web-developer" or "terms:2026-1".
    subject_ref: Mapped[str | None] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(5))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[InquiryStatus] = mapped_column(
        _enum(InquiryStatus), default=InquiryStatus.OPEN, index=True
    )
    reply: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def reference(self) -> str:
        """What the person quotes when they write again."""
        return f"Q-{self.id:06d}"
