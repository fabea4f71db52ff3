from app.models.inquiry import Inquiry, InquiryKind, InquiryStatus
from app.models.outbox import OutboxMessage
from app.models.user import RecoveryCode, Role, User

__all__ = [
    "Inquiry",
    "InquiryKind",
    "InquiryStatus",
    "OutboxMessage",
    "RecoveryCode",
    "Role",
    "User",
]
