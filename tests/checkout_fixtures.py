"""Fixtures and helpers for the checkout tests: a seeded shop (catalog, prices, legal
documents) and a driver that walks an order through its steps with the test client."""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Order
from app.seeds.catalog import seed_catalog
from app.services import legal_documents
from tests.support.forms import date_fields

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
FUNDS_CARD = "4000 0000 0000 9995"
EXPIRED_CARD = "4000 0000 0000 0069"
CHALLENGE_CARD = "4000 0000 0000 3220"
TIMEOUT_CARD = "4000 0000 0000 0119"


@pytest.fixture
def shop(app):
    seed_catalog(clock.today())
    db.session.commit()
    legal_documents.seed(render_pdfs=False)
    db.session.commit()
    return app


def signed_in_member(app, make_user, **user):
    """A new member's own client, signed in: (client, user)."""
    from tests.conftest import sign_in  # here: conftest loads this module as a plugin

    client = app.test_client()
    member = make_user(**user)
    sign_in(client, member.email, member.password)
    return client, member


def order_id_from(location: str) -> str:
    match = re.search(r"/checkout/([^/]+)/", location)
    assert match, location
    return match.group(1)


def order_by_public_id(public_id: str) -> Order:
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.public_id == public_id))


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden {name}"
    return match.group(1)


@dataclass
class Buyer:
    client: object
    public_id: str = ""

    def url(self, step: str) -> str:
        return f"/checkout/{self.public_id}/{step}"

    def start_solo(self):
        response = self.client.post("/checkout/solo")
        assert response.status_code == 302, response.get_data(as_text=True)
        self.public_id = order_id_from(response.headers["Location"])
        return response

    def start_plus(self, slug="web-developer"):
        response = self.client.post(f"/checkout/path/{slug}")
        assert response.status_code == 302
        self.public_id = order_id_from(response.headers["Location"])
        return response

    def eligibility(self, born="1990-05-17", country="FR", protected="no"):
        return self.client.post(
            self.url("eligibility"),
            data={**date_fields(born), "country": country, "legal_protection": protected},
        )

    def details(self, code="", locale="en", **extra):
        data = {
            "full_name": "Ada Lovelace",
            "address_line1": "12 rue des Écoles",
            "postal_code": "75005",
            "city": "Paris",
            "billing_country": "FR",
            "locale": locale,
            "code": code,
            **extra,
        }
        return self.client.post(self.url("details"), data=data)

    def card(self, number=GOOD_CARD, expiry="04/39", cvc="123", holder=True):
        data = {"payment_kind": "card", "card_number": number, "card_expiry": expiry}
        data["card_cvc"] = cvc
        if holder:
            data["holder"] = "y"
        return self.client.post(self.url("payment"), data=data)

    def paypal(self):
        return self.client.post(self.url("payment"), data={"payment_kind": "paypal", "holder": "y"})

    def review(self):
        return self.client.get(self.url("review"))

    def confirm(self, ticks=("accept_terms", "accept_code", "immediate_access"), review_html=None):
        html = review_html or self.review().get_data(as_text=True)
        data = {"figures": hidden(html, "figures"), "versions": hidden(html, "versions")}
        data.update({tick: "y" for tick in ticks})
        return self.client.post(self.url("confirm"), data=data)

    @property
    def order(self) -> Order:
        return order_by_public_id(self.public_id)


def buy_until_review(client, plan="solo", card=GOOD_CARD, **details) -> Buyer:
    buyer = Buyer(client)
    buyer.start_solo() if plan == "solo" else buyer.start_plus()
    assert buyer.eligibility().status_code == 302
    response = buyer.details(**details)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = buyer.card(card)
    assert response.status_code == 302, response.get_data(as_text=True)
    return buyer
