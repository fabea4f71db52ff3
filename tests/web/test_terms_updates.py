"""A material change of the Terms of Service (§1): staff publish it with what changed,
every live subscriber is emailed and sees a banner with the 30-day deadline, accepts or
cancels at no cost (effective at the period's end), and at the deadline the billing job
records acceptance by continued use for those who stayed."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.domain.subscriptions import SubscriptionStatus
from app.domain.terms_updates import TermsResponse
from app.extensions import db
from app.models import DocumentKind, DocumentVersion, Subscription, TermsAnswer
from app.services import legal_documents, terms_updates
from tests.conftest import outbox_for, sign_in
from tests.support.billing import card_of, run_billing

S = SubscriptionStatus
PUBLISHED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def published(app, monkeypatch):
    """Version 2026-03 of the Terms, material, published on 1 March 2026."""
    legal_documents.seed(render_pdfs=False)
    db.session.commit()

    def publish(material=True):
        monkeypatch.setattr(clock, "now", lambda: PUBLISHED)
        # Added as published on that day (publish() stamps the real time).
        version = DocumentVersion(
            kind=DocumentKind.TERMS,
            label="2026-03",
            body_en="## 1. Terms\nNew text.\n",
            body_fr="## 1. Conditions\nNouveau texte.\n",
            change_summary_en="The Plus price goes up to €320 a month.",
            change_summary_fr="Le prix de Plus passe à 320 € par mois.",
            material=material,
            published_at=PUBLISHED,
        )
        db.session.add(version)
        db.session.flush()
        terms_updates.announce(version)
        db.session.commit()
        return version

    return publish


@pytest.fixture
def subscriber(app, make_user, make_subscription):
    def factory(locale="en"):
        user = make_user(locale=locale)
        sub = make_subscription(user)  # accepted on 5 January 2026, before the change
        sub.current_period_end = date(2026, 3, 5)
        sub.payment_method_id = card_of(user, "success").id  # its renewals are paid
        db.session.commit()
        client = app.test_client()
        sign_in(client, user.email, user.password)
        return user, sub, client

    return factory


def html(response) -> str:
    return response.get_data(as_text=True)


def answers() -> list[TermsAnswer]:
    db.session.expire_all()
    return list(db.session.scalars(select(TermsAnswer).order_by(TermsAnswer.id)))


def test_subscribers_are_emailed_what_changed_and_the_deadline(published, subscriber, make_user):
    user, _sub, _client = subscriber()
    french, _fsub, _fclient = subscriber(locale="fr")
    bystander = make_user()
    published()
    [mail] = [m for m in outbox_for(user.email) if "Terms of Service change" in m.subject]
    assert "31 March 2026" in mail.subject
    assert "The Plus price goes up to €320 a month." in mail.text_body
    assert "/account/terms/2026-03" in mail.text_body
    [mail_fr] = outbox_for(french.email)[-1:]
    assert "Le prix de Plus passe à 320 € par mois." in mail_fr.text_body
    assert [m for m in outbox_for(bystander.email) if "Terms" in m.subject] == []


def test_a_change_that_is_not_material_tells_nobody(published, subscriber):
    user, _sub, client = subscriber()
    published(material=False)
    assert [m for m in outbox_for(user.email) if "Terms" in m.subject] == []
    assert "/account/terms/2026-03" not in html(client.get("/account"))
    assert client.get("/account/terms/2026-03").status_code == 404


def test_the_banner_then_accept(published, subscriber, monkeypatch):
    user, _sub, client = subscriber()
    published()
    monkeypatch.setattr(clock, "now", lambda: PUBLISHED + timedelta(days=2))
    page = html(client.get("/account"))
    assert "The Terms of Service change on points that matter" in page
    assert "The Plus price goes up to €320 a month." in page
    assert 'href="/account/terms/2026-03"' in page and "by 31 March 2026" in page
    page = html(client.get("/account/terms/2026-03"))
    assert "Accept the new version" in page and "Cancel my subscription at no cost" in page
    page = html(client.post("/account/terms/2026-03/accept", follow_redirects=True))
    assert "your acceptance of the Terms of Service 2026-03 is recorded" in page
    assert "The Terms of Service change on points" not in page
    [answer] = answers()
    assert (answer.user_id, answer.response) == (user.id, TermsResponse.ACCEPTED)
    # Twice: one answer; the page is no longer offered.
    assert client.post("/account/terms/2026-03/accept").status_code == 404
    assert len(answers()) == 1


def test_cancel_in_answer_is_free_and_runs_to_the_period_end(published, subscriber, monkeypatch):
    _user, sub, client = subscriber()
    published()
    monkeypatch.setattr(clock, "now", lambda: PUBLISHED + timedelta(days=2))
    client.post("/account/terms/2026-03/cancel")
    sub = db.session.get(Subscription, sub.id)
    assert sub.status is S.CANCELLING and sub.ends_on == date(2026, 3, 5)
    [answer] = answers()
    assert answer.response is TermsResponse.CANCELLED


def test_at_the_deadline_the_job_records_continued_use_once(
    published, subscriber, monkeypatch, make_user, make_subscription
):
    stayed, _s1, _c1 = subscriber()
    accepted, _s2, accepted_client = subscriber()
    published()
    monkeypatch.setattr(clock, "now", lambda: PUBLISHED + timedelta(days=1))
    accepted_client.post("/account/terms/2026-03/accept")
    # Subscribed after the change: accepted it at checkout, nothing to record.
    newcomer = make_user()
    late = make_subscription(newcomer)
    late.accepted_at = PUBLISHED + timedelta(days=3)
    db.session.commit()
    run_billing(monkeypatch, PUBLISHED + timedelta(days=29))
    assert [a.response for a in answers()] == [TermsResponse.ACCEPTED]
    summary = run_billing(monkeypatch, PUBLISHED + timedelta(days=30))
    found = {(a.user_id, a.response) for a in answers()}
    assert found == {
        (accepted.id, TermsResponse.ACCEPTED),
        (stayed.id, TermsResponse.CONTINUED_USE),
    }
    assert any(s.name == "terms deadlines" and s.done == 1 for s in summary.steps)
    run_billing(monkeypatch, PUBLISHED + timedelta(days=31))
    assert len(answers()) == 2


def test_staff_publishing_a_material_version_emails_the_subscribers(app, subscriber, staff_client):
    legal_documents.seed(render_pdfs=False)
    db.session.commit()
    user, _sub, _client = subscriber()
    response = staff_client.post(
        "/staff/documents/new",
        data={
            "action": "publish",
            "kind": "terms",
            "label": "2027-01",
            "change_summary_en": "Plus lasts 14 months.",
            "change_summary_fr": "Plus dure 14 mois.",
            "body_en": "## 1. Terms\nText.",
            "body_fr": "## 1. Conditions\nTexte.",
            "material": "y",
        },
        follow_redirects=True,
    )
    assert "1 subscribers have been emailed" in html(response)
    assert [m for m in outbox_for(user.email) if "Terms of Service change" in m.subject]


def test_members_without_a_subscription_see_no_banner(published, app, make_user, monkeypatch):
    published()
    member = make_user()
    client = app.test_client()
    sign_in(client, member.email, member.password)
    monkeypatch.setattr(clock, "now", lambda: PUBLISHED + timedelta(days=1))
    assert "The Terms of Service change" not in html(client.get("/account"))
    assert client.get("/account/terms/2026-03").status_code == 404
