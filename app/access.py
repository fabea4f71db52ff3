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

from app.domain.entitlements import Feature, Holding, Standing, standing
from app.extensions import login_manager
from app.models import LearningPath, Role
from app.services import premium, subscriptions

__all__ = ["Area", "Feature", "Record", "Refusal", "can", "check", "requires", "why_not"]


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


Action = Feature | Area | Record


class Refusal(StrEnum):
    """Why `can` said no, for a page that explains it."""

    SIGN_IN = "sign_in"
    # A plan gives it and the user holds none that does.
    SUBSCRIBE = "subscribe"
    # Their plan gives it, suspended until a payment is made (§3.2).
    PAYMENT_DUE = "payment_due"
    FORBIDDEN = "forbidden"


# --- requirements ------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class Requirement:
    """One condition on (user, obj). Combine with `&` and `|`."""

    def fulfilled(self, user, obj) -> bool:
        raise NotImplementedError

    def __and__(self, other: "Requirement") -> "Requirement":
        return AllOf(self, other)

    def __or__(self, other: "Requirement") -> "Requirement":
        return AnyOf(self, other)


class AllOf(Requirement):
    def __init__(self, *parts: Requirement):
        self.parts = parts

    def fulfilled(self, user, obj) -> bool:
        return all(part.fulfilled(user, obj) for part in self.parts)

    def __repr__(self) -> str:
        return f"AllOf{self.parts!r}"


class AnyOf(Requirement):
    def __init__(self, *parts: Requirement):
        self.parts = parts

    def fulfilled(self, user, obj) -> bool:
        return any(part.fulfilled(user, obj) for part in self.parts)

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

    def __repr__(self) -> str:
        return f"Holds({self.feature})"


IsStaff = HasRole(Role.STAFF)
IsMentor = HasRole(Role.MENTOR)

PERMISSIONS: dict[Action, Requirement] = {
    **{feature: Holds(feature) for feature in Feature},
    Area.STAFF: IsStaff,
    Area.MENTOR: IsMentor | IsStaff,
    Record.VIEW: Owns() | IsStaff,
    Record.CHANGE: Owns(),
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
    if isinstance(action, Feature):
        suspended = _standing(user, action, obj) is Standing.SUSPENDED
        return Refusal.PAYMENT_DUE if suspended else Refusal.SUBSCRIBE
    return Refusal.FORBIDDEN


def owns(user, obj) -> bool:
    """`obj` (an order, a subscription, an invoice...) is the user's own."""
    return _signed_in(user) and obj is not None and getattr(obj, "user_id", None) == user.id


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


def _first_use(user) -> None:
    """A paid feature served to a signed-in subscriber is the first use of their access
    (Terms §6.1: it ends a Solo's withdrawal right), recorded once."""
    premium.record_first_access(user, g.access_subscriptions[user.id])


# --- views ---------------------------------------------------------------------------------


def check(action: Action):
    """For a view or a blueprint's before_request: None when the current user may;
    visitors are sent to sign in, signed-in users without it get 403."""
    user = current_user._get_current_object()
    if can(user, action):
        if isinstance(action, Feature):
            _first_use(user)
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
        can=can_now, why_not=why_not_now, Feature=Feature, Area=Area, Refusal=Refusal
    )
