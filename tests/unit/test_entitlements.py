"""What each plan gives, and a member's standing for a feature from their subscriptions."""

import pytest

from app.domain.entitlements import PATH_FEATURES, Feature, Holding, Standing, standing
from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus

S = SubscriptionStatus
SOLO_SIDE = [Feature.EXERCISES, Feature.CERTIFICATES, Feature.FORUM_POST, Feature.MESSAGES]


def solo(status=S.ACTIVE):
    return Holding(Plan.SOLO, None, status)


def plus(path_id=1, status=S.ACTIVE):
    return Holding(Plan.PLUS, path_id, status)


@pytest.mark.parametrize("feature", SOLO_SIDE)
@pytest.mark.parametrize("holding", [solo(), plus(), plus(path_id=2)])
def test_both_plans_give_the_catalog_side(feature, holding):
    assert standing([holding], feature, path_id=1) is Standing.HELD


@pytest.mark.parametrize("feature", sorted(PATH_FEATURES))
def test_projects_and_mentoring_for_ones_own_path(feature):
    assert standing([solo()], feature, 1) is Standing.NOT_HELD
    assert standing([plus(1)], feature, 1) is Standing.HELD
    assert standing([plus(2)], feature, 1) is Standing.NOT_HELD
    assert standing([plus(2)], feature) is Standing.HELD  # any path of theirs


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (S.REFLECTION, Standing.HELD),
        (S.ACTIVE, Standing.HELD),
        (S.CANCELLING, Standing.HELD),
        (S.PAST_DUE, Standing.SUSPENDED),
        (S.ENDED, Standing.NOT_HELD),
        (S.TERMINATED, Standing.NOT_HELD),
        (S.WITHDRAWN, Standing.NOT_HELD),
    ],
)
def test_standing_follows_the_status(status, expected):
    assert standing([plus(1, status)], Feature.MENTORING, 1) is expected
    assert standing([plus(1, status)], Feature.EXERCISES) is expected


def test_one_subscription_in_good_standing_is_enough():
    # A past-due Solo does not take away what an active Plus gives.
    assert standing([solo(S.PAST_DUE), plus(1)], Feature.EXERCISES) is Standing.HELD
    assert standing([solo(S.PAST_DUE), plus(1)], Feature.MENTORING, 1) is Standing.HELD
    # A past-due Plus suspends its path's mentoring even with a Solo running.
    assert standing([solo(), plus(1, S.PAST_DUE)], Feature.MENTORING, 1) is Standing.SUSPENDED
    assert standing([], Feature.EXERCISES) is Standing.NOT_HELD
