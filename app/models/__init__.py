from app.models.catalog import (
    Availability,
    CatalogState,
    Certification,
    Chapter,
    Course,
    CurrencyRate,
    Exercise,
    ExerciseKind,
    LaunchWatch,
    LearningPath,
    Level,
    PathStep,
    Price,
    StepKind,
)
from app.models.inquiry import Inquiry, InquiryKind, InquiryStatus
from app.models.outbox import OutboxMessage
from app.models.user import RecoveryCode, Role, User

__all__ = [
    "Availability",
    "CatalogState",
    "Certification",
    "Chapter",
    "Course",
    "CurrencyRate",
    "Exercise",
    "ExerciseKind",
    "Inquiry",
    "InquiryKind",
    "InquiryStatus",
    "LaunchWatch",
    "LearningPath",
    "Level",
    "OutboxMessage",
    "PathStep",
    "Price",
    "RecoveryCode",
    "Role",
    "StepKind",
    "User",
]
