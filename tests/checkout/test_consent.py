"""A 16- or 17-year-old's order, or a protected adult's, waits for the legal
representative's answer through a signed link that works for seven days."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.orders import OrderStatus
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    Acceptance,
    AcceptedBy,
    ConsentDecision,
    Payment,
    RepresentativeConsent,
    Subscription,
)
from tests.checkout_fixtures import Buyer, hidden
from tests.conftest import link_in, outbox_for, path_of, sign_in

PARENT = "parent@example.org"


def seventeen_today() -> str:
    today = date.today()
    return today.replace(year=today.year - 17).isoformat()


@pytest.fixture
def minor(shop, client, make_user):
    user = make_user(born=date.fromisoformat(seventeen_today()))
    sign_in(client, user.email, user.password)
    return user


def minor_until_review(client, plan="solo") -> Buyer:
    buyer = Buyer(client)
    buyer.start_solo() if plan == "solo" else buyer.start_plus()
    assert buyer.eligibility(born=seventeen_today()).status_code == 302
    assert buyer.order.needs_consent
    missing = buyer.details()
    assert missing.status_code == 422
    assert "Enter your legal representative" in missing.get_data(as_text=True)
    response = buyer.details(representative_name="Pat Parent", representative_email=PARENT)
    assert response.status_code == 302
    assert buyer.card().status_code == 302
    return buyer


def consent_link(order_reference: str) -> str:
    mail = next(m for m in outbox_for(PARENT) if "consent" in m.subject.lower())
    return path_of(link_in(mail))


def test_confirm_waits_for_the_representative_and_charges_nothing(minor, client):
    buyer = minor_until_review(client)
    assert "your legal representative" in buyer.review().get_data(as_text=True)
    assert buyer.confirm().headers["Location"].endswith("/done")
    order = buyer.order
    assert order.status is OrderStatus.AWAITING_CONSENT
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    page = client.get(buyer.url("done")).get_data(as_text=True)
    assert "Waiting for your legal representative" in page and PARENT in page
    assert outbox_for(PARENT) and any("asked" in m.subject for m in outbox_for(minor.email))


def test_the_representative_accepts_through_the_link(minor, client, app):
    buyer = minor_until_review(client)
    buyer.confirm()
    link = consent_link(buyer.order.reference)
    parent = app.test_client()
    page = parent.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pat Parent" in html
    assert "Terms of Service, version" in html and "Accept the order" in html
    missing_tick = parent.post(link, data={"name": "Pat Parent", "decision": "accept"})
    assert missing_tick.status_code == 422
    response = parent.post(
        link,
        data={
            "name": "Pat Parent",
            "accept_terms": "y",
            "immediate_access": "y",
            "versions": hidden(html, "versions"),
            "decision": "accept",
        },
        headers={"User-Agent": "ParentBrowser/1.0"},
    )
    assert response.status_code == 302
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED
    decision = db.session.scalar(select(RepresentativeConsent))
    assert decision.decision is ConsentDecision.ACCEPTED and decision.name == "Pat Parent"
    assert decision.ip == "127.0.0.1" and decision.user_agent == "ParentBrowser/1.0"
    by_parent = list(
        db.session.scalars(
            select(Acceptance).where(Acceptance.accepted_by == AcceptedBy.REPRESENTATIVE)
        )
    )
    assert by_parent and all(a.representative_name == "Pat Parent" for a in by_parent)
    sub = db.session.scalar(select(Subscription))
    assert sub.status is SubscriptionStatus.ACTIVE
    assert any(order.reference in m.subject for m in outbox_for(minor.email))
    assert any("Your answer" in m.subject for m in outbox_for(PARENT))
    # A second answer through the same link changes nothing.
    again = parent.post(link, data={"name": "Someone", "decision": "refuse"})
    assert again.status_code in (200, 302)
    assert db.session.scalar(select(func.count()).select_from(RepresentativeConsent)) == 1
    assert buyer.order.status is OrderStatus.COMPLETED


def test_the_representative_refuses(minor, client, app):
    buyer = minor_until_review(client, plan="plus")
    buyer.confirm(ticks=("accept_terms", "accept_code"))
    link = consent_link(buyer.order.reference)
    parent = app.test_client()
    parent.post(link, data={"name": "Pat Parent", "decision": "refuse"})
    assert buyer.order.status is OrderStatus.CANCELLED
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert any("refused" in m.subject for m in outbox_for(minor.email))


def test_an_expired_or_forged_link_is_refused(minor, client, make_app):
    buyer = minor_until_review(client)
    buyer.confirm()
    link = consent_link(buyer.order.reference)
    expired = make_app(CONSENT_TOKEN_MAX_AGE=timedelta(seconds=-1)).test_client()
    response = expired.get(link)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    forged = client.get(link[:-3] + "abc")
    assert forged.status_code == 400
    assert buyer.order.status is OrderStatus.AWAITING_CONSENT


def test_a_protected_adult_needs_consent_too(shop, client, make_user):
    user = make_user(legal_protection=True)
    sign_in(client, user.email, user.password)
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility(protected="yes")
    assert buyer.order.needs_consent


def test_own_email_is_not_a_representative(minor, client):
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility(born=seventeen_today())
    response = buyer.details(representative_name="Me", representative_email=minor.email)
    assert response.status_code == 422
    assert "not your own" in response.get_data(as_text=True)


def test_the_learner_can_resend_or_cancel_while_waiting(minor, client):
    buyer = minor_until_review(client)
    buyer.confirm()
    before = len(outbox_for(PARENT))
    client.post(buyer.url("consent/resend"))
    assert len(outbox_for(PARENT)) == before + 1
    client.post(buyer.url("cancel"))
    assert buyer.order.status is OrderStatus.CANCELLED
