"""The forum's and private messages' requirements: open or path-only categories,
threads that take replies, suspensions, the author's edit window, a conversation's
participants."""

from flask import g

from app import clock
from app.access_rules.base import (
    Holds,
    Refusal,
    Requirement,
    owns_as_author,
    signed_in,
    standing_for,
)
from app.domain import forum as rules
from app.domain.entitlements import Feature, Standing
from app.extensions import db
from app.models import Conversation, ForumCategory, ForumPost, ForumProfile, ForumThread


def _category(obj) -> ForumCategory | None:
    if isinstance(obj, ForumPost):
        obj = obj.thread
    if isinstance(obj, ForumThread):
        obj = obj.category
    return obj if isinstance(obj, ForumCategory) else None


class OpenCategory(Requirement):
    """A category open to everyone (not limited to one Learning Path)."""

    def fulfilled(self, user, obj) -> bool:
        category = _category(obj)
        return category is not None and category.path_id is None


class PathMember(Requirement):
    """A member of the category's Learning Path: a Plus subscription for it in good
    standing (the path's forum is part of what Plus sells, §2.2a)."""

    def fulfilled(self, user, obj) -> bool:
        category = _category(obj)
        if category is None or category.path_id is None:
            return False
        return standing_for(user, Feature.PATH_FORUM, category.path_id) is Standing.HELD

    def refusal(self, user, obj) -> Refusal:
        return Holds(Feature.PATH_FORUM).refusal(user, _category(obj))


class ThreadOpen(Requirement):
    """A thread that takes replies (a category always takes new threads)."""

    def fulfilled(self, user, obj) -> bool:
        return self.refusal(user, obj) is None

    def refusal(self, user, obj) -> Refusal | None:
        if isinstance(obj, ForumPost):
            obj = obj.thread
        if not isinstance(obj, ForumThread):
            return None
        if obj.hidden:
            return Refusal.HIDDEN
        return Refusal.LOCKED if obj.locked else None


class NotSuspended(Requirement):
    """Not suspended from posting by moderation (shown until when)."""

    def fulfilled(self, user, obj) -> bool:
        until = suspended_until(user)
        return until is None or until <= clock.now()

    def refusal(self, user, obj) -> Refusal:
        return Refusal.SUSPENDED


class AuthorWithinWindow(Requirement):
    """The post's author, for 30 minutes after writing it."""

    def fulfilled(self, user, obj) -> bool:
        return (
            isinstance(obj, ForumPost)
            and owns_as_author(user, obj)
            and rules.may_edit(
                created_at=obj.created_at,
                now=clock.now(),
                deleted=obj.deleted_at is not None,
                hidden=obj.hidden_at is not None,
            )
        )


class Author(Requirement):
    def fulfilled(self, user, obj) -> bool:
        return owns_as_author(user, obj) and obj.deleted_at is None and obj.hidden_at is None


class Participant(Requirement):
    """In the conversation and not gone from it."""

    def fulfilled(self, user, obj) -> bool:
        return (
            signed_in(user)
            and isinstance(obj, Conversation)
            and any(m.user_id == user.id and m.left_at is None for m in obj.members)
        )


def suspended_until(user):
    """When the member's suspension from posting ends, if they have one (read once per
    request)."""
    if not signed_in(user):
        return None
    known = g.setdefault("access_suspensions", {})
    if user.id not in known:
        profile = db.session.get(ForumProfile, user.id)
        known[user.id] = profile.suspended_until if profile else None
    return known[user.id]
