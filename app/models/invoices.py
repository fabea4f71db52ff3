"""Invoices and credit notes, their number counters, their PDFs, and refunds.

An issued invoice (or credit note) is a legal document: the ORM refuses to change or
delete one, and everything it prints (seller, buyer, lines, VAT) is copied onto the row
when it is issued, so a later change of settings or address never changes it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.payments import Payment
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceCounter(db.Model):
    """The last number given in one series ("F2026": the 2026 invoices). Its row is
    locked FOR UPDATE by the transaction that issues the next invoice, so numbers are
    given one at a time, and a rolled-back issue gives its number back."""

    __tablename__ = "invoice_counters"

    series: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(db.Model):
    """An invoice for one successful charge, or a credit note for one refund (then
    `credit_of_id` is the invoice it corrects). Amounts are positive, VAT included."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[InvoiceKind] = mapped_column(str_enum(InvoiceKind))
    series: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    # What the document and the member see, e.g. "F2026-000042".
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), index=True
    )
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="RESTRICT"), index=True
    )
    credit_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    refund_id: Mapped[int | None] = mapped_column(
        ForeignKey("refunds.id", ondelete="RESTRICT"), unique=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language it is written and rendered in.
    locale: Mapped[str] = mapped_column(String(5))
    currency: Mapped[str] = mapped_column(String(3))
    total_cents: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    # The period the charge pays for (last day included); None for a fee-only line.
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # [{"description", "amount_cents" (VAT incl.), "vat_rate_bp", "vat_cents"}]
    lines: Mapped[list] = mapped_column(JSON)
    # {"name", "address", "vat_number", "registration", "email"}
    seller: Mapped[dict] = mapped_column(JSON)
    buyer_name: Mapped[str] = mapped_column(String(120))
    buyer_address: Mapped[str | None] = mapped_column(Text)
    buyer_email: Mapped[str] = mapped_column(String(254))
    # "Visa •••• 4242", "PayPal (ada@example.org)".
    payment_method: Mapped[str] = mapped_column(String(120))
    # Credit notes: why the refund was made.
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()
    payment: Mapped[Payment] = relationship()
    credit_of: Mapped["Invoice | None"] = relationship(remote_side=[id])

    @property
    def net_cents(self) -> int:
        return self.total_cents - self.vat_cents

    @property
    def is_credit_note(self) -> bool:
        return self.kind is InvoiceKind.CREDIT_NOTE


# One invoice per charge: a settlement applied twice (Confirm, then the webhook) or a
# billing run repairing a crash cannot issue a second one.
Index(
    "uq_invoices_one_per_payment",
    Invoice.payment_id,
    unique=True,
    sqlite_where=text("kind = 'invoice'"),
    postgresql_where=text("kind = 'invoice'"),
)


class InvoicePdf(db.Model):
    """An invoice's PDF, rendered on its first download and then kept as it is: the
    document a member downloaded once is the one they get again."""

    __tablename__ = "invoice_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), unique=True
    )
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RefundStatus(StrEnum):
    # Row committed, the gateway not answered yet (or its answer lost).
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    REFUSED = "refused"


class Refund(db.Model):
    """Money given back on one payment, who decided it and why. A succeeded refund has
    its credit note."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), index=True
    )
    # `refund:<payment>:<n>`: the n-th refund asked on this payment.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    # The staff member or member who asked; None for a job.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[RefundStatus] = mapped_column(
        str_enum(RefundStatus), default=RefundStatus.PENDING
    )
    gateway_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payment: Mapped[Payment] = relationship()
    actor: Mapped[User | None] = relationship()


class ImmutableInvoiceError(RuntimeError):
    """Raised when something tries to change or delete an issued invoice or its PDF."""


@event.listens_for(Invoice, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableInvoiceError(f"invoice {target.reference} is issued and cannot change")


@event.listens_for(Invoice, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableInvoiceError(f"invoice {target.reference} is issued and cannot be deleted")


@event.listens_for(InvoicePdf, "before_update")
def _refuse_pdf_update(mapper, connection, target):
    raise ImmutableInvoiceError("an invoice's PDF is kept as first rendered")


@event.listens_for(InvoicePdf, "before_delete")
def _refuse_pdf_delete(mapper, connection, target):
    raise ImmutableInvoiceError("an invoice's PDF is kept as first rendered")
