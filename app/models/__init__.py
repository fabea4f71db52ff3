from app.models.inquiry import Inquiry, InquiryKind, InquiryStatus
from app.models.legal import (
    DocumentKind,
    DocumentPdf,
    DocumentVersion,
    ImmutableDocumentError,
    PdfVariant,
)
from app.models.outbox import OutboxMessage
from app.models.user import RecoveryCode, Role, User

__all__ = [
    "DocumentKind",
    "DocumentPdf",
    "DocumentVersion",
    "ImmutableDocumentError",
    "Inquiry",
    "InquiryKind",
    "InquiryStatus",
    "OutboxMessage",
    "PdfVariant",
    "RecoveryCode",
    "Role",
    "User",
]
