"""A Solo subscriber who takes Plus is told, at Review and in the order email, that the
Solo subscription is not renewed and on which day it ends; one who presses "Become
Premium Solo" again is told they already have it, on the page that lists their plans."""

import re
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import Order, OutboxMessage, Payment, Subscription
from app.web.templating import day
from tests.checkout.test_consent import minor_until_review, seventeen_today
from tests.checkout.test_consent_review import rows
from tests.checkout_fixtures import buy_until_review
from tests.conftest import sign_in

PLUS_TICKS = ("accept_terms", "accept_code")


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


def solo_of(user) -> Subscription:
    db.session.expire_all()
    return db.session.scalar(
        select(Subscription).where(Subscription.user_id == user.id, Subscription.plan == Plan.SOLO)
    )


def long_date(value) -> str:
    with force_locale("en"):
        return day(value)


def test_review_and_email_say_when_the_solo_ends(member, client):
    buy_until_review(client).confirm()
    ends = solo_of(member).current_period_end
    buyer = buy_until_review(client, plan="plus")
    html = buyer.review().get_data(as_text=True)
    line = rows(html)["Your Premium Solo"]
    assert long_date(ends) in line and "not renewed" in line
    assert buyer.confirm(ticks=PLUS_TICKS, review_html=html).status_code == 302
    solo = solo_of(member)
    assert solo.status is SubscriptionStatus.CANCELLING and solo.ends_on == ends
    summary = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject.contains(buyer.order.reference))
    )
    for body in (summary.text_body, summary.html_body):
        assert "Premium Solo" in body and long_date(ends) in body and "not renewed" in body
    done = client.get(buyer.url("done")).get_data(as_text=True)
    assert long_date(ends) in done


def test_without_a_solo_nothing_is_said_about_one(member, client):
    buyer = buy_until_review(client, plan="plus")
    html = buyer.review().get_data(as_text=True)
    assert "Your Premium Solo" not in rows(html)
    buyer.confirm(ticks=PLUS_TICKS, review_html=html)
    summary = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject.contains(buyer.order.reference))
    )
    assert "not renewed" not in summary.text_body


def test_confirm_checks_the_solo_end_it_showed(member, client):
    """The Solo renewed between Review and Confirm: the day shown is no longer true, so
    nothing is done and Review shows the new one."""
    buy_until_review(client).confirm()
    buyer = buy_until_review(client, plan="plus")
    html = buyer.review().get_data(as_text=True)
    solo = solo_of(member)
    later = solo.current_period_end + timedelta(days=31)
    solo.current_period_end = later
    db.session.commit()
    response = buyer.confirm(ticks=PLUS_TICKS, review_html=html)
    assert response.headers["Location"].endswith("/review")
    assert db.session.scalar(select(Payment).where(Payment.order_id == buyer.order.id)) is None
    assert long_date(later) in rows(buyer.review().get_data(as_text=True))["Your Premium Solo"]


def test_a_solo_subscriber_is_told_they_have_solo_where_their_plans_are(member, client):
    buy_until_review(client).confirm()
    response = client.post("/checkout/solo")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#plans")
    page = client.get("/account").get_data(as_text=True)
    assert "You already have Premium Solo" in page
    assert "Premium Plus includes everything" not in page
    assert re.search(r'id="plans".*Premium Solo', page, re.S)
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 1


def test_a_plus_subscriber_is_told_plus_includes_solo(member, client):
    buy_until_review(client, plan="plus").confirm(ticks=PLUS_TICKS)
    response = client.post("/checkout/solo")
    assert response.headers["Location"].endswith("/account#plans")
    page = client.get("/account").get_data(as_text=True)
    assert "You already have Premium Plus, which includes everything in Premium Solo" in page


def test_a_minors_review_says_the_solo_ends_once_the_representative_accepts(
    shop, client, make_user, make_subscription
):
    minor = make_user(born=date.fromisoformat(seventeen_today()))
    solo = make_subscription(minor)
    solo.current_period_end = date.today() + timedelta(days=20)
    db.session.commit()
    sign_in(client, minor.email, minor.password)
    html = minor_until_review(client, plan="plus").review().get_data(as_text=True)
    line = rows(html)["Your Premium Solo"]
    assert "once your legal representative accepts" in line
    assert long_date(solo.current_period_end) in line


def test_the_start_page_says_it_too_with_a_link_to_the_plans(member, client):
    buy_until_review(client).confirm()
    page = client.get("/checkout/solo").get_data(as_text=True)
    assert "You already have Premium Solo" in page
    assert '<a href="/account#plans">See your plans</a>' in page
    assert 'action="/checkout/solo"' not in page
