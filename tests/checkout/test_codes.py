"""Promo and referral codes in checkout: checked live, shown at Review, charged as shown."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.domain.orders import OrderStatus
from app.domain.promotions import DiscountKind
from app.extensions import db
from app.models import Payment, PromoCode, PromoRedemption, Referral
from app.services import promotions
from tests.checkout_fixtures import DECLINED_CARD, GOOD_CARD, Buyer, buy_until_review
from tests.conftest import sign_in


def promo(code="SAVE20", kind=DiscountKind.PERCENT, value=20, months=2, **extra) -> PromoCode:
    row = PromoCode(
        code=code,
        kind=kind,
        value=value,
        months=months,
        starts_at=clock.now() - timedelta(days=1),
        **extra,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


def started(client) -> Buyer:
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    return buyer


def test_a_promo_code_is_shown_at_review_and_charged_as_shown(member, client):
    promo()
    buyer = buy_until_review(client, code="save20")
    html = buyer.review().get_data(as_text=True)
    assert "€4.00 off each of the first 2 months (code SAVE20)" in html
    assert "Charged today" in html and "€16.00" in html
    buyer.confirm(review_html=html)
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED
    assert db.session.scalar(select(Payment.amount_cents)) == order.due_today_cents == 1600
    assert db.session.scalar(select(PromoCode.redemptions)) == 1


@pytest.mark.parametrize(
    "setup, message",
    [
        ({}, "We do not recognise this code"),
        ({"ends_at": -1}, "This code has expired"),
        ({"max_redemptions": 1, "redemptions": 1}, "already been used as many times"),
        ({"for_solo": False}, "not valid for Premium Solo"),
    ],
)
def test_a_code_that_cannot_be_used_is_refused_with_its_reason(member, client, setup, message):
    if setup:
        values = dict(setup)
        if values.get("ends_at") == -1:
            values["ends_at"] = clock.now() - timedelta(minutes=1)
        promo(**values)
    buyer = started(client)
    response = buyer.details(code="SAVE20")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page and message in page
    live = client.post(buyer.url("code"), data={"code": "SAVE20"}, headers={"HX-Request": "true"})
    assert live.status_code == 200 and message in live.get_data(as_text=True)


def test_the_live_check_says_what_a_good_code_takes_off(member, client):
    promo(kind=DiscountKind.FIXED, value=500, months=1)
    buyer = started(client)
    live = client.post(buyer.url("code"), data={"code": " save20 "}, headers={"HX-Request": "true"})
    body = live.get_data(as_text=True)
    assert "<!doctype" not in body and "€5.00 off your first month" in body


def test_the_last_use_taken_since_review_sends_back_to_details(member, client, make_user):
    code = promo(max_redemptions=1)
    buyer = buy_until_review(client, code="SAVE20")
    html = buyer.review().get_data(as_text=True)
    # Someone else takes the last use meanwhile.
    db.session.execute(
        PromoCode.__table__.update().where(PromoCode.id == code.id).values(redemptions=1)
    )
    db.session.commit()
    response = buyer.confirm(review_html=html)
    assert "/details" in response.headers["Location"]
    assert db.session.scalar(select(Payment.id)) is None
    assert buyer.order.status is OrderStatus.DRAFT


def test_a_decline_gives_the_use_back_and_the_retry_takes_it_again(member, client):
    promo(max_redemptions=1)
    buyer = buy_until_review(client, code="SAVE20", card=DECLINED_CARD)
    buyer.confirm()
    assert db.session.scalar(select(PromoCode.redemptions)) == 0
    buyer.card(GOOD_CARD)
    buyer.confirm()
    assert buyer.order.status is OrderStatus.COMPLETED
    assert db.session.scalar(select(PromoCode.redemptions)) == 1
    assert len(list(db.session.scalars(select(PromoRedemption)))) == 1


def test_a_referral_code_gives_the_newcomer_a_discount_and_records_the_referral(
    shop, client, make_user
):
    referrer = make_user()
    code = promotions.referral_code_for(referrer)
    newcomer = make_user()
    sign_in(client, newcomer.email, newcomer.password)
    buyer = buy_until_review(client, code=code.lower())
    html = buyer.review().get_data(as_text=True)
    assert "€4.00 off the first month" in html
    buyer.confirm(review_html=html)
    referral = db.session.scalar(select(Referral))
    assert referral.referrer_id == referrer.id and referral.referee_id == newcomer.id
    assert referral.credited_at is None


def test_ones_own_referral_code_is_refused(member, client):
    code = promotions.referral_code_for(member)
    db.session.commit()
    response = started(client).details(code=code)
    assert response.status_code == 422
    assert "your own referral code" in response.get_data(as_text=True)
