"""What each plan gives (Terms §2.1a, §2.2a) and whether a member's subscriptions give a
feature now."""

from enum import StrEnum
from typing import NamedTuple

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus, gives_features, is_suspended


class Feature(StrEnum):
    """The paid features, each one checked by `app.access.can`."""

    EXERCISES = "exercises"
    CERTIFICATES = "certificates"
    FORUM_POST = "forum_post"
    MESSAGES = "messages"
    PROJECTS = "projects"
    MENTORING = "mentoring"
    # The forum categories limited to the members of one Learning Path.
    PATH_FORUM = "path_forum"


SOLO_FEATURES = frozenset(
    {Feature.EXERCISES, Feature.CERTIFICATES, Feature.FORUM_POST, Feature.MESSAGES}
)

# Plus includes everything Solo has, for the whole catalog (§2.2a), and the projects and
# mentoring of its own Learning Path.
PLAN_FEATURES = {
    Plan.SOLO: SOLO_FEATURES,
    Plan.PLUS: SOLO_FEATURES | {Feature.PROJECTS, Feature.MENTORING, Feature.PATH_FORUM},
}

# Held for the subscription's Learning Path only.
PATH_FEATURES = frozenset({Feature.PROJECTS, Feature.MENTORING, Feature.PATH_FORUM})


class Holding(NamedTuple):
    """What one subscription is, as far as entitlements go."""

    plan: Plan
    path_id: int | None
    status: SubscriptionStatus


class Standing(StrEnum):
    HELD = "held"
    # A subscription would give it, but a payment is due (§3.2).
    SUSPENDED = "suspended"
    NOT_HELD = "not_held"


def _covers(holding: Holding, feature: Feature, path_id: int | None) -> bool:
    if feature not in PLAN_FEATURES[holding.plan]:
        return False
    # A path feature asked without a path: does any path of theirs have it.
    return feature not in PATH_FEATURES or path_id is None or holding.path_id == path_id


def standing(holdings: list[Holding], feature: Feature, path_id: int | None = None) -> Standing:
    """HELD if a subscription in good standing gives `feature` (for `path_id`, for the
    path features), else SUSPENDED if a past-due one would, else NOT_HELD."""
    covering = [h for h in holdings if _covers(h, feature, path_id)]
    if any(gives_features(h.status) for h in covering):
        return Standing.HELD
    if any(is_suspended(h.status) for h in covering):
        return Standing.SUSPENDED
    return Standing.NOT_HELD
