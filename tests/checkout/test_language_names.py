"""A language named in itself carries its own `lang` (issue 12, point 16; WCAG 3.1.2
Language of Parts): "English" on the French Review and on the French details step."""

import lxml.html

from tests.checkout_fixtures import buy_until_review, signed_in_member


def test_english_on_the_french_review_is_marked_english(shop, make_user):
    client, _ = signed_in_member(shop, make_user, locale="fr")
    buyer = buy_until_review(client, locale="en")
    page = lxml.html.fromstring(buyer.review().get_data(as_text=True))
    assert page.get("lang") == "fr"
    (value,) = page.xpath('//dd[@class="summary-list__value"]/span[text()="English"]')
    assert value.get("lang") == "en"


def test_the_language_choices_are_each_marked_with_their_language(shop, make_user):
    client, _ = signed_in_member(shop, make_user, locale="fr")
    buyer = buy_until_review(client)
    page = lxml.html.fromstring(client.get(buyer.url("details")).get_data(as_text=True))
    labels = {
        label.text_content().strip(): label.get("lang")
        for label in page.xpath('//fieldset[@id="locale"]//label')
    }
    assert labels == {"English": "en", "Français": "fr"}
