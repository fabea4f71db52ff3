"""Real subscriptions for tests, without going through checkout: the completed order a
checkout leaves, and a subscription started and moved through
app.services.subscriptions, so that every row has its audit trail.

Loaded as a pytest plugin by tests/conftest.py: the `make_subscription` and `make_path`
fixtures."""

import secrets
from datetime import UTC, date, datetime

import pytest

from app.domain.orders import OrderStatus, Plan
from app.domain.subscriptions import MOVES, Reason, SubscriptionStatus
from app.extensions import db
from app.models import Certification, LearningPath, Level, Order, Subscription
from app.models.catalog import PATH_TEXTS
from app.services import subscriptions

S = SubscriptionStatus
R = Reason

# The reasons a subscription goes through to reach each status, from its first one.
ROUTES = {
    Plan.SOLO: {
        S.ACTIVE: (),
        S.CANCELLING: (R.CANCELLED_BY_MEMBER,),
        S.PAST_DUE: (R.PAYMENT_FAILED,),
        S.ENDED: (R.CANCELLED_BY_MEMBER, R.PERIOD_ENDED),
        S.WITHDRAWN: (R.WITHDRAWN_BEFORE_USE,),
        S.TERMINATED: (R.PAYMENT_FAILED, R.UNPAID),
    },
    Plan.PLUS: {
        S.REFLECTION: (),
        S.ACTIVE: (R.REFLECTION_ENDED,),
        S.CANCELLING: (R.REFLECTION_ENDED, R.CANCELLED_BY_MEMBER),
        S.PAST_DUE: (R.REFLECTION_ENDED, R.PAYMENT_FAILED),
        S.ENDED: (R.REFLECTION_ENDED, R.CANCELLED_BY_MEMBER, R.PERIOD_ENDED),
        S.WITHDRAWN: (R.WITHDRAWN_IN_REFLECTION,),
        S.TERMINATED: (R.REFLECTION_ENDED, R.TERMINATED_BY_MEMBER),
    },
}

ACCEPTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def make_order(user, plan: Plan, path: LearningPath | None) -> Order:
    order = Order(
        public_id=secrets.token_hex(16),
        reference=secrets.token_hex(6).upper(),
        idempotency_key=f"order:{secrets.token_hex(8)}",
        plan=plan,
        path_id=path.id if path else None,
        user_id=user.id,
        status=OrderStatus.COMPLETED,
        monthly_cents=2000 if plan is Plan.SOLO else 30000,
    )
    db.session.add(order)
    db.session.flush()
    return order


def subscription(user, plan=Plan.SOLO, status=None, path=None) -> Subscription:
    """A committed subscription of `user` in `status` (the plan's first one by default),
    reached through the service. Plus needs a `path`."""
    if plan is Plan.PLUS and path is None:
        raise ValueError("a Plus subscription is for a Learning Path")
    order = make_order(user, plan, path)
    made = Subscription(
        user_id=user.id,
        order_id=order.id,
        plan=plan,
        path_id=order.path_id,
        monthly_cents=order.monthly_cents,
        accepted_at=ACCEPTED,
        anchor_date=date(2026, 1, 5),
    )
    subscriptions.start(made, by_user=user)
    route = ROUTES[plan][status or made.status]
    for reason in route:
        subscriptions.change_status(made, MOVES[reason].target, reason=reason, by_job="test")
    db.session.commit()  # as the request or command that made it would
    return made


class PathFactory:
    counter = 0

    def __call__(self, slug=None) -> LearningPath:
        PathFactory.counter += 1
        slug = slug or f"path-{PathFactory.counter}"
        texts = {f"{name}_{lang}": f"{name} {slug}" for name in PATH_TEXTS for lang in ("en", "fr")}
        path = LearningPath(
            slug=slug,
            title_en=f"Path {slug}",
            title_fr=f"Parcours {slug}",
            level=Level.BEGINNER,
            language="en",
            certification=Certification.NONE,
            duration_months=12,
            min_projects=5,
            **texts,
        )
        db.session.add(path)
        db.session.commit()
        return path


@pytest.fixture
def make_subscription(app):
    return subscription


@pytest.fixture
def make_path(app):
    return PathFactory()
