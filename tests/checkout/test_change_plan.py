"""Review's Change links for the email address, the plan and the Learning Path. Another
plan or path makes a new order with the same answers (the first one is cancelled); the
promo code is checked again for the new plan, and the figures are the new offer's."""

import re

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.orders import OrderStatus, Plan
from app.domain.promotions import DiscountKind
from app.extensions import db
from app.models import Acceptance, Order, Payment
from app.services import catalog
from tests.checkout.test_codes import promo
from tests.checkout.test_consent_review import rows
from tests.checkout_fixtures import Buyer, buy_until_review, order_by_public_id, order_id_from
from tests.conftest import sign_in

ANSWERS = (
    "user_id",
    "date_of_birth",
    "country",
    "legal_protection",
    "needs_consent",
    "full_name",
    "address_line1",
    "postal_code",
    "city",
    "billing_country",
    "locale",
    "payment_kind",
    "payment_method_id",
    "holder_confirmed_at",
)


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


def change_links(html: str) -> dict[str, str]:
    """Review's Change links: the hidden label (what they change) -> href."""
    found = re.findall(
        r'<a href="([^"]+)">Change<span class="visually-hidden"> ([^<]+)</span></a>', html
    )
    return {label: href.replace("&amp;", "&") for href, label in found}


def choose(client, buyer: Buyer, plan: str, path: str = ""):
    return client.post(buyer.url("plan"), data={"plan": plan, "path": path})


def moved_to(buyer: Buyer, response) -> Buyer:
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/review")
    return Buyer(buyer.client, order_id_from(response.headers["Location"]))


def price_of(slug: str) -> int:
    path = catalog.path_by_slug(slug)
    return catalog.current_price(f"path:{path.id}", clock.today()).amount_cents


def test_review_has_a_change_link_for_every_answer(member, client):
    links = change_links(buy_until_review(client, plan="plus").review().get_data(as_text=True))
    assert set(links) >= {
        "plan",
        "path",
        "payment method",
        "name",
        "email address",
        "billing address",
        "language",
        "date of birth",
        "country of residence",
    }
    assert links["plan"] == links["path"]
    assert links["plan"].endswith("/plan")
    assert links["email address"].startswith("/account/security?next=/checkout/")
    assert links["email address"].endswith("/review#email")


def test_the_email_change_page_leads_back_to_the_order(member, client):
    buyer = buy_until_review(client)
    link = change_links(buyer.review().get_data(as_text=True))["email address"]
    page = client.get(link).get_data(as_text=True)
    assert f'<a href="{buyer.url("review")}">Back to your order</a>' in page
    form_action = re.search(r'<form method="post" action="([^"]*/account/email[^"]*)"', page)
    assert "next=" in form_action.group(1)
    # Only a checkout page of this site is a way back.
    for elsewhere in ("//evil.example/checkout/x", "https://evil.example/", "/account"):
        page = client.get("/account/security", query_string={"next": elsewhere})
        assert "Back to your order" not in page.get_data(as_text=True), elsewhere


def test_another_path_keeps_every_answer_and_shows_its_own_price(member, client):
    buyer = buy_until_review(client, plan="plus")
    first = buyer.order
    page = client.get(buyer.url("plan")).get_data(as_text=True)
    assert "Choose a Learning Path" in page and "Your current choice" in page
    assert "Choose Data Analyst" in page and "Choose Web Developer" not in page
    moved = moved_to(buyer, choose(client, buyer, "plus", "data-analyst"))
    new = moved.order
    assert new.id != first.id and new.plan is Plan.PLUS
    assert new.path.slug == "data-analyst"
    for name in ANSWERS:
        assert getattr(new, name) == getattr(first, name), name
    assert order_by_public_id(first.public_id).status is OrderStatus.CANCELLED
    review = moved.review().get_data(as_text=True)
    assert "Data Analyst" in rows(review)["Learning Path"]
    monthly = price_of("data-analyst")
    assert f"€{monthly / 100:,.2f} a month" in rows(review)["Monthly price"]
    assert "Your order is now for Premium Plus — Data Analyst" in review
    # It goes through as the new offer; the first order charged and recorded nothing.
    assert moved.confirm(ticks=("accept_terms", "accept_code")).status_code == 302
    assert moved.order.status is OrderStatus.COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.scalar(select(Payment.order_id)) == new.id
    assert {a.order_id for a in db.session.scalars(select(Acceptance))} == {new.id}
    # The first order's link says what became of it.
    assert "is cancelled" in client.get(buyer.url("done")).get_data(as_text=True)


def test_solo_becomes_plus_and_plus_becomes_solo(member, client):
    buyer = buy_until_review(client)
    page = client.get(buyer.url("plan")).get_data(as_text=True)
    assert "Choose Web Developer" in page and "Choose Premium Solo instead" not in page
    plus = moved_to(buyer, choose(client, buyer, "plus", "web-developer"))
    review = plus.review().get_data(as_text=True)
    assert rows(review)["Plan"] == "Premium Plus" and 'name="accept_code"' in review
    assert 'name="immediate_access"' not in review
    solo = moved_to(plus, choose(client, plus, "solo"))
    review = solo.review().get_data(as_text=True)
    assert rows(review)["Plan"] == "Premium Solo" and 'name="immediate_access"' in review
    assert rows(review)["Charged today"] == "€20.00"


def test_a_code_that_still_applies_is_kept(member, client):
    promo("SAVE20")  # both plans
    buyer = buy_until_review(client, code="SAVE20")
    moved = moved_to(buyer, choose(client, buyer, "plus", "web-developer"))
    assert moved.order.code == "SAVE20" and moved.order.promo_code_id is not None
    assert "(code SAVE20)" in rows(moved.review().get_data(as_text=True))["Discount"]


def test_a_code_the_new_plan_does_not_take_is_taken_off_and_said(member, client):
    promo("SOLOONLY", DiscountKind.FIXED, 500, 1, for_plus=False)
    buyer = buy_until_review(client, code="SOLOONLY")
    moved = moved_to(buyer, choose(client, buyer, "plus", "web-developer"))
    assert moved.order.code is None and moved.order.promo_code_id is None
    review = moved.review().get_data(as_text=True)
    assert "This code is not valid for Premium Plus." in review
    assert "SOLOONLY has been taken off your order" in review
    assert "Discount" not in rows(review)


def test_the_same_offer_changes_nothing(member, client):
    buyer = buy_until_review(client, plan="plus")
    response = choose(client, buyer, "plus", "web-developer")
    assert response.headers["Location"].endswith(buyer.url("review"))
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_a_path_that_cannot_be_started_is_refused_on_the_page(member, client):
    buyer = buy_until_review(client, plan="plus")
    response = choose(client, buyer, "plus", "cybersecurity-analyst")
    assert response.headers["Location"].endswith(buyer.url("plan"))
    assert "not open yet" in client.get(buyer.url("plan")).get_data(as_text=True)
    assert buyer.order.status is OrderStatus.DRAFT
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_forged_or_foreign_choices_are_refused(member, client, app, make_user):
    buyer = buy_until_review(client, plan="plus")
    assert choose(client, buyer, "gold").status_code == 400
    assert choose(client, buyer, "plus", "no-such-path").status_code == 404
    stranger = app.test_client()
    other = make_user()
    sign_in(stranger, other.email, other.password)
    assert stranger.get(buyer.url("plan")).status_code == 404
    assert stranger.post(buyer.url("plan"), data={"plan": "solo"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_a_confirmed_order_cannot_change(member, client):
    buyer = buy_until_review(client)
    buyer.confirm()
    response = choose(client, buyer, "plus", "web-developer")
    assert response.headers["Location"].endswith("/done")
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
