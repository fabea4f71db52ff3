"""Every member finds their referral code on their account page, with what it gives."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import ReferralCode
from tests.conftest import sign_in


def code_on(html: str) -> str:
    match = re.search(
        r'Your referral code: <strong class="referral-code">([A-Z0-9]+)</strong>', html
    )
    assert match, html
    return match.group(1)


def test_the_account_page_shows_the_members_code(client, make_user):
    member = make_user()
    sign_in(client, member.email, member.password)
    html = client.get("/account").get_data(as_text=True)
    code = code_on(html)
    assert len(code) == 8
    assert (
        "A friend who takes their first paid plan with this code gets 20% off their first "
        "month, and you get a €10.00 credit once their first payment is past its withdrawal "
        "or reflection period." in html
    )
    # The same code on every visit.
    assert code_on(client.get("/account").get_data(as_text=True)) == code
    stored = db.session.scalar(select(ReferralCode).where(ReferralCode.user_id == member.id))
    assert stored.code == code


def test_the_offer_follows_the_settings(make_app, make_user):
    app = make_app(REFERRAL_PERCENT_OFF=15, REFERRAL_MONTHS=3, REFERRAL_CREDIT_CENTS=2500)
    client = app.test_client()
    with app.app_context():
        member = make_user()
        email, password = member.email, member.password
    sign_in(client, email, password)
    html = client.get("/account").get_data(as_text=True)
    assert "gets 15% off their first 3 months, and you get a €25.00 credit" in html


def test_visitors_have_no_code(client):
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(ReferralCode)) is None
