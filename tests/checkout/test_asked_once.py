"""Date of birth and country are asked once (issue 12, point 6; Terms §1 decides from
them who may subscribe): given when the account is made inside the checkout, they are
the eligibility step's answers; a member who signs in sees their profile's answers
filled in, with the reason they are asked to check them."""

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.checkout_fixtures import Buyer, buy_until_review
from tests.conftest import sign_in
from tests.support.forms import date_fields

WHY = "We have filled in the answers from your profile."


def new_account(born: date | str, country: str = "FR", protected: str = "no") -> dict:
    return {
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "password": "cobol compilers forever",
        **date_fields(born),
        "country": country,
        "legal_protection": protected,
    }


def seventeen() -> date:
    today = date.today()
    return date(today.year - 17, 1, 2)


def test_an_account_made_in_the_flow_goes_on_to_details_with_its_answers(shop, client):
    buyer = Buyer(client)
    buyer.start_solo()
    response = client.post(buyer.url("account"), data=new_account(seventeen(), "BE"))
    assert response.status_code == 302 and response.headers["Location"] == buyer.url("details")
    order = buyer.order
    assert (order.date_of_birth, order.country) == (seventeen(), "BE")
    assert order.legal_protection is False and order.needs_consent  # 17 in Belgium
    details = client.get(buyer.url("details")).get_data(as_text=True)
    assert "Your legal representative" in details
    assert 'value="BE" selected' in details or '<option selected value="BE"' in details


def test_an_account_made_in_the_flow_under_16_is_refused_before_it_exists(shop, client):
    buyer = Buyer(client)
    buyer.start_solo()
    today = date.today()
    response = client.post(
        buyer.url("account"), data=new_account(date(today.year - 15, today.month, 1))
    )
    assert response.status_code == 422
    assert "Paid plans are open from the age of 16." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert buyer.order.user_id is None


def test_a_member_is_shown_why_the_profile_answers_are_asked_again(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = Buyer(client)
    buyer.start_solo()
    first = client.get(buyer.url("eligibility")).get_data(as_text=True)
    assert WHY in first
    assert f'value="{user.date_of_birth.year}"' in first
    # Once confirmed for this order, a Change from Review shows the order's answers.
    buyer = buy_until_review(client)
    again = client.get(buyer.url("eligibility") + "?change=1").get_data(as_text=True)
    assert WHY not in again
