"""Who may do what, now: `can(user, action, obj=None)` answers from the user's role, their
ownership of `obj` and the entitlements of their live subscriptions. Views use
`@requires(action)` (or `check(action)` in a blueprint's before_request); templates ask
through the `can` and `why_not` globals, for the current user.

Each action names a requirement; requirements compose with `&` and `|` (as FlaskBB's
do), so a new rule is one line in PERMISSIONS.

What the roles get:
- Staff: the staff area, the mentor area (they follow mentoring and record the sanctions
  it leads to, §2.2e) and every member's records (support; invoices, §6).
- Mentors: the mentor area.
- Neither gets a learner's paid features without a subscription: exercises,
  certificates, the forum and messages are what a plan is paid for (§2.1a, §2.2a), and a
  staff member or mentor who wants them subscribes. Moderation (hide, lock, pin) will be
  an action of its own for staff, not a way into posting.

A subscription gives its plan's features while in reflection, active or cancelling;
past due suspends them at once (§3.2): `why_not` then answers PAYMENT_DUE, so a page
can say so instead of offering to subscribe.

The subscriptions are read once per request, on `g` and per user, never in a cache
that outlives the request. The objects are kept, so a status changed during the request
is seen at once; a subscription created during the request is seen from the next one
(Confirm always redirects)."""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from flask import Flask, abort, g
from flask_login import current_user

from app import clock
from app.domain import forum as rules
from app.domain.entitlements import Feature, Holding, Standing, standing
from app.extensions import db, login_manager
from app.models import (
    Conversation,
    ForumCategory,
    ForumPost,
    ForumProfile,
    ForumThread,
    LearningPath,
    Role,
)
from app.services import premium, subscriptions

__all__ = [
    "Area",
    "Feature",
    "Forum",
    "Messages",
    "Record",
    "Refusal",
    "can",
    "check",
    "requires",
    "why_not",
]


class Area(StrEnum):
    """Parts of the site for a role."""

    STAFF = "staff_area"
    MENTOR = "mentor_area"


class Record(StrEnum):
    """A member's own records: orders, subscriptions, invoices. A view refused one
    answers 404, not 403, so that another member's record is not even known to exist."""

    VIEW = "view_record"
    # Change it (cancel a subscription...): its owner alone; staff act from /staff.
    CHANGE = "change_record"


class Forum(StrEnum):
    """The forum. READ and POST take a category, a thread or a post; EDIT and DELETE a
    post. A category or thread refused for READ answers 404 (a Learning Path's
    category is not even known to outsiders)."""

    READ = "forum_read"
    POST = "forum_post_in"
    EDIT = "forum_edit_post"
    DELETE = "forum_delete_post"
    MODERATE = "forum_moderate"


class Messages(StrEnum):
    """Private messages. VIEW and REPLY take a conversation: refused, it answers 404."""

    START = "messages_start"
    VIEW = "conversation_view"
    REPLY = "conversation_reply"


Action = Feature | Area | Record | Forum | Messages


class Refusal(StrEnum):
    """Why `can` said no, for a page that explains it."""

    SIGN_IN = "sign_in"
    # A plan gives it and the user holds none that does.
    SUBSCRIBE = "subscribe"
    # Their plan gives it, suspended until a payment is made (§3.2).
    PAYMENT_DUE = "payment_due"
    FORBIDDEN = "forbidden"
    # Forum: the thread takes no replies; the member may not post for a while.
    LOCKED = "locked"
    HIDDEN = "hidden"
    SUSPENDED = "suspended"


# --- requirements ------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class Requirement:
    """One condition on (user, obj). Combine with `&` and `|`."""

    def fulfilled(self, user, obj) -> bool:
        raise NotImplementedError

    def refusal(self, user, obj) -> Refusal:
        """Why it is not fulfilled, for a signed-in user."""
        return Refusal.FORBIDDEN

    def __and__(self, other: "Requirement") -> "Requirement":
        return AllOf(self, other)

    def __or__(self, other: "Requirement") -> "Requirement":
        return AnyOf(self, other)


class AllOf(Requirement):
    def __init__(self, *parts: Requirement):
        self.parts = parts

    def fulfilled(self, user, obj) -> bool:
        return all(part.fulfilled(user, obj) for part in self.parts)

    def refusal(self, user, obj) -> Refusal:
        """The first part not fulfilled explains (so the weightiest comes first)."""
        for part in self.parts:
            if not part.fulfilled(user, obj):
                return part.refusal(user, obj)
        return Refusal.FORBIDDEN

    def __repr__(self) -> str:
        return f"AllOf{self.parts!r}"


class AnyOf(Requirement):
    def __init__(self, *parts: Requirement):
        self.parts = parts

    def fulfilled(self, user, obj) -> bool:
        return any(part.fulfilled(user, obj) for part in self.parts)

    def refusal(self, user, obj) -> Refusal:
        """The last alternative explains (the one a member can do something about)."""
        return self.parts[-1].refusal(user, obj)

    def __repr__(self) -> str:
        return f"AnyOf{self.parts!r}"


class HasRole(Requirement):
    def __init__(self, *roles: Role):
        self.roles = frozenset(roles)

    def fulfilled(self, user, obj) -> bool:
        return _signed_in(user) and user.role in self.roles

    def __repr__(self) -> str:
        return f"HasRole({', '.join(sorted(self.roles))})"


class Owns(Requirement):
    def fulfilled(self, user, obj) -> bool:
        return owns(user, obj)

    def __repr__(self) -> str:
        return "Owns()"


class Holds(Requirement):
    """A live subscription in good standing gives `feature` (for obj's path, for the
    path features)."""

    def __init__(self, feature: Feature):
        self.feature = feature

    def fulfilled(self, user, obj) -> bool:
        return _standing(user, self.feature, obj) is Standing.HELD

    def refusal(self, user, obj) -> Refusal:
        suspended = _standing(user, self.feature, obj) is Standing.SUSPENDED
        return Refusal.PAYMENT_DUE if suspended else Refusal.SUBSCRIBE

    def __repr__(self) -> str:
        return f"Holds({self.feature})"


# --- forum and messages ----------------------------------------------------------------


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
        return _standing(user, Feature.PATH_FORUM, category.path_id) is Standing.HELD

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
            _signed_in(user)
            and isinstance(obj, Conversation)
            and any(m.user_id == user.id and m.left_at is None for m in obj.members)
        )


IsStaff = HasRole(Role.STAFF)
IsMentor = HasRole(Role.MENTOR)

ReadsCategory = OpenCategory() | IsStaff | PathMember()

PERMISSIONS: dict[Action, Requirement] = {
    **{feature: Holds(feature) for feature in Feature},
    Area.STAFF: IsStaff,
    Area.MENTOR: IsMentor | IsStaff,
    Record.VIEW: Owns() | IsStaff,
    Record.CHANGE: Owns(),
    Forum.READ: ReadsCategory,
    # Staff moderate; to write they subscribe like anyone (see the module's docstring).
    Forum.POST: ThreadOpen() & ReadsCategory & Holds(Feature.FORUM_POST) & NotSuspended(),
    Forum.EDIT: AuthorWithinWindow() & ThreadOpen() & NotSuspended(),
    Forum.DELETE: Author(),
    Forum.MODERATE: IsStaff,
    # Subscribers start conversations; anyone in one may answer (§2.1a).
    Messages.START: Holds(Feature.MESSAGES) & NotSuspended(),
    Messages.VIEW: Participant(),
    Messages.REPLY: Participant() & NotSuspended(),
}


# --- questions -----------------------------------------------------------------------------


def can(user, action: Action, obj=None) -> bool:
    """May `user` (None or anonymous for a visitor) do `action`, to `obj`, now. For the
    path features (projects, mentoring) obj is a Learning Path, a path id or anything
    with a `path_id`; without one, the answer is for any of the user's paths."""
    return PERMISSIONS[action].fulfilled(user, obj)


def why_not(user, action: Action, obj=None) -> Refusal | None:
    """None when `can` says yes; otherwise what stands in the way."""
    if can(user, action, obj):
        return None
    if not _signed_in(user):
        return Refusal.SIGN_IN
    return PERMISSIONS[action].refusal(user, obj) or Refusal.FORBIDDEN


def owns(user, obj) -> bool:
    """`obj` (an order, a subscription, an invoice...) is the user's own."""
    return _signed_in(user) and obj is not None and getattr(obj, "user_id", None) == user.id


def owns_as_author(user, obj) -> bool:
    return _signed_in(user) and getattr(obj, "author_id", None) == user.id


def suspended_until(user):
    """When the member's suspension from posting ends, if they have one (read once per
    request)."""
    if not _signed_in(user):
        return None
    known = g.setdefault("access_suspensions", {})
    if user.id not in known:
        profile = db.session.get(ForumProfile, user.id)
        known[user.id] = profile.suspended_until if profile else None
    return known[user.id]


def _path_id(obj) -> int | None:
    if obj is None or isinstance(obj, int):
        return obj
    if isinstance(obj, LearningPath):
        return obj.id
    return getattr(obj, "path_id", None)


def _standing(user, feature: Feature, obj) -> Standing:
    if not _signed_in(user):
        return Standing.NOT_HELD
    return standing(_holdings(user), feature, _path_id(obj))


def _holdings(user) -> list[Holding]:
    held = g.setdefault("access_subscriptions", {})
    if user.id not in held:
        held[user.id] = subscriptions.subscriptions_of(user)
    return [Holding(s.plan, s.path_id, s.status) for s in held[user.id]]


def record_use(user) -> None:
    """A paid feature served to a signed-in subscriber (an exercise, a post, a message) is
    the first use of their access (Terms §6.1: it ends a Solo's withdrawal right),
    recorded once. `check` calls it; a view that gates with `why_not` calls it once it
    serves the feature. Pages that only show what is open (the course page) do not."""
    _holdings(user)
    premium.record_first_access(user, g.access_subscriptions[user.id])


# --- views ---------------------------------------------------------------------------------


def check(action: Action):
    """For a view or a blueprint's before_request: None when the current user may;
    visitors are sent to sign in, signed-in users without it get 403."""
    user = current_user._get_current_object()
    if can(user, action):
        if isinstance(action, Feature):
            record_use(user)
        return None
    if not _signed_in(user):
        return login_manager.unauthorized()
    abort(403)


def requires(action: Action) -> Callable:
    """`@requires(Feature.X)` on a view: `check(action)` before it runs. A past-due
    subscriber gets the 403 too; a page that explains the suspension asks `why_not`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            refused = check(action)
            return refused if refused is not None else view(*args, **kwargs)

        return guarded

    return decorator


def require_role(*roles: Role):
    """For a blueprint's before_request: visitors are sent to sign in, signed-in users
    without one of `roles` get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def require_staff():
    return check(Area.STAFF)


def register(app: Flask) -> None:
    """The template helpers, for the current user: `can(Feature.X)`, `why_not(...)`."""

    def can_now(action: Action, obj=None) -> bool:
        return can(current_user._get_current_object(), action, obj)

    def why_not_now(action: Action, obj=None) -> Refusal | None:
        return why_not(current_user._get_current_object(), action, obj)

    app.jinja_env.globals.update(
        can=can_now,
        why_not=why_not_now,
        Feature=Feature,
        Area=Area,
        Refusal=Refusal,
        Forum=Forum,
        Messages=Messages,
    )
