"""Settings → Payment: the method the subscriptions are charged to (brand, last four
digits and expiry, or the PayPal account), a new card kept through the sandbox gateway
for the next payments, and the billing job's reminder a month before a card expires
(so that a renewal does not fail for it, Terms §3.2)."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import OutboxMessage, PaymentMethod, Subscription
from tests.conftest import outbox_for, sign_in
from tests.support.billing import card_of, renewing, run_billing

S = SubscriptionStatus
TAB = "/account/payment"
GOOD = {
    "card_number": "4242 4242 4242 4242",
    "card_expiry": "04/39",
    "card_cvc": "123",
    "holder": "y",
}


def html(response) -> str:
    return response.get_data(as_text=True)


def subscriber(app, make_user, make_subscription, plan=Plan.SOLO):
    user = make_user()
    sub = renewing(make_subscription(user, plan))
    client = app.test_client()
    sign_in(client, user.email, user.password)
    return user, sub, client


def test_the_tab_shows_the_card_the_subscription_is_charged_to(app, make_user, make_subscription):
    _user, _sub, client = subscriber(app, make_user, make_subscription)
    page = html(client.get(TAB))
    assert "Visa card ending 4242, expires 04/2039" in page
    assert f'href="{TAB}"' in page  # in the settings navigation
    assert "4242 4242 4242 4242" in page  # the sandbox's test cards, said as such
    assert client.get(TAB).headers["Cache-Control"] == "private, no-store"


def test_a_paypal_account_is_shown_by_its_email(app, make_user, make_subscription):
    user, sub, client = subscriber(app, make_user, make_subscription)
    method = PaymentMethod(
        user_id=user.id,
        gateway="sandbox",
        kind="paypal",
        token="B-1",
        payer_email="kim@pay.example",
    )
    db.session.add(method)
    db.session.flush()
    db.session.get(Subscription, sub.id).payment_method_id = method.id
    db.session.commit()
    assert "PayPal account kim@pay.example" in html(client.get(TAB))


def test_a_new_card_is_kept_for_the_next_payments(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    data = {**GOOD, "card_number": "5555 5555 5555 4444"}
    response = client.post(TAB, data=data, follow_redirects=True)
    assert "charged to the Mastercard card ending 4444" in html(response)
    db.session.expire_all()
    method = db.session.get(PaymentMethod, db.session.get(Subscription, sub.id).payment_method_id)
    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "mastercard",
        "4444",
        4,
        2039,
    )
    assert "5555555555554444" not in (method.token or "")


def test_a_bad_card_is_refused_next_to_its_field_and_nothing_changes(
    app, make_user, make_subscription
):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    before = sub.payment_method_id
    response = client.post(TAB, data={**GOOD, "card_number": "4242 4242 4242 4241"})
    assert response.status_code == 422 and 'id="card_number-error"' in html(response)
    response = client.post(TAB, data={**GOOD, "holder": ""})
    assert response.status_code == 422
    assert "Confirm that you hold this payment method" in html(response)
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).payment_method_id == before


def test_every_mistake_in_the_card_form_is_said_at_once(app, make_user, make_subscription):
    """The sandbox's fields are checked with the holder's statement: a mistyped number,
    no expiry date, no code and the box left unticked give four errors in one answer."""
    _user, sub, client = subscriber(app, make_user, make_subscription)
    before = sub.payment_method_id
    response = client.post(
        TAB,
        data={
            **GOOD,
            "card_number": "4242 4242 4242 4241",
            "card_expiry": "",
            "card_cvc": "",
            "holder": "",
        },
    )
    assert response.status_code == 422
    page = html(response)
    for field in ("card_number", "card_expiry", "card_cvc", "holder"):
        assert f'id="{field}-error"' in page, field
    assert "This card number is not valid" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).payment_method_id == before


def test_without_a_subscription_there_is_no_card_form(app, make_user, client):
    user = make_user()
    sign_in(client, user.email, user.password)
    page = html(client.get(TAB))
    assert "no payment method is kept for you" in page and "card_number" not in page
    assert client.post(TAB, data=GOOD).status_code == 200
    assert db.session.scalars(select(PaymentMethod)).all() == []


def test_a_member_changes_only_their_own_subscriptions(app, make_user, make_subscription):
    _owner, theirs, _client = subscriber(app, make_user, make_subscription)
    _other, mine, intruder = subscriber(app, make_user, make_subscription)
    before, mine_before = theirs.payment_method_id, mine.payment_method_id
    intruder.post(TAB, data=GOOD)
    db.session.expire_all()
    assert db.session.get(Subscription, theirs.id).payment_method_id == before
    assert db.session.get(Subscription, mine.id).payment_method_id != mine_before


def test_the_job_reminds_a_month_before_the_card_expires_once(
    app, make_user, make_subscription, monkeypatch
):
    user = make_user()
    sub = make_subscription(user)
    method = card_of(user)
    method.exp_month, method.exp_year = 3, 2026
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = method.id
    db.session.commit()
    run_billing(monkeypatch, datetime(2026, 2, 27, 8, 0, tzinfo=UTC))
    assert [m for m in outbox_for(user.email) if "expires soon" in m.subject] == []
    summary = run_billing(monkeypatch, datetime(2026, 2, 28, 8, 0, tzinfo=UTC))
    [mail] = [m for m in outbox_for(user.email) if "expires soon" in m.subject]
    assert "ending 4242 expires at the end of 03/2026" in mail.text_body
    assert "/account/payment" in mail.text_body
    assert any(s.name == "card expiry notices" and s.done == 1 for s in summary.steps)
    run_billing(monkeypatch, datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    assert len([m for m in outbox_for(user.email) if "expires soon" in m.subject]) == 1


def test_a_card_no_live_subscription_uses_gets_no_reminder(
    app, make_user, make_subscription, monkeypatch
):
    user = make_user()
    sub = make_subscription(user, Plan.SOLO, S.ENDED)
    method = card_of(user)
    method.exp_month, method.exp_year = 3, 2026
    db.session.get(Subscription, sub.id).payment_method_id = method.id
    db.session.commit()
    run_billing(monkeypatch, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    assert (
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.like("%expires soon"))
        ).all()
        == []
    )
