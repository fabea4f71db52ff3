"""Settings → Forum: the name the forum shows, the signature under one's posts, and how
new replies and mentions are told by email. Every problem is reported at once, on its
field (DomainError); the request commits."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import forum as rules
from app.domain import notifications as notice_rules
from app.domain.errors import DomainError
from app.domain.notifications import EmailChoice
from app.extensions import db
from app.models import ForumProfile, User
from app.services.forum import profile_of

NAME_TAKEN = "taken"


def _taken(key: str, user_id: int) -> bool:
    owner = db.session.scalar(select(ForumProfile.user_id).where(ForumProfile.name_key == key))
    return owner is not None and owner != user_id


def update(user: User, display_name: str, signature: str, choice: str) -> ForumProfile:
    """The display name as typed (refused if it holds invisible characters), the
    signature cleaned (invisible characters removed, one line), the email choice."""
    name = (display_name or "").strip()
    errors: list[tuple[str | None, str]] = []
    problem = rules.name_problem(name)
    if problem:
        errors.append(("display_name", problem.value))
    elif _taken(rules.name_key(name), user.id):
        errors.append(("display_name", NAME_TAKEN))
    kept = notice_rules.clean_signature(signature)
    signature_problem = notice_rules.signature_problem(kept)
    if signature_problem:
        errors.append(("signature", signature_problem.value))
    if choice not in set(EmailChoice):
        errors.append(("email_choice", "unknown"))
    if errors:
        raise DomainError.of(errors)
    profile = profile_of(user)
    try:
        # Two members taking the same name at once: the unique name_key refuses one.
        with db.session.begin_nested():
            profile.display_name = name
            profile.name_key = rules.name_key(name)
            profile.signature = kept
            profile.email_choice = EmailChoice(choice)
            db.session.flush()
    except IntegrityError as error:
        db.session.refresh(profile)
        raise DomainError("display_name", NAME_TAKEN) from error
    return profile
