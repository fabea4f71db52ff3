"""Going back in the checkout (issue 12, point 9): each step's own page answers its own
address, so the browser's Back goes to the step before; the card never comes back into
the payment page, and the browser is told neither to keep the steps nor to restore the
card fields."""

import lxml.html

from tests.checkout_fixtures import Buyer, buy_until_review
from tests.conftest import sign_in

CARD_FIELDS = {"card_number": "cc-number", "card_expiry": "cc-exp", "card_cvc": "cc-csc"}


def test_the_account_step_of_a_signed_in_buyer_is_a_page_not_a_jump_ahead(shop, client, make_user):
    user = make_user(name="Ada Lovelace")
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    # Back from Eligibility asks for the account step again: it used to redirect to the
    # first unfinished step (Payment, Review), skipping the steps in between.
    response = client.get(buyer.url("account"))
    assert response.status_code == 200
    page = lxml.html.fromstring(response.get_data(as_text=True))
    assert "You are signed in as Ada Lovelace" in page.text_content()
    assert page.xpath('//main//a[@class="button"]')[0].get("href") == buyer.url("review")
    assert page.xpath('//*[@aria-current="step"]')[0].text_content().endswith("Account")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_account_step_still_claims_an_order_started_before_signing_in(shop, client, make_user):
    buyer = Buyer(client)
    buyer.start_solo()
    user = make_user()
    sign_in(client, user.email, user.password)
    response = client.get(buyer.url("account"))
    assert response.status_code == 302 and response.headers["Location"] == buyer.url("eligibility")
    assert buyer.order.user_id == user.id


def card_inputs(response) -> dict:
    page = lxml.html.fromstring(response.get_data(as_text=True))
    (form,) = page.xpath(
        '//main//form[substring(@action, string-length(@action) - 7) = "/payment"]'
    )
    assert form.get("autocomplete") == "off"  # no restoring on Back
    return {name: form.xpath(f'.//input[@name="{name}"]')[0] for name in CARD_FIELDS}


def test_the_card_fields_are_never_filled_in_by_the_server(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client)
    # Refused for its security code: the page comes back with no card field filled in,
    # the expiry date included.
    refused = buyer.card(cvc="12")
    assert refused.status_code == 422
    for response in (refused, client.get(buyer.url("payment"))):
        inputs = card_inputs(response)
        for name, kind in CARD_FIELDS.items():
            assert inputs[name].get("autocomplete") == kind
            assert not inputs[name].get("value"), name
        assert "no-store" in response.headers["Cache-Control"]
