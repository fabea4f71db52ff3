"""One message at a time beside the promo code (issue 12, point 8; Terms §4): after a
wrong code was submitted, a good one typed in its place replaces the error, with htmx
(the live check swaps the one region holding the code's message) and without it."""

import lxml.html

from tests.checkout.test_codes import promo, started

WRONG = "We do not recognise this code"
GOOD = "off each of your first 2 months"
HX = {"HX-Request": "true"}


def code_messages(html: str) -> tuple[list[str], list[str]]:
    """(the messages about the code beside its field, those in the live region)."""
    page = lxml.html.fromstring(html)
    beside = [
        node.text_content()
        for node in page.xpath('//form//*[contains(@class, "field-error")]')
        if not node.xpath('ancestor::*[@id="code-status"]')
        and (WRONG in node.text_content() or GOOD in node.text_content())
    ]
    region = page.xpath('//*[@id="code-status"]')
    inside = [" ".join(region[0].text_content().split())] if region else []
    return beside, [text for text in inside if text]


def test_with_htmx_the_good_code_replaces_the_error(shop, client, make_user):
    from tests.conftest import sign_in

    user = make_user()
    sign_in(client, user.email, user.password)
    promo()
    buyer = started(client)
    refused = client.post(
        buyer.url("details"),
        data={"address_line1": "1 rue", "city": "Paris", "code": "NOPE", "locale": "en"},
        headers=HX,
    )
    assert refused.status_code == 422
    beside, inside = code_messages(refused.get_data(as_text=True))
    # The error is in the region the live check swaps, and nowhere else by the field.
    assert beside == [] and len(inside) == 1 and WRONG in inside[0]
    assert 'id="code-error"' in refused.get_data(as_text=True)
    live = client.post(buyer.url("code"), data={"code": "SAVE20"}, headers=HX)
    region = lxml.html.fromstring(live.get_data(as_text=True)).xpath('//*[@id="code-status"]')
    text = region[0].text_content()
    assert GOOD in text and WRONG not in text


def test_without_htmx_only_the_last_answer_is_shown(shop, client, make_user):
    from tests.conftest import sign_in

    user = make_user()
    sign_in(client, user.email, user.password)
    promo()
    buyer = started(client)
    refused = buyer.details(code="NOPE")
    assert refused.status_code == 422
    beside, inside = code_messages(refused.get_data(as_text=True))
    assert beside == [] and len(inside) == 1 and WRONG in inside[0]
    # The good code with another answer missing: the page comes back with the code's
    # own news (it is good) and no trace of the error before.
    again = buyer.details(code="SAVE20", city="")
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    beside, inside = code_messages(html)
    assert WRONG not in html and beside == []
    assert len(inside) == 1 and GOOD in inside[0]
