"""A minor's Review says what happens: nothing is charged now; the first charge comes
when the legal representative accepts (for Plus, when the reflection period that starts
with that acceptance ends). What the representative's acceptance charges is what Review
said, and the figures Confirm checks are the ones Review shows."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.orders import OrderStatus
from app.extensions import db
from app.models import Payment
from tests.checkout.test_consent import PARENT, consent_link, minor_until_review, seventeen_today
from tests.checkout_fixtures import Buyer, buy_until_review, hidden
from tests.conftest import sign_in


@pytest.fixture
def minor(shop, client, make_user):
    user = make_user(born=date.fromisoformat(seventeen_today()))
    sign_in(client, user.email, user.password)
    return user


def rows(html: str) -> dict[str, str]:
    """The summary lists of a page: key -> value, as text."""
    found = re.findall(
        r'<dt class="summary-list__key">(.*?)</dt>\s*<dd class="summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    return {re.sub(r"<[^>]+>", "", k).strip(): re.sub(r"<[^>]+>", "", v).strip() for k, v in found}


def euros(text: str) -> int:
    return int(re.search(r"€([\d,]+\.\d\d)", text).group(1).replace(",", "").replace(".", ""))


def accept(app, link: str, *ticks: str):
    parent = app.test_client()
    page = parent.get(link).get_data(as_text=True)
    data = {"name": "Pat Parent", "decision": "accept", "versions": hidden(page, "versions")}
    data.update(dict.fromkeys(ticks, "y"))
    return parent.post(link, data=data)


def test_a_minors_solo_review_charges_nothing_now_and_says_when(minor, client, app):
    buyer = minor_until_review(client, plan="solo")
    html = buyer.review().get_data(as_text=True)
    shown = rows(html)
    assert shown["Charged today"] == "€0.00"
    at_acceptance = shown["When your legal representative accepts"]
    assert euros(at_acceptance) == 2000
    assert "one month after your legal representative accepts" in shown["Then"]
    # No date is promised for charges that move with the acceptance.
    assert not re.search(r"\d{4}", shown["Then"])
    assert buyer.confirm(review_html=html).headers["Location"].endswith("/done")
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert (
        accept(
            app, consent_link(buyer.order.reference), "accept_terms", "immediate_access"
        ).status_code
        == 302
    )
    assert db.session.scalar(select(Payment.amount_cents)) == euros(at_acceptance)
    assert buyer.order.status is OrderStatus.COMPLETED


def test_a_minors_plus_review_counts_the_reflection_from_the_acceptance(minor, client):
    buyer = minor_until_review(client, plan="plus")
    html = buyer.review().get_data(as_text=True)
    shown = rows(html)
    assert shown["Charged today"] == "€0.00"
    first = shown["First charge"]
    assert "7 days after your legal representative accepts" in first
    assert not re.search(r"\d{4}", first)
    assert "one month after the first charge" in shown["Then"]
    assert "Once your legal representative accepts, you have 7 days" in html
    assert "After you confirm, you have 7 days" not in html


def test_an_adults_review_keeps_its_dates(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    shown = rows(buy_until_review(client).review().get_data(as_text=True))
    assert shown["Charged today"] == "€20.00"
    assert "When your legal representative accepts" not in shown
    assert re.search(r"\d{4}", shown["Then"])


def test_the_figures_confirm_checks_include_who_must_accept_first(minor, client):
    """Reviewed as a minor's order, then made an adult's in another tab: the page said
    nothing is charged now, so Confirm charges nothing and shows the new figures."""
    buyer = minor_until_review(client, plan="solo")
    html = buyer.review().get_data(as_text=True)
    assert buyer.eligibility(born="1990-05-17").status_code == 302
    response = buyer.confirm(review_html=html)
    assert response.headers["Location"].endswith("/review")
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert buyer.order.status is OrderStatus.DRAFT
    assert rows(buyer.review().get_data(as_text=True))["Charged today"] == "€20.00"


def test_the_link_validity_said_is_the_one_set(shop, make_app, make_user):
    client = make_app(CONSENT_TOKEN_MAX_AGE=timedelta(days=3)).test_client()
    user = make_user(born=date.fromisoformat(seventeen_today()))
    sign_in(client, user.email, user.password)
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility(born=seventeen_today())
    buyer.details(representative_name="Pat Parent", representative_email=PARENT)
    buyer.card()
    assert "It works for 3 days, and you can send it again" in buyer.review().get_data(as_text=True)
    buyer.confirm()
    assert "The link works for 3 days" in client.get(buyer.url("done")).get_data(as_text=True)
