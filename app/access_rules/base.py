"""Requirements on (user, obj) that compose with `&` and `|` (FlaskBB's model), and the
general ones: a role, owning a record, holding a plan's feature in good standing.

A user's subscriptions are read once per request, on `g` and per user, never in a cache
that outlives the request. The objects are kept, so a status changed during the request
is seen at once; a subscription created during the request is seen from the next one
(Confirm always redirects)."""

from abc import ABC, abstractmethod
from enum import StrEnum

from flask import g

from app.domain.entitlements import Feature, Holding, Standing, standing
from app.models import LearningPath, Role
from app.services import subscriptions


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


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class Requirement(ABC):
    """One condition on (user, obj). Combine with `&` and `|`."""

    @abstractmethod
    def fulfilled(self, user, obj) -> bool:
        """Whether `user` (None or anonymous for a visitor) meets it for `obj`."""

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
        return signed_in(user) and user.role in self.roles

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
        return standing_for(user, self.feature, obj) is Standing.HELD

    def refusal(self, user, obj) -> Refusal:
        suspended = standing_for(user, self.feature, obj) is Standing.SUSPENDED
        return Refusal.PAYMENT_DUE if suspended else Refusal.SUBSCRIBE

    def __repr__(self) -> str:
        return f"Holds({self.feature})"


IsStaff = HasRole(Role.STAFF)
IsMentor = HasRole(Role.MENTOR)


def owns(user, obj) -> bool:
    """`obj` (an order, a subscription, an invoice...) is the user's own."""
    return signed_in(user) and obj is not None and getattr(obj, "user_id", None) == user.id


def owns_as_author(user, obj) -> bool:
    return signed_in(user) and getattr(obj, "author_id", None) == user.id


def _path_id(obj) -> int | None:
    if obj is None or isinstance(obj, int):
        return obj
    if isinstance(obj, LearningPath):
        return obj.id
    return getattr(obj, "path_id", None)


def standing_for(user, feature: Feature, obj) -> Standing:
    if not signed_in(user):
        return Standing.NOT_HELD
    return standing(holdings(user), feature, _path_id(obj))


def live_subscriptions(user) -> list:
    """The user's subscriptions, read once per request."""
    held = g.setdefault("access_subscriptions", {})
    if user.id not in held:
        held[user.id] = subscriptions.subscriptions_of(user)
    return held[user.id]


def holdings(user) -> list[Holding]:
    return [Holding(s.plan, s.path_id, s.status) for s in live_subscriptions(user)]
