"""Every status change goes through app.services.subscriptions: checked against the
Terms' table, recorded once, and the record never changes. On SQLite and PostgreSQL."""

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.subscriptions import InvalidTransition, Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    ImmutableEventError,
    StatusWriteError,
    Subscription,
    SubscriptionEvent,
)
from app.services import subscriptions

S = SubscriptionStatus
APP = Path(__file__).parents[2] / "app"


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(SubscriptionEvent))


def test_start_records_the_creation(make_user, make_subscription):
    member = make_user()
    solo = make_subscription(member, Plan.SOLO)
    (created,) = subscriptions.history(solo)
    assert solo.status is S.ACTIVE
    assert (created.from_status, created.to_status, created.reason) == (
        None,
        S.ACTIVE,
        Reason.ORDER_COMPLETED,
    )
    assert (created.actor_id, created.job) == (member.id, None)
    assert created.occurred_at.tzinfo is not None


def test_a_change_is_checked_then_recorded(make_user, make_subscription, make_path):
    member, staff = make_user(), make_user()
    plus = make_subscription(member, Plan.PLUS, S.ACTIVE, make_path())
    recorded = subscriptions.change_status(
        plus,
        S.TERMINATED,
        reason=Reason.FORCE_MAJEURE,
        by_user=staff,
        amount_cents=0,
        note="Hospital stay, certificate seen",
    )
    db.session.commit()
    db.session.expire_all()
    assert plus.status is S.TERMINATED
    last = subscriptions.history(plus)[-1]
    assert last.id == recorded.id
    assert (last.from_status, last.to_status, last.reason) == (
        S.ACTIVE,
        S.TERMINATED,
        Reason.FORCE_MAJEURE,
    )
    assert (last.actor_id, last.amount_cents, last.currency) == (staff.id, 0, "EUR")
    assert last.note == "Hospital stay, certificate seen"
    reasons = [e.reason for e in subscriptions.history(plus)]
    assert reasons == [Reason.ORDER_COMPLETED, Reason.REFLECTION_ENDED, Reason.FORCE_MAJEURE]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (S.CANCELLING, Reason.CANCELLED_BY_MEMBER),  # past due: pay first (§3.2)
        (S.ACTIVE, Reason.CANCELLATION_UNDONE),  # true move, wrong reason
        (S.TERMINATED, Reason.SANCTION),  # a Plus reason on a Solo
    ],
)
def test_a_refused_change_changes_nothing(make_user, make_subscription, target, reason):
    member = make_user()
    solo = make_subscription(member, Plan.SOLO, S.PAST_DUE)
    before = events()
    with pytest.raises(InvalidTransition):
        subscriptions.change_status(solo, target, reason=reason, by_user=member)
    assert solo.status is S.PAST_DUE
    assert events() == before


def test_a_change_has_one_author(make_user, make_subscription):
    member = make_user()
    solo = make_subscription(member)
    for authors in ({}, {"by_user": member, "by_job": "billing"}):
        with pytest.raises(ValueError, match="one user or one job"):
            subscriptions.change_status(
                solo, S.CANCELLING, reason=Reason.CANCELLED_BY_MEMBER, **authors
            )
        db.session.rollback()
    db.session.expire_all()
    assert solo.status is S.ACTIVE and len(subscriptions.history(solo)) == 1


def test_a_job_is_named(make_user, make_subscription):
    solo = make_subscription(make_user(), Plan.SOLO, S.ACTIVE)
    subscriptions.change_status(
        solo, S.PAST_DUE, reason=Reason.PAYMENT_FAILED, by_job="billing", amount_cents=2000
    )
    last = subscriptions.history(solo)[-1]
    assert (last.actor_id, last.job, last.amount_cents) == (None, "billing", 2000)


def test_the_status_is_written_only_by_the_service(make_user, make_subscription):
    solo = make_subscription(make_user())
    with pytest.raises(StatusWriteError):
        solo.status = S.ENDED
    assert solo.status is S.ACTIVE
    with pytest.raises(StatusWriteError):
        Subscription(user_id=solo.user_id, plan=Plan.SOLO, status=S.ACTIVE)


def test_no_other_module_may_write_a_status():
    """The ORM refuses a stray assignment at run time; this keeps the way round it (the
    writer's context) and bulk UPDATEs, which skip the ORM, out of the code."""
    writers, bulk = [], []
    for path in APP.rglob("*.py"):
        source = path.read_text()
        relative = path.relative_to(APP).as_posix()
        if "status_writer(" in source and relative not in (
            "models/subscriptions.py",
            "services/subscriptions.py",
        ):
            writers.append(relative)
        if re.search(r"update\(\s*Subscription\b", source):
            bulk.append(relative)
    assert writers == [] and bulk == []


def test_the_record_cannot_change_nor_go(make_user, make_subscription):
    solo = make_subscription(make_user())
    (created,) = subscriptions.history(solo)
    created.note = "edited"
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(SubscriptionEvent, created.id))
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()
    assert subscriptions.history(solo)[0].note is None


def test_a_solo_already_ending_is_left_as_it_is(make_user, make_subscription):
    member = make_user()
    solo = make_subscription(member, Plan.SOLO, S.CANCELLING)
    subscriptions.end_solo_for_plus(member)
    assert solo.status is S.CANCELLING and len(subscriptions.history(solo)) == 2


def test_two_changes_at_once_one_wins(app, make_user, make_subscription):
    """A member cancels while billing records a failed renewal. Each request read ACTIVE;
    the row lock makes the second check its move against the first's outcome, so one
    change is refused instead of both being recorded from the same status."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time; the row lock is PostgreSQL's")
    solo_id = make_subscription(make_user()).id
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    moves = [
        (S.CANCELLING, {"reason": Reason.CANCELLED_BY_MEMBER, "by_job": "member"}),
        (S.PAST_DUE, {"reason": Reason.PAYMENT_FAILED, "by_job": "billing"}),
    ]

    def change(target, arguments) -> None:
        with app.app_context():
            solo = db.session.get(Subscription, solo_id)
            assert solo.status is S.ACTIVE
            barrier.wait()
            try:
                subscriptions.change_status(solo, target, **arguments)
                db.session.commit()
                outcomes.append("changed")
            except InvalidTransition:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=change, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["changed", "refused"]
    db.session.expire_all()
    history = subscriptions.history(db.session.get(Subscription, solo_id))
    assert len(history) == 2 and history[-1].from_status is S.ACTIVE
