from app.models.outbox import OutboxMessage
from app.models.user import RecoveryCode, Role, User

__all__ = ["OutboxMessage", "RecoveryCode", "Role", "User"]
