"""Private messages: starting a conversation, answering, reading (the unread counts),
leaving, blocking. Services flush; the request commits. Whether the member may see or
answer a conversation is asked of app.access by the views; the rules on the data (who
can be written to, how many new conversations an hour) are enforced here."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.domain import forum as rules
from app.domain.errors import DomainError
from app.extensions import db
from app.models import (
    Conversation,
    ConversationMember,
    ForumProfile,
    MemberBlock,
    Message,
    User,
)
from app.services.forum import profile_of
from app.services.markdown import render_post

MAX_RECIPIENTS = 10
# The conversation list, a page at a time: a long-standing member's hundreds of
# conversations would otherwise all be loaded and rendered on every visit.
CONVERSATIONS_PER_PAGE = 25


@dataclass(frozen=True)
class Problem:
    """A refusal's code and what it is about (a name), for the view's message."""

    code: str
    name: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- reading --------------------------------------------------------------------------


def conversation(conversation_id: int) -> Conversation | None:
    return db.session.scalar(
        select(Conversation)
        .where(Conversation.id == conversation_id)
        .options(selectinload(Conversation.members).selectinload(ConversationMember.profile))
    )


def membership_count(user: User) -> int:
    """How many conversations the member is in (not counting those they left)."""
    return db.session.scalar(
        select(func.count(ConversationMember.id)).where(
            ConversationMember.user_id == user.id, ConversationMember.left_at.is_(None)
        )
    )


def memberships(user: User, page: int = 1) -> list[ConversationMember]:
    """A page of the member's conversations, the latest message first."""
    size = CONVERSATIONS_PER_PAGE
    return list(
        db.session.scalars(
            select(ConversationMember)
            .join(Conversation, Conversation.id == ConversationMember.conversation_id)
            .where(ConversationMember.user_id == user.id, ConversationMember.left_at.is_(None))
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
            .limit(size)
            .offset((max(page, 1) - 1) * size)
            .options(
                selectinload(ConversationMember.conversation)
                .selectinload(Conversation.members)
                .selectinload(ConversationMember.profile)
            )
        )
    )


def unread_total(user_id):
    """The statement summing the member's unread messages (None when they are in no
    conversation); `user_id` a value or a bound parameter. app.services.member_header
    asks it with the header's other counts."""
    return (
        select(func.sum(Conversation.message_count - ConversationMember.read_count))
        .select_from(ConversationMember)
        .join(Conversation, Conversation.id == ConversationMember.conversation_id)
        .where(ConversationMember.user_id == user_id, ConversationMember.left_at.is_(None))
    )


def unread_from_total(total) -> int:
    return max(int(total or 0), 0)


@cache
def _unread_statement():
    # Built once per process (the header's poll asks it every 20 s on every open page):
    # building a statement and its cache key costs more than running it.
    return unread_total(bindparam("user_id"))


def unread_count(user: User) -> int:
    """Messages not read yet, over every conversation the member is in (one query)."""
    return unread_from_total(db.session.scalar(_unread_statement(), {"user_id": user.id}))


def messages_of(conv: Conversation, after: int = 0) -> list[Message]:
    """The conversation's messages, oldest first; `after`: only those after that id."""
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.conversation_id == conv.id, Message.id > after)
            .order_by(Message.id)
            .options(selectinload(Message.author_profile))
        )
    )


def membership(conv: Conversation, user: User) -> ConversationMember | None:
    return next((m for m in conv.members if m.user_id == user.id), None)


def mark_read(conv: Conversation, user: User) -> None:
    member = membership(conv, user)
    if member is not None and member.read_count != conv.message_count:
        member.read_count = conv.message_count
        db.session.flush()


def blocked_by(conv: Conversation, user: User) -> list[ForumProfile]:
    """The other participants who have blocked `user` (then user cannot write there)."""
    others = [m.user_id for m in conv.members if m.user_id != user.id and m.left_at is None]
    if not others:
        return []
    blockers = set(
        db.session.scalars(
            select(MemberBlock.blocker_id).where(
                MemberBlock.blocked_id == user.id, MemberBlock.blocker_id.in_(others)
            )
        )
    )
    return [m.profile for m in conv.members if m.user_id in blockers and m.profile]


def blocked_members(user: User) -> list[ForumProfile]:
    return list(
        db.session.scalars(
            select(ForumProfile)
            .join(MemberBlock, MemberBlock.blocked_id == ForumProfile.user_id)
            .where(MemberBlock.blocker_id == user.id)
            .order_by(ForumProfile.display_name)
        )
    )


# --- writing ----------------------------------------------------------------------------


def parse_names(text: str) -> list[str]:
    """ "@ana, bob  carl" -> ["ana", "bob", "carl"] (separated by commas or spaces)."""
    names = [part.strip().lstrip("@") for part in (text or "").replace(",", " ").split()]
    unique = {}
    for name in names:
        if name:
            unique.setdefault(rules.name_key(name), name)
    return list(unique.values())


def recipients(sender: User, text: str) -> list[ForumProfile]:
    """The members named in "To", or a DomainError on `to` saying what is wrong."""
    names = parse_names(text)
    if not names:
        raise DomainError("to", "empty")
    if len(names) > MAX_RECIPIENTS:
        raise DomainError("to", "too_many")
    found = {
        profile.name_key: profile
        for profile in db.session.scalars(
            select(ForumProfile).where(
                ForumProfile.name_key.in_([rules.name_key(n) for n in names])
            )
        )
    }
    chosen = []
    for name in names:
        profile = found.get(rules.name_key(name))
        if profile is None:
            raise DomainError("to", f"unknown:{name}")
        if profile.user_id == sender.id:
            raise DomainError("to", "self")
        chosen.append(profile)
    blockers = set(
        db.session.scalars(
            select(MemberBlock.blocker_id).where(
                MemberBlock.blocked_id == sender.id,
                MemberBlock.blocker_id.in_([p.user_id for p in chosen]),
            )
        )
    )
    for profile in chosen:
        if profile.user_id in blockers:
            raise DomainError("to", f"blocked:{profile.display_name}")
    return chosen


def started_last_hour(user: User) -> int:
    since = clock.now() - timedelta(hours=1)
    return db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.started_by_id == user.id, Conversation.created_at > since
        )
    )


def start(sender: User, to: str, subject: str, body: str) -> Conversation:
    limit = current_app.config["MESSAGES_NEW_PER_HOUR"]
    if not rules.may_start_conversation(started_last_hour(sender), limit):
        raise DomainError(None, "rate_limited")
    errors = []
    try:
        people = recipients(sender, to)
    except DomainError as error:
        errors += error.errors
        people = []
    subject = (subject or "").strip()
    problem = rules.title_problem(subject)
    if problem:
        errors.append(("subject", problem.value))
    problem = rules.body_problem(body)
    if problem:
        errors.append(("body", problem.value))
    if errors:
        raise DomainError.of(errors)
    profile_of(sender)
    now = clock.now()
    conv = Conversation(
        subject=subject, started_by_id=sender.id, created_at=now, last_message_at=now
    )
    db.session.add(conv)
    db.session.flush()
    for user_id in [sender.id, *(p.user_id for p in people)]:
        db.session.add(ConversationMember(conversation_id=conv.id, user_id=user_id))
    db.session.flush()
    _add_message(conv, sender, body, None)
    db.session.refresh(conv)
    return conv


def reply(conv: Conversation, author: User, body: str, token: str | None) -> Message:
    problem = rules.body_problem(body)
    if problem:
        raise DomainError("body", problem.value)
    if blocked_by(conv, author):
        raise DomainError(None, "blocked")
    token = token or None
    if token:
        existing = _message_with_token(author, token)
        if existing:
            return existing
    profile_of(author)
    try:
        with db.session.begin_nested():
            message = _add_message(conv, author, body, token)
    except IntegrityError:
        existing = _message_with_token(author, token) if token else None
        if existing is None:
            raise
        return existing
    return message


def _add_message(conv: Conversation, author: User, body: str, token: str | None) -> Message:
    now = clock.now()
    message = Message(
        conversation_id=conv.id,
        author_id=author.id,
        body=body,
        html=str(render_post(body)),
        submit_token=token,
        created_at=now,
    )
    db.session.add(message)
    db.session.execute(
        update(Conversation)
        .where(Conversation.id == conv.id)
        .values(message_count=Conversation.message_count + 1, last_message_at=now)
    )
    db.session.flush()
    db.session.refresh(conv, ["message_count", "last_message_at"])
    # The author has read what they wrote.
    db.session.execute(
        update(ConversationMember)
        .where(
            ConversationMember.conversation_id == conv.id,
            ConversationMember.user_id == author.id,
        )
        .values(read_count=conv.message_count)
    )
    db.session.flush()
    return message


def _message_with_token(author: User, token: str) -> Message | None:
    return db.session.scalar(
        select(Message).where(Message.author_id == author.id, Message.submit_token == token)
    )


def leave(conv: Conversation, user: User) -> None:
    member = membership(conv, user)
    if member is not None and member.left_at is None:
        member.left_at = clock.now()
        db.session.flush()


def block(blocker: User, blocked_id: int) -> None:
    if blocked_id == blocker.id:
        return
    exists = db.session.scalar(
        select(MemberBlock.id).where(
            MemberBlock.blocker_id == blocker.id, MemberBlock.blocked_id == blocked_id
        )
    )
    if exists is None:
        db.session.add(MemberBlock(blocker_id=blocker.id, blocked_id=blocked_id))
        db.session.flush()


def unblock(blocker: User, blocked_id: int) -> None:
    db.session.execute(
        MemberBlock.__table__.delete().where(
            MemberBlock.blocker_id == blocker.id, MemberBlock.blocked_id == blocked_id
        )
    )
    db.session.flush()
