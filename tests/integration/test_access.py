"""access.can for every kind of user and every action, on real subscriptions (SQLite and
PostgreSQL)."""

import pytest
from flask import g
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from app import access
from app.access import Area, Feature, Record, Refusal
from app.domain.orders import Plan
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import Role
from app.services import subscriptions

S = SubscriptionStatus
CATALOG_SIDE = {Feature.EXERCISES, Feature.CERTIFICATES, Feature.FORUM_POST, Feature.MESSAGES}
PATH_SIDE = {Feature.PROJECTS, Feature.MENTORING, Feature.PATH_FORUM}
ACTIONS = [*Feature, *Area]

# Who, with which subscriptions ((plan, status, "own" or "other" path)), may do what.
# The path features are asked for the "own" path.
TABLE = {
    "visitor": (None, (), set()),
    "member": (Role.LEARNER, (), set()),
    "solo": (Role.LEARNER, ((Plan.SOLO, S.ACTIVE, None),), CATALOG_SIDE),
    "plus in reflection": (
        Role.LEARNER,
        ((Plan.PLUS, S.REFLECTION, "own"),),
        CATALOG_SIDE | PATH_SIDE,
    ),
    "plus": (Role.LEARNER, ((Plan.PLUS, S.ACTIVE, "own"),), CATALOG_SIDE | PATH_SIDE),
    "plus of another path": (Role.LEARNER, ((Plan.PLUS, S.ACTIVE, "other"),), CATALOG_SIDE),
    "solo cancelling": (Role.LEARNER, ((Plan.SOLO, S.CANCELLING, None),), CATALOG_SIDE),
    "plus cancelling": (
        Role.LEARNER,
        ((Plan.PLUS, S.CANCELLING, "own"),),
        CATALOG_SIDE | PATH_SIDE,
    ),
    "solo past due": (Role.LEARNER, ((Plan.SOLO, S.PAST_DUE, None),), set()),
    "plus past due": (Role.LEARNER, ((Plan.PLUS, S.PAST_DUE, "own"),), set()),
    "past-due solo, plus": (
        Role.LEARNER,
        ((Plan.SOLO, S.PAST_DUE, None), (Plan.PLUS, S.ACTIVE, "own")),
        CATALOG_SIDE | PATH_SIDE,
    ),
    "former solo": (Role.LEARNER, ((Plan.SOLO, S.ENDED, None),), set()),
    "withdrawn plus": (Role.LEARNER, ((Plan.PLUS, S.WITHDRAWN, "own"),), set()),
    "mentor": (Role.MENTOR, (), {Area.MENTOR}),
    "staff": (Role.STAFF, (), {Area.STAFF, Area.MENTOR}),
    "staff with solo": (
        Role.STAFF,
        ((Plan.SOLO, S.ACTIVE, None),),
        CATALOG_SIDE | {Area.STAFF, Area.MENTOR},
    ),
}


@pytest.fixture
def people(make_user, make_subscription, make_path):
    paths = {"own": make_path(), "other": make_path()}

    def person(name):
        role, held, _expected = TABLE[name]
        if role is None:
            return AnonymousUserMixin(), paths["own"]
        user = make_user(role=role)
        for plan, status, path in held:
            make_subscription(user, plan, status, paths.get(path))
        return user, paths["own"]

    return person


@pytest.mark.parametrize("name", TABLE)
def test_who_may_do_what(people, name):
    user, path = people(name)
    expected = TABLE[name][2]
    answers = {action for action in ACTIONS if access.can(user, action, path)}
    assert answers == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("visitor", Refusal.SIGN_IN),
        ("member", Refusal.SUBSCRIBE),
        ("former solo", Refusal.SUBSCRIBE),
        ("plus of another path", Refusal.SUBSCRIBE),
        # Solo never gives mentoring: paying the balance would not bring it.
        ("solo past due", Refusal.SUBSCRIBE),
        ("plus past due", Refusal.PAYMENT_DUE),
        ("mentor", Refusal.SUBSCRIBE),
        ("staff", Refusal.SUBSCRIBE),
    ],
)
def test_why_not_mentoring_on_ones_path(people, name, expected):
    user, path = people(name)
    assert access.why_not(user, Feature.MENTORING, path) is expected


def test_why_not_for_areas_and_what_is_allowed(people):
    user, _path = people("solo past due")
    assert access.why_not(user, Feature.EXERCISES) is Refusal.PAYMENT_DUE
    assert access.why_not(user, Area.STAFF) is Refusal.FORBIDDEN
    assert access.why_not(None, Area.STAFF) is Refusal.SIGN_IN
    staff, _path = people("staff")
    assert access.why_not(staff, Area.STAFF) is None


def test_path_features_take_a_path_its_id_or_an_object_on_it(people):
    user, path = people("plus")
    (plus,) = subscriptions.subscriptions_of(user)
    for obj in (path, path.id, plus):
        assert access.can(user, Feature.MENTORING, obj)
    assert not access.can(user, Feature.MENTORING, path.id + 1000)
    assert access.can(user, Feature.MENTORING)  # for a path of theirs


def test_records_are_their_owners_and_staffs(people, make_user, make_subscription):
    owner = make_user()
    solo = make_subscription(owner)
    other, _path = people("solo")
    staff, _path = people("staff")
    assert access.owns(owner, solo) and access.can(owner, Record.VIEW, solo)
    assert not access.can(other, Record.VIEW, solo)
    assert access.can(staff, Record.VIEW, solo) and not access.owns(staff, solo)
    assert not access.can(AnonymousUserMixin(), Record.VIEW, solo)
    assert not access.can(owner, Record.VIEW, None)


def test_requirements_compose(people):
    mentor, _path = people("mentor")
    solo, _path = people("solo")
    either = access.IsMentor | access.Holds(Feature.EXERCISES)
    both = access.IsMentor & access.Holds(Feature.EXERCISES)
    assert either.fulfilled(mentor, None) and either.fulfilled(solo, None)
    assert not both.fulfilled(mentor, None) and not both.fulfilled(solo, None)


def test_subscriptions_are_read_once_per_request(app, people):
    user, path = people("plus")
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM subscriptions" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.app_context(), app.test_request_context():
            for _ in range(3):
                for action in ACTIONS:
                    access.can(user, action, path)
        assert len(statements) == 1
        # A new request (its own application context, as in production) reads them again.
        with app.app_context(), app.test_request_context():
            access.can(user, Feature.EXERCISES)
        assert len(statements) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_change_during_the_request_is_seen_at_once(app, people):
    user, _path = people("solo")
    with app.test_request_context():
        assert access.can(user, Feature.EXERCISES)
        (solo,) = g.access_subscriptions[user.id]
        subscriptions.change_status(solo, S.PAST_DUE, reason=Reason.PAYMENT_FAILED, by_job="t")
        assert not access.can(user, Feature.EXERCISES)
        assert access.why_not(user, Feature.EXERCISES) is Refusal.PAYMENT_DUE
