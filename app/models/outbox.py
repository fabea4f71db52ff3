from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.mail import MailStatus
from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow


class OutboxMessage(db.Model):
    """An email, written in the transaction of the change that causes it and delivered
    after that transaction commits (app.services.mail_delivery). Kept once sent: the
    development outbox reads them back."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus), default=MailStatus.QUEUED)
    # Attempts started, counted when a deliverer claims the message: an attempt cut short
    # by a crash counts too, so a message that kills its deliverer cannot loop for ever.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The kind of the last failure (an exception's name, an SMTP code): never an address,
    # a server's words about a recipient or a credential.
    last_error: Mapped[str | None] = mapped_column(String(200))
    # Due from then while queued; None once sent or failed.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # The lease of the deliverer sending it: until it ends nobody else takes the message;
    # a deliverer that died lets it lapse and the message is taken again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# What the deliverers scan: the queued messages by due time. Sent ones pile up for ever,
# so the index keeps only the queue.
Index(
    "ix_outbox_messages_due",
    OutboxMessage.next_attempt_at,
    sqlite_where=text("status = 'queued'"),
    postgresql_where=text("status = 'queued'"),
)
