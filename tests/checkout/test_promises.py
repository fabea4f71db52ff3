"""Every page and email of checkout promises only what the site does: withdrawing
(the Plus reflection period, the Solo 14 days) and cancelling are done from My account →
Premium, and each link promised there leads to a page that offers the action to the new
subscriber; Student Success (/contact) is named for questions only."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.checkout.test_consent import consent_link, minor_until_review, seventeen_today
from tests.checkout_fixtures import Buyer, buy_until_review, hidden
from tests.conftest import path_of, sign_in
from tests.support.forms import date_fields

# What the pages used to promise, in both languages: everything open at once, and
# withdrawing or cancelling by writing to Student Success once the Premium tab did it.
UNTRUE = [
    r"open to you now",
    r"starts now",
    r"vous est ouvert",
    r"(withdraw|cancel)[^.]*writ\w* to Student Success",
    r"writ\w* to Student Success[^.]*(withdraw|cancel)",
    r"(rétracter|résilier)[^.]*écri\w* à Student Success",
    r"écri\w* à Student Success[^.]*(rétracter|résilier)",
]
TAB = "/account/premium"
EMAIL_TAB = "http://atelier.test/account/premium"  # PUBLIC_URL under test


def untrue_promises(text: str) -> list[str]:
    return [p for p in UNTRUE if re.search(p, text, re.I)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    # The account menu is not checkout's: only the page's own content counts.
    return html[html.index("<main") : html.index("</main>")]


def tab_links(html: str) -> list[str]:
    return re.findall(r'href="((?:https?://[^/"]+)?/account/premium)"', html)


def offers(client, link: str, plan: str) -> None:
    """The Premium tab, opened from `link` as the new subscriber, has the way to withdraw
    and, for Solo, to cancel; the Solo withdrawal's own page confirms it."""
    tab = page(client, path_of(link))
    if plan == "plus":
        # In the reflection period: withdrawn in one step, a form on the tab itself.
        assert "Withdraw now, at no cost" in tab
        assert re.search(r'<form method="post" action="/account/premium/\d+/withdraw"', tab)
    else:
        assert "Cancel the subscription" in tab
        withdraw = re.search(r'href="(/account/premium/\d+/withdraw)"', tab)
        assert withdraw and "Withdraw with a full refund" in tab
        confirm = page(client, withdraw.group(1))
        assert re.search(r'<form method="post" action="/account/premium/\d+/withdraw"', confirm)
        cancel = re.search(r'href="(/account/premium/\d+/cancel)"', tab)
        assert cancel and "<form" in page(client, cancel.group(1))


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
    assert tab_links(review) == [TAB, TAB] if plan == "plus" else [TAB]
    ticks = (
        ("accept_terms", "immediate_access") if plan == "solo" else ("accept_terms", "accept_code")
    )
    buyer.confirm(ticks=ticks)
    done = page(client, buyer.url("done"))
    assert untrue_promises(done) == []
    assert tab_links(done) == [TAB, TAB]  # withdrawing, then cancelling
    assert 'href="/contact"' in done and buyer.order.reference in done
    (summary,) = [m for m in mails() if buyer.order.reference in m.subject]
    assert summary.locale == locale
    for body in (summary.text_body, summary.html_body):
        assert untrue_promises(body) == [], body
        assert EMAIL_TAB in body and "http://atelier.test/contact" in body
    assert tab_links(summary.html_body) == [EMAIL_TAB]
    for link in tab_links(review) + tab_links(done) + tab_links(summary.html_body):
        offers(client, link, plan)


def test_what_the_confirmation_says_is_true_today(member, client):
    buyer = buy_until_review(client)
    buyer.confirm()
    done = page(client, buyer.url("done"))
    assert "Premium Solo is active" in done
    assert "includes the quizzes and assignments of every course" in done
    assert "withdraw within 14 days" in done and f'<a href="{TAB}">My account → Premium</a>' in done
    # §6.1: the immediate access asked for is waived by its first use, and what that is.
    assert "Your first use ends this right: opening a quiz or an assignment" in done
    (summary,) = [m for m in mails() if buyer.order.reference in m.subject]
    assert "once you use it (opening a quiz or an assignment" in summary.text_body
    assert "Student Success" in done and "For any other question" in done


def test_the_plus_confirmation_says_how_to_withdraw(member, client):
    buyer = buy_until_review(client, plan="plus")
    buyer.confirm(ticks=("accept_terms", "accept_code"))
    done = page(client, buyer.url("done"))
    assert (
        "you can withdraw at no cost, in one step, from "
        f'<a href="{TAB}">My account → Premium</a>' in done
    )
    # The requests the tab takes for a Plus (path change, force majeure) are said too.
    assert "ask to change Learning Path" in done and 'href="/contact"' in done


def test_the_french_pages_name_the_tab_in_french(shop, client, make_user):
    user = make_user(locale="fr")
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client, plan="plus", locale="fr")
    buyer.confirm(ticks=("accept_terms", "accept_code"))
    done = page(client, buyer.url("done"))
    assert f'<a href="{TAB}">Mon compte → Premium</a>' in done
    assert "en une seule étape" in done


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
    # Before the representative accepts there is no subscription: the Review says the
    # tab's withdrawal applies once they accept, and the waiting page promises none.
    assert "Once your legal representative accepts" in texts[0] and TAB in texts[0]
    assert TAB not in texts[1]
    # Once they accept, the learner's order email links to the tab that offers it.
    (summary,) = [m for m in mails() if m.recipient == user.email and TAB in m.text_body]
    (link,) = tab_links(summary.html_body)
    offers(client, link, "plus")


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
