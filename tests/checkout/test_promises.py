"""Every page and email of checkout promises only what the site does today: no
Settings → Premium page, no withdrawal button, exercises and certificates not open yet.
Withdrawing, cancelling and the reflection period go through Student Success (/contact)."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.checkout.test_consent import consent_link, minor_until_review, seventeen_today
from tests.checkout_fixtures import Buyer, buy_until_review, hidden
from tests.conftest import sign_in
from tests.support.forms import date_fields

# What the pages used to promise, in both languages.
UNTRUE = [
    r"settings",
    r"in one step",
    r"open to you now",
    r"starts now",
    r"paramètres",
    r"réglages",
    r"en une (seule )?étape",
    r"vous est ouvert",
]


def untrue_promises(text: str) -> list[str]:
    return [p for p in UNTRUE if re.search(p, text, re.I)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    # The account menu is not checkout's: only the page's own content counts.
    return html[html.index("<main") : html.index("</main>")]


def mails() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("plan", ["solo", "plus"])
def test_an_adults_checkout_promises_nothing_untrue(member, client, plan, locale):
    buyer = buy_until_review(client, plan=plan, locale=locale)
    review = page(client, buyer.url("review"))
    assert untrue_promises(review) == []
    assert 'href="/contact"' in review
    ticks = (
        ("accept_terms", "immediate_access") if plan == "solo" else ("accept_terms", "accept_code")
    )
    buyer.confirm(ticks=ticks)
    done = page(client, buyer.url("done"))
    assert untrue_promises(done) == []
    assert 'href="/contact"' in done and buyer.order.reference in done
    (summary,) = [m for m in mails() if buyer.order.reference in m.subject]
    assert summary.locale == locale
    for body in (summary.text_body, summary.html_body):
        assert untrue_promises(body) == [], body
        assert "/contact" in body


def test_what_the_confirmation_says_is_true_today(member, client):
    buyer = buy_until_review(client)
    buyer.confirm()
    done = page(client, buyer.url("done"))
    assert "Premium Solo is active" in done
    assert "includes the quizzes and assignments of every course" in done
    assert "withdraw within 14 days" in done and "Student Success" in done


def test_the_plus_confirmation_says_how_to_withdraw(member, client):
    buyer = buy_until_review(client, plan="plus")
    buyer.confirm(ticks=("accept_terms", "accept_code"))
    done = page(client, buyer.url("done"))
    assert "you can withdraw at no cost" in done and 'href="/contact"' in done


def test_a_minors_pages_and_emails_promise_nothing_untrue(shop, client, app, make_user):
    user = make_user(born=date.fromisoformat(seventeen_today()))
    sign_in(client, user.email, user.password)
    buyer = minor_until_review(client, plan="plus")
    texts = [page(client, buyer.url("review"))]
    buyer.confirm(ticks=("accept_terms", "accept_code"))
    texts.append(page(client, buyer.url("done")))
    link = consent_link(buyer.order.reference)
    parent = app.test_client()
    consent_page = parent.get(link).get_data(as_text=True)
    texts.append(consent_page[consent_page.index("<main") : consent_page.index("</main>")])
    data = {
        "name": "Pat Parent",
        "decision": "accept",
        "versions": hidden(consent_page, "versions"),
    }
    data.update({"accept_terms": "y", "accept_code": "y"})
    assert parent.post(link, data=data).status_code == 302
    texts.append(page(parent, link))
    texts.append(page(client, buyer.url("done")))
    for message in mails():
        texts += [message.text_body, message.html_body]
    for text in texts:
        assert untrue_promises(text) == [], text


def test_the_access_email_names_the_sign_in_pages_own_link(shop, client):
    buyer = Buyer(client)
    buyer.start_solo()
    client.post(
        buyer.url("account"),
        data={
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "password": "cobol compilers forever",
            **date_fields("1990-12-09"),
            "country": "FR",
            "legal_protection": "no",
        },
    )
    buyer.eligibility()
    buyer.details()
    buyer.card()
    buyer.confirm()
    access = next(m for m in mails() if "account is ready" in m.subject)
    named = re.search(r"use “([^”]+)”|use \"([^\"]+)\"", access.text_body)
    assert named, access.text_body
    signin = client.application.test_client().get("/signin").get_data(as_text=True)
    assert (named.group(1) or named.group(2)) in signin
