"""Signing in does not switch the site's language without a word (issue 12, point 11).

Decision: the account's saved language applies from the sign-in (as before, it also
decides the language of the member's email), and the first page after it says, in the
page's new language and in the one the visitor was reading, that it switched, with a
button back to that language."""

import re

import lxml.html

from app.extensions import db
from tests.checkout_fixtures import Buyer
from tests.conftest import sign_in


def notice_of(html: str):
    page = lxml.html.fromstring(html)
    found = page.xpath('//*[@aria-labelledby="language-switched"]')
    return page, (found[0] if found else None)


def test_signing_in_inside_the_checkout_says_the_language_switched(shop, client, make_user):
    user = make_user(locale="fr")
    buyer = Buyer(client)
    buyer.start_solo()
    english = {"Accept-Language": "en"}
    page = client.get(buyer.url("account"), headers=english).get_data(as_text=True)
    assert '<html lang="en">' in page
    response = client.post(
        f"/signin?next={buyer.url('account')}",
        data={"email": user.email, "password": user.password},
        headers=english,
        follow_redirects=True,
    )
    assert response.request.path == buyer.url("eligibility")
    page, notice = notice_of(response.get_data(as_text=True))
    assert page.get("lang") == "fr"  # the account's language applies...
    assert notice is not None  # ...and the page says so, in French and in English
    paragraphs = notice.xpath(".//p")
    assert "le site est donc maintenant en français" in paragraphs[0].text_content()
    assert paragraphs[1].get("lang") == "en"
    assert "the site is now in French" in paragraphs[1].text_content()
    (button,) = notice.xpath(".//button")
    assert (button.get("name"), button.get("value"), button.get("lang")) == ("locale", "en", "en")
    assert button.text_content().strip() == "Continue in English"
    (form,) = notice.xpath(".//form")
    assert form.get("action") == "/language"
    next_page = form.xpath('.//input[@name="next"]')[0].get("value")
    token = form.xpath('.//input[@name="csrf_token"]')[0].get("value")
    # Once: the next page does not say it again.
    _, again = notice_of(client.get(buyer.url("eligibility")).get_data(as_text=True))
    assert again is None
    # The way back: the same step, in English (saved to the account, as the header's
    # language switch does for a member).
    back = client.post(
        "/language",
        data={"locale": "en", "next": next_page, "csrf_token": token},
        follow_redirects=True,
    )
    assert back.request.path == buyer.url("eligibility")
    assert '<html lang="en">' in back.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "en"


def test_no_notice_when_the_languages_agree(shop, client, make_user):
    user = make_user(locale="en")
    response = client.post(
        "/signin",
        data={"email": user.email, "password": user.password},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert notice_of(html)[1] is None
    # The page's language stays out of the ordinary messages.
    assert not re.search(r'<p class="flash">\s*en\s*</p>', html)


def test_an_english_member_signing_in_on_the_french_site_is_told_in_both(client, make_user):
    user = make_user(locale="en")
    client.post("/language", data={"locale": "fr"})
    response = sign_in(client, user.email, user.password)
    assert response.status_code == 302
    page, notice = notice_of(client.get("/account").get_data(as_text=True))
    assert page.get("lang") == "en" and notice is not None
    paragraphs = notice.xpath(".//p")
    assert "the site is now in English" in paragraphs[0].text_content()
    assert paragraphs[1].get("lang") == "fr"
    assert notice.xpath(".//button")[0].text_content().strip() == "Continuer en français"
