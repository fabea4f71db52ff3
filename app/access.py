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

The requirements themselves live in `app.access_rules` (general ones in `base`, the
forum's and messages' in `community`); this module is the one place that names who may
do what."""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from flask import Flask, abort
from flask_login import current_user

from app.access_rules.base import (
    Holds,
    IsMentor,
    IsStaff,
    Owns,
    Refusal,
    Requirement,
    live_subscriptions,
    owns,
    owns_as_author,
    signed_in,
)
from app.access_rules.community import (
    Author,
    AuthorWithinWindow,
    NotSuspended,
    OpenCategory,
    Participant,
    PathMember,
    ThreadOpen,
    suspended_until,
)
from app.domain.entitlements import Feature
from app.extensions import login_manager
from app.models import Role
from app.services import premium

__all__ = [
    "Area",
    "Feature",
    "Forum",
    "Holds",
    "IsMentor",
    "IsStaff",
    "Messages",
    "Record",
    "Refusal",
    "can",
    "check",
    "owns",
    "owns_as_author",
    "record_use",
    "requires",
    "suspended_until",
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


# --- the table ------------------------------------------------------------------------

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
    if not signed_in(user):
        return Refusal.SIGN_IN
    return PERMISSIONS[action].refusal(user, obj) or Refusal.FORBIDDEN


def record_use(user) -> None:
    """A paid feature served to a signed-in subscriber (an exercise, a post, a message) is
    the first use of their access (Terms §6.1: it ends a Solo's withdrawal right),
    recorded once. `check` calls it; a view that gates with `why_not` calls it once it
    serves the feature. Pages that only show what is open (the course page) do not."""
    premium.record_first_access(user, live_subscriptions(user))


# --- views ---------------------------------------------------------------------------------


def check(action: Action):
    """For a view or a blueprint's before_request: None when the current user may;
    visitors are sent to sign in, signed-in users without it get 403."""
    user = current_user._get_current_object()
    if can(user, action):
        if isinstance(action, Feature):
            record_use(user)
        return None
    if not signed_in(user):
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
