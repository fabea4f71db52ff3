"""Settings → Premium: what the tab says of each subscription, Cancel (confirmed on a
page of its own, or in a dialog with htmx) and its undo, the Plus reflection
withdrawal, and the first use of the access that ends a Solo's withdrawal right. Each
change goes through the state machine with its audit row; another member's
subscription is not found."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select

from app import access, clock
from app.access import Feature
from app.domain.orders import Plan
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import Subscription, SubscriptionEvent
from tests.conftest import outbox_for, sign_in, without_title

S = SubscriptionStatus
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)  # five days after the factory's acceptance
PERIOD_END = date(2026, 2, 5)
TAB = "/account/premium"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def member(app, make_user, make_subscription, make_path):
    """A signed-in member and their subscription, with its paid period."""

    def factory(plan=Plan.SOLO, status=None, locale="en"):
        user = make_user(locale=locale)
        path = make_path() if plan is Plan.PLUS else None
        sub = make_subscription(user, plan, status, path)
        sub.current_period_start = date(2026, 1, 5)
        sub.current_period_end = PERIOD_END
        if plan is Plan.PLUS:
            sub.reflection_ends_at = sub.accepted_at + timedelta(days=7)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user.email, user.password)
        return user, sub, client

    return factory


def fresh(sub) -> Subscription:
    db.session.expire_all()
    return db.session.get(Subscription, sub.id)


def events(sub) -> list[SubscriptionEvent]:
    return list(
        db.session.scalars(
            select(SubscriptionEvent)
            .where(SubscriptionEvent.subscription_id == sub.id)
            .order_by(SubscriptionEvent.id)
        )
    )


def html(response) -> str:
    return response.get_data(as_text=True)


# --- the tab -------------------------------------------------------------------------


def test_the_tab_says_what_the_subscription_is_and_what_comes_next(member):
    _user, _sub, client = member()
    page = html(client.get(TAB))
    assert "Active: renews every month" in page
    assert "€20.00 a month, all taxes included. This price is locked" in page
    assert "€20.00 on 5 February 2026." in page
    # §6.1: the deadline, while the access is unused.
    assert "Until 19 January 2026 at 10:00, with a full refund" in page
    # §2.2g: next to Cancel, said and tied to the button.
    assert 'aria-describedby="medical-leave"' in page
    assert "Medical leave does not pause a subscription" in page
    # The history: the creation row, in words.
    assert "Subscribed" in page and "History of Premium Solo" in page
    assert client.get(TAB).headers["Cache-Control"] == "private, no-store"


def test_the_tab_is_in_the_settings_navigation(member):
    _user, _sub, client = member()
    page = html(client.get("/account"))
    assert f'href="{TAB}"' in page


def test_without_a_subscription_the_tab_points_to_the_plans(app, make_user, client):
    user = make_user()
    sign_in(client, user.email, user.password)
    page = html(client.get(TAB))
    assert "You have no Premium subscription at the moment." in page
    assert 'href="/premium"' in page


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(TAB)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


# --- cancel (§2.1d, §2.2g) -----------------------------------------------------------


def test_cancel_asks_first_on_a_page_of_its_own(member):
    _user, sub, client = member()
    page = html(client.get(f"{TAB}/{sub.id}/cancel"))
    assert "<h1" in page and "Cancel Premium Solo?" in page
    assert "runs until 5 February 2026" in page and "Medical leave" in page
    assert f'action="{TAB}/{sub.id}/cancel"' in page
    assert fresh(sub).status is S.ACTIVE  # asking changed nothing


def test_cancel_with_htmx_answers_the_dialog_s_content_only(member):
    _user, sub, client = member()
    response = client.get(f"{TAB}/{sub.id}/cancel", headers={"HX-Request": "true"})
    body = without_title(html(response))
    assert body.startswith('<div class="confirm">') and "<h2" in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_cancel_runs_to_the_period_end_and_is_recorded(member):
    user, sub, client = member()
    response = client.post(f"{TAB}/{sub.id}/cancel")
    assert response.status_code == 302 and response.headers["Location"].endswith(TAB)
    sub = fresh(sub)
    assert sub.status is S.CANCELLING and sub.ends_on == PERIOD_END
    last = events(sub)[-1]
    assert (last.reason, last.actor_id) == (Reason.CANCELLED_BY_MEMBER, user.id)
    [mail] = [m for m in outbox_for(user.email) if "cancelled" in m.subject]
    assert "5 February 2026" in mail.text_body
    page = html(client.get(TAB))
    assert "Your subscription is cancelled. It runs until 5 February 2026" in page
    assert "None: nothing more will be charged." in page and "Undo the cancellation" in page
    assert "Cancel the subscription" not in page


def test_cancelling_keeps_the_features_to_the_end(app, member):
    user, sub, client = member()
    client.post(f"{TAB}/{sub.id}/cancel")
    db.session.expire_all()
    with app.test_request_context():
        login_user(user)
        assert access.can(user, Feature.EXERCISES)


def test_cancel_twice_is_one_cancellation(member):
    user, sub, client = member()
    client.post(f"{TAB}/{sub.id}/cancel")
    second = client.post(f"{TAB}/{sub.id}/cancel", follow_redirects=True)
    assert "already cancelled: nothing has changed" in html(second)
    cancellations = [e for e in events(sub) if e.reason is Reason.CANCELLED_BY_MEMBER]
    assert len(cancellations) == 1
    assert len([m for m in outbox_for(user.email) if "cancelled" in m.subject]) == 1


@pytest.mark.parametrize(
    ("plan", "status", "message"),
    [
        (Plan.SOLO, S.PAST_DUE, "cannot be done for this subscription in its current state"),
        (Plan.PLUS, S.REFLECTION, "cannot be done for this subscription in its current state"),
        (Plan.SOLO, S.ENDED, "cannot be done for this subscription in its current state"),
    ],
)
def test_cancel_is_refused_with_its_reason(member, plan, status, message):
    _user, sub, client = member(plan, status)
    for method in (client.get, client.post):
        response = method(f"{TAB}/{sub.id}/cancel", follow_redirects=True)
        assert message in html(response)
    assert fresh(sub).status is status


# --- undo ----------------------------------------------------------------------------


def test_undo_before_the_end_restores_the_renewals(member):
    user, sub, client = member()
    client.post(f"{TAB}/{sub.id}/cancel")
    page = html(client.post(f"{TAB}/{sub.id}/undo", follow_redirects=True))
    assert "Your subscription continues" in page
    sub = fresh(sub)
    assert sub.status is S.ACTIVE and sub.ends_on is None
    assert events(sub)[-1].reason is Reason.CANCELLATION_UNDONE
    assert [m for m in outbox_for(user.email) if "continues" in m.subject]
    # Twice: nothing more.
    page = html(client.post(f"{TAB}/{sub.id}/undo", follow_redirects=True))
    assert "was not cancelled: nothing has changed" in page
    assert len([e for e in events(sub) if e.reason is Reason.CANCELLATION_UNDONE]) == 1


def test_undo_on_the_last_day_is_refused(member, monkeypatch):
    _user, sub, client = member()
    client.post(f"{TAB}/{sub.id}/cancel")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 2, 5, 8, 0, tzinfo=UTC))
    assert "Undo the cancellation" not in html(client.get(TAB))
    page = html(client.post(f"{TAB}/{sub.id}/undo", follow_redirects=True))
    assert "The paid period is over" in page
    assert fresh(sub).status is S.CANCELLING


def test_a_solo_that_plus_replaces_cannot_be_undone(app, make_user, make_subscription, member):
    user, sub, client = member()
    from app.services import subscriptions

    subscriptions.change_status(
        fresh(sub), S.CANCELLING, reason=Reason.REPLACED_BY_PLUS, by_user=user
    )
    fresh(sub).ends_on = PERIOD_END
    db.session.commit()
    assert "Undo the cancellation" not in html(client.get(TAB))
    page = html(client.post(f"{TAB}/{sub.id}/undo", follow_redirects=True))
    assert "Premium Plus replaces it" in page
    assert fresh(sub).status is S.CANCELLING


# --- Plus reflection withdrawal (§6.2) ------------------------------------------------


def test_plus_withdraws_in_one_step_during_reflection(member):
    user, sub, client = member(Plan.PLUS)
    assert "Withdraw now, at no cost" in html(client.get(TAB))
    page = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "You have withdrawn. Nothing has been charged" in page
    sub = fresh(sub)
    assert sub.status is S.WITHDRAWN
    last = events(sub)[-1]
    assert (last.reason, last.amount_cents, last.actor_id) == (
        Reason.WITHDRAWN_IN_REFLECTION,
        0,
        user.id,
    )
    assert [m for m in outbox_for(user.email) if "withdrawn" in m.subject]
    # Now among the past subscriptions, with its history.
    assert "Past subscriptions" in page and "Withdrawn during the reflection period" in page
    again = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "already withdrawn" in again


def test_after_seven_days_the_reflection_withdrawal_is_refused(member, monkeypatch):
    _user, sub, client = member(Plan.PLUS)
    monkeypatch.setattr(clock, "now", lambda: sub.accepted_at + timedelta(days=7))
    assert "Withdraw now" not in html(client.get(TAB))
    page = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "The 7-day reflection period is over" in page
    assert fresh(sub).status is S.REFLECTION


def test_an_active_plus_cannot_withdraw(member):
    _user, sub, client = member(Plan.PLUS, S.ACTIVE)
    page = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "cannot be done for this subscription in its current state" in page
    assert fresh(sub).status is S.ACTIVE


# --- first access (§6.1) --------------------------------------------------------------


@access.requires(Feature.EXERCISES)
def a_paid_feature():
    return "paid"


def visit_paid_feature(app, user):
    with app.test_request_context("/test-only/exercises"):
        login_user(user)
        assert app.make_response(a_paid_feature()).status_code == 200
        db.session.commit()


def test_the_first_visit_to_a_paid_feature_ends_the_solo_withdrawal_right(app, member, monkeypatch):
    user, sub, client = member()
    visit_paid_feature(app, user)
    first = fresh(sub).first_access_at
    assert first == NOW
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(hours=2))
    visit_paid_feature(app, user)
    assert fresh(sub).first_access_at == first  # recorded once
    page = html(client.get(TAB))
    assert "Ended on 10 January 2026 at 13:00, when you first used your access" in page
    assert "To withdraw" not in page


def test_the_tab_itself_is_not_a_use_of_the_access(member):
    _user, sub, client = member()
    client.get(TAB)
    client.get("/account")
    assert fresh(sub).first_access_at is None


# --- another member's subscription -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action"),
    [("get", "cancel"), ("post", "cancel"), ("post", "undo"), ("post", "withdraw")],
)
def test_another_member_s_subscription_is_not_found(member, method, action):
    _owner, sub, _client = member(Plan.PLUS)
    _other, _theirs, intruder = member()
    response = getattr(intruder, method)(f"{TAB}/{sub.id}/{action}")
    assert response.status_code == 404
    assert getattr(intruder, method)(f"{TAB}/999999/{action}").status_code == 404
    assert fresh(sub).status is S.REFLECTION and len(events(sub)) == 1


def test_staff_cannot_change_a_member_s_subscription(member, monkeypatch, request):
    _owner, sub, _client = member()
    # Staff sign in with a two-factor code of the real time.
    monkeypatch.setattr(clock, "now", lambda: datetime.now(UTC))
    staff_client = request.getfixturevalue("staff_client")
    assert staff_client.post(f"{TAB}/{sub.id}/cancel").status_code == 404
    assert fresh(sub).status is S.ACTIVE


def test_the_tab_and_its_confirmation_in_french(member):
    user, sub, client = member(locale="fr")
    page = html(client.get(TAB))
    assert "Actif : renouvelé chaque mois" in page and "Résilier l\u2019abonnement" in page
    assert "Un arrêt maladie ne suspend pas" in page
    assert "Résilier Premium Solo ?" in html(client.get(f"{TAB}/{sub.id}/cancel"))
    client.post(f"{TAB}/{sub.id}/cancel")
    [mail] = [m for m in outbox_for(user.email) if "résilié" in m.subject]
    assert "5 février 2026" in mail.text_body
