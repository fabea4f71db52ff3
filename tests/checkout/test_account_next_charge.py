"""The account page says what the next charge is, and while a promo discount runs, the
full price it goes back to and from which day."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.domain.periods import anniversary
from app.extensions import db
from app.models import Subscription
from app.web.templating import day
from tests.checkout.test_codes import promo
from tests.checkout_fixtures import buy_until_review
from tests.conftest import sign_in


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


def long_date(value) -> str:
    with force_locale("en"):
        return day(value)


def plans_section(client) -> str:
    html = client.get("/account").get_data(as_text=True)
    start = html.index('id="plans"')
    return html[start : html.index("</section>", start)]


def subscription() -> Subscription:
    db.session.expire_all()
    return db.session.scalar(select(Subscription))


def test_a_running_discount_shows_the_next_amount_and_when_the_full_price_starts(member, client):
    promo("SAVE20", months=3)  # 20 % off the first three months; the first is paid now
    buy_until_review(client, code="SAVE20").confirm()
    sub = subscription()
    section = plans_section(client)
    assert f"€16.00 on {long_date(sub.current_period_end)}" in section
    assert f"€20.00 a month from {long_date(anniversary(sub.anchor_date, 3))}" in section
    assert "€20.00 a month." not in section


def test_without_a_discount_the_next_charge_is_the_monthly_price(member, client):
    buy_until_review(client).confirm()
    section = plans_section(client)
    assert f"€20.00 on {long_date(subscription().current_period_end)}" in section
    assert "from" not in section.split("€20.00 on")[1]


def test_plus_in_reflection_shows_its_first_charge(member, client):
    promo("SAVE20", months=3)
    buy_until_review(client, plan="plus", code="SAVE20").confirm(
        ticks=("accept_terms", "accept_code")
    )
    sub = subscription()
    monthly = sub.monthly_cents
    section = plans_section(client)
    first = f"€{(monthly - sub.discount_cents) / 100:,.2f}"
    assert f"{first} on {long_date(sub.anchor_date)}" in section
    assert f"€{monthly / 100:,.2f} a month from {long_date(anniversary(sub.anchor_date, 3))}" in (
        section
    )
