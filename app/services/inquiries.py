"""Questions to Student Success: submitted from several forms, answered from one queue."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.domain.errors import DomainError
from app.extensions import db
from app.models import Inquiry, InquiryKind, InquiryStatus, User
from app.services import mail


@dataclass(frozen=True)
class NewInquiry:
    kind: InquiryKind
    topic: str
    name: str
    email: str
    message: str
    locale: str
    phone: str | None = None
    order_reference: str | None = None
    subject_ref: str | None = None
    user_id: int | None = None


def submit(new: NewInquiry) -> Inquiry:
    inquiry = Inquiry(
        kind=new.kind,
        topic=new.topic,
        name=new.name.strip(),
        email=new.email.strip().lower(),
        phone=(new.phone or "").strip() or None,
        message=new.message.strip(),
        order_reference=(new.order_reference or "").strip() or None,
        subject_ref=new.subject_ref,
        locale=new.locale,
        user_id=new.user_id,
    )
    db.session.add(inquiry)
    db.session.flush()
    mail.send_template(inquiry.email, "inquiry_received", inquiry.locale, inquiry=inquiry)
    return inquiry


def queue(status: InquiryStatus | None = None) -> list[Inquiry]:
    query = select(Inquiry).order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
    if status is not None:
        query = query.where(Inquiry.status == status)
    return list(db.session.scalars(query))


def answer(inquiry: Inquiry, staff: User, reply: str) -> None:
    if inquiry.status is InquiryStatus.ANSWERED:
        raise DomainError("reply", _l("This inquiry has already been answered."))
    inquiry.reply = reply.strip()
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.answered_by = staff
    inquiry.answered_at = clock.now()
    mail.send_template(inquiry.email, "inquiry_answered", inquiry.locale, inquiry=inquiry)
    db.session.flush()
