"""Published versions of the legal documents (Terms of Service, Code of Conduct) and the
PDFs rendered from them. A published version never changes: a new text is a new row."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.orders import Plan
from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow
from app.models.user import User


class DocumentKind(StrEnum):
    TERMS = "terms"
    CODE_OF_CONDUCT = "code_of_conduct"


class PdfVariant(StrEnum):
    STANDARD = "standard"
    LARGE_PRINT = "large_print"


class ImmutableDocumentError(RuntimeError):
    """Raised when something tries to change or delete a published version."""


class DocumentVersion(db.Model):
    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("kind", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(
        Enum(
            DocumentKind,
            native_enum=False,
            length=32,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )
    # What the URL and the acceptance records quote, e.g. "2026-11".
    label: Mapped[str] = mapped_column(String(20))
    body_en: Mapped[str] = mapped_column(Text)
    body_fr: Mapped[str] = mapped_column(Text)
    change_summary_en: Mapped[str] = mapped_column(Text)
    change_summary_fr: Mapped[str] = mapped_column(Text)
    # A change of duration, features or price: subscribers get 30 days to cancel (§1).
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()

    def body(self, locale: str) -> str:
        return self.body_fr if locale == "fr" else self.body_en

    def change_summary(self, locale: str) -> str:
        return self.change_summary_fr if locale == "fr" else self.change_summary_en


class DocumentPdf(db.Model):
    """The PDF of one version in one language and layout, rendered once and kept."""

    __tablename__ = "document_pdfs"
    __table_args__ = (UniqueConstraint("version_id", "locale", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5))
    variant: Mapped[PdfVariant] = mapped_column(
        Enum(
            PdfVariant,
            native_enum=False,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # What it was rendered from (legal_documents.render_key): another key means stale.
    render_key: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TermsPrice(db.Model):
    """A material version's new monthly price for one plan (and, for Plus, one path):
    a subscriber from before the version renews at it once they accepted the version,
    now or by continued use at the deadline (§1); until then, at their locked price."""

    __tablename__ = "terms_prices"
    __table_args__ = (UniqueConstraint("version_id", "plan", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="RESTRICT"), index=True
    )
    plan: Mapped[Plan] = mapped_column(str_enum(Plan))
    # None for Solo (one price for the plan).
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="RESTRICT")
    )
    monthly_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")


# Published versions are immutable: the ORM refuses any update or delete of one.
# (Only the author link may be cleared, by the database, when an account is deleted.)
@event.listens_for(DocumentVersion, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableDocumentError(f"{target.kind} {target.label} is published and cannot change")


@event.listens_for(DocumentVersion, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableDocumentError(f"{target.kind} {target.label} is published and cannot be deleted")
