"""Each branch of checkout through the test client, on SQLite and PostgreSQL."""

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from app import clock
from app.domain.orders import OrderStatus, Plan
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    Acceptance,
    AcceptanceSubject,
    GatewayCall,
    Order,
    Payment,
    PaymentStatus,
    Price,
    Subscription,
)
from app.services import subscriptions
from tests.checkout_fixtures import (
    CHALLENGE_CARD,
    DECLINED_CARD,
    EXPIRED_CARD,
    FUNDS_CARD,
    GOOD_CARD,
    TIMEOUT_CARD,
    Buyer,
    buy_until_review,
    hidden,
)
from tests.conftest import link_in, outbox_for, path_of, sign_in
from tests.support.forms import date_fields


def text_of(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def member(shop, client, make_user):
    user = make_user()
    sign_in(client, user.email, user.password)
    return user


def test_new_account_inside_the_flow_gets_an_access_email(shop, client):
    buyer = Buyer(client)
    buyer.start_solo()
    account = client.get(buyer.url("account"))
    assert account.status_code == 200 and "Create account and continue" in text_of(account)
    response = client.post(
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
    # The date of birth and country just given are the eligibility step's answers.
    assert response.status_code == 302 and response.headers["Location"].endswith("/details")
    buyer.details()
    buyer.card()
    assert buyer.confirm().status_code == 302
    assert buyer.order.status is OrderStatus.COMPLETED and buyer.order.account_created_in_flow
    mails = outbox_for("grace@example.org")
    subjects = [m.subject for m in mails]
    assert any("account is ready" in s for s in subjects)
    access = next(m for m in mails if "account is ready" in m.subject)
    assert "cobol compilers forever" not in access.text_body
    assert path_of(link_in(access)).startswith("/signin")


def test_plus_starts_in_its_reflection_period_and_charges_nothing(member, client):
    buyer = buy_until_review(client, plan="plus")
    review = text_of(buyer.review())
    assert "Charged today" in review and "€0.00" in review
    assert "Student Code of Conduct" in review
    assert buyer.confirm(ticks=("accept_terms", "accept_code")).status_code == 302
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED and order.due_today_cents == 0
    sub = db.session.scalar(select(Subscription).where(Subscription.order_id == order.id))
    assert sub.status is SubscriptionStatus.REFLECTION
    # Recorded as the buyer's, with nothing charged (the payment only checked the method).
    (created,) = subscriptions.history(sub)
    assert (created.from_status, created.to_status) == (None, SubscriptionStatus.REFLECTION)
    assert (created.actor_id, created.amount_cents, created.currency) == (sub.user_id, None, None)
    assert sub.reflection_ends_at - sub.accepted_at == timedelta(days=7)
    assert sub.current_period_start is None and sub.anchor_date == order.first_charge_on
    payment = db.session.scalar(select(Payment))
    assert payment.amount_cents == 0 and payment.status is PaymentStatus.AUTHORISED
    subjects = {a.subject for a in db.session.scalars(select(Acceptance))}
    assert subjects == {AcceptanceSubject.TERMS, AcceptanceSubject.CODE_OF_CONDUCT}


def test_acceptance_records_version_time_and_ip(member, client):
    buyer = buy_until_review(client)
    buyer.confirm()
    rows = list(db.session.scalars(select(Acceptance).order_by(Acceptance.subject)))
    assert {r.subject for r in rows} == {
        AcceptanceSubject.TERMS,
        AcceptanceSubject.IMMEDIATE_ACCESS,
    }
    for row in rows:
        assert row.user_id == member.id and row.ip == "127.0.0.1"
        assert row.document_version.label and row.accepted_at is not None


@pytest.mark.parametrize(
    "ticks, missing",
    [
        ((), "Tick the box to accept the Terms of Service."),
        (("accept_terms",), "Tick the box to ask for immediate access"),
    ],
)
def test_missing_ticks_show_the_error_summary_and_charge_nothing(member, client, ticks, missing):
    buyer = buy_until_review(client)
    response = buyer.confirm(ticks=ticks)
    assert response.status_code == 422
    page = text_of(response)
    assert "There is a problem" in page and missing in page
    assert count(Payment) == 0 and buyer.order.status is OrderStatus.DRAFT


def test_plus_needs_the_code_of_conduct_tick(member, client):
    buyer = buy_until_review(client, plan="plus")
    response = buyer.confirm(ticks=("accept_terms",))
    assert response.status_code == 422
    assert "Student Code of Conduct" in text_of(response) and count(Payment) == 0


@pytest.mark.parametrize(
    "card, words",
    [
        (DECLINED_CARD, "Your bank declined the payment"),
        (FUNDS_CARD, "not enough funds"),
        (EXPIRED_CARD, "this card has expired"),
    ],
)
def test_a_declined_card_returns_to_the_payment_step_with_the_reason(member, client, card, words):
    buyer = buy_until_review(client, card=card)
    response = buyer.confirm()
    assert response.headers["Location"].endswith("/payment")
    page = text_of(client.get(buyer.url("payment")))
    assert words in page and "Your order and your answers are kept" in page
    order = buyer.order
    assert order.status is OrderStatus.DRAFT and order.payment_attempt == 2
    assert count(Subscription) == 0
    # Then a good card: a new attempt with its own key, one subscription.
    assert buyer.card(GOOD_CARD).status_code == 302
    assert buyer.confirm().status_code == 302
    assert buyer.order.status is OrderStatus.COMPLETED
    keys = list(db.session.scalars(select(Payment.idempotency_key).order_by(Payment.id)))
    assert keys == [f"order:{buyer.public_id}:1", f"order:{buyer.public_id}:2"]
    assert count(Subscription) == 1


def test_confirm_twice_charges_once(member, client):
    buyer = buy_until_review(client)
    html = text_of(buyer.review())
    first = buyer.confirm(review_html=html)
    second = buyer.confirm(review_html=html)  # a double click, or the back button
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Payment) == 1 and count(Subscription) == 1


def test_three_d_secure_challenge_approved_on_the_sandbox_page(member, client):
    buyer = buy_until_review(client, card=CHALLENGE_CARD)
    response = buyer.confirm()
    challenge = response.headers["Location"]
    assert "/checkout/sandbox/3ds/" in challenge
    page = client.get(challenge)
    assert page.status_code == 200
    back = client.post(challenge, data={"answer": "approve"})
    assert f"/checkout/{buyer.public_id}/return" in back.headers["Location"]
    done = client.get(path_of(back.headers["Location"]))
    assert done.headers["Location"].endswith("/done")
    assert buyer.order.status is OrderStatus.COMPLETED
    # The return replayed: nothing more happens.
    again = client.get(path_of(back.headers["Location"]))
    assert again.headers["Location"].endswith("/done") and count(Subscription) == 1


def test_three_d_secure_failed_is_a_decline(member, client):
    buyer = buy_until_review(client, card=CHALLENGE_CARD)
    challenge = buyer.confirm().headers["Location"]
    back = client.post(challenge, data={"answer": "refuse"})
    response = client.get(path_of(back.headers["Location"]))
    assert response.headers["Location"].endswith("/payment")
    assert "could not confirm that it was you" in text_of(client.get(buyer.url("payment")))


def test_paypal_approval_and_cancel_in_the_sandbox(member, client):
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    assert buyer.paypal().status_code == 302
    assert "Pay with" in text_of(buyer.review()) and "PayPal" in text_of(buyer.review())
    approval = buyer.confirm().headers["Location"]
    assert "/checkout/sandbox/paypal/" in approval
    cancelled = client.post(approval, data={"answer": "refuse"})
    response = client.get(path_of(cancelled.headers["Location"]))
    assert response.headers["Location"].endswith("/payment")
    assert "You cancelled the payment on PayPal" in text_of(client.get(buyer.url("payment")))
    approval = buyer.confirm().headers["Location"]
    approved = client.post(approval, data={"answer": "approve"})
    client.get(path_of(approved.headers["Location"]))
    order = buyer.order
    assert order.status is OrderStatus.COMPLETED
    assert order.payment_method.kind == "paypal" and order.payment_method.token


def test_a_gateway_timeout_keeps_the_order_pending_and_a_retry_does_not_charge_again(
    member, client
):
    buyer = buy_until_review(client, card=TIMEOUT_CARD)
    response = buyer.confirm()
    assert response.headers["Location"].endswith("/done")
    page = text_of(client.get(buyer.url("done")))
    assert "did not get a clear answer" in page and "Check again" in page
    assert buyer.order.status is OrderStatus.PAYMENT_PENDING
    # "Check again" asks the gateway; it finds the charge that did happen.
    again = client.post(buyer.url("confirm"))
    assert again.headers["Location"].endswith("/done")
    assert buyer.order.status is OrderStatus.COMPLETED
    from app.models import SandboxTransaction

    assert count(SandboxTransaction) == 1 and count(Payment) == 1


def test_a_price_change_since_review_goes_back_to_review_without_charging(member, client):
    buyer = buy_until_review(client)
    html = text_of(buyer.review())
    today = clock.today()
    old = db.session.scalar(
        select(Price)
        .where(Price.offer == "solo", Price.effective_from <= today)
        .order_by(Price.effective_from.desc())
    )
    old_cents = old.amount_cents
    db.session.execute(
        text("UPDATE prices SET amount_cents = amount_cents + 500 WHERE id = :id"), {"id": old.id}
    )
    db.session.commit()
    response = buyer.confirm(review_html=html)
    assert response.headers["Location"].endswith("/review")
    assert count(Payment) == 0 and buyer.order.status is OrderStatus.DRAFT
    page = text_of(client.get(buyer.url("review")))
    new_price = f"€{(old_cents + 500) / 100:.2f}"
    assert new_price in page
    assert buyer.confirm(review_html=page).status_code == 302
    assert db.session.scalar(select(Payment.amount_cents)) == old_cents + 500


def test_another_members_order_is_not_found(member, client, app, make_user):
    buyer = buy_until_review(client)
    other = make_user()
    stranger = app.test_client()
    sign_in(stranger, other.email, other.password)
    for step in ("account", "eligibility", "details", "payment", "review", "done", "return"):
        assert stranger.get(buyer.url(step)).status_code == 404, step
    for action in ("confirm", "cancel", "code", "consent/resend"):
        assert stranger.post(buyer.url(action), data={}).status_code == 404, action
        htmx = stranger.post(buyer.url(action), data={}, headers={"HX-Request": "true"})
        assert htmx.status_code == 404, action
    assert client.get("/checkout/made-up-order-id/review").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(buyer.url("review")).status_code == 404


def test_under_sixteen_is_refused_at_eligibility(member, client):
    buyer = Buyer(client)
    buyer.start_solo()
    born = date.today().replace(year=date.today().year - 15) - timedelta(days=2)
    response = buyer.eligibility(born=born.isoformat())
    assert response.status_code == 422
    assert "open from the age of 16" in text_of(response)
    assert buyer.order.date_of_birth is None
    assert client.get(buyer.url("details")).headers["Location"].endswith("/eligibility")


def test_the_start_pages_say_what_comes_and_hold_the_form(shop, client):
    """GOV.UK's start page: the plan, its price, the steps, what to have ready."""
    solo = text_of(client.get("/checkout/solo"))
    assert "<h1>Become Premium Solo</h1>" in solo and "€20.00 a month" in solo
    for words in ("Account: sign in", "Payment method: a card or PayPal", "legal representative"):
        assert words in solo
    assert 'action="/checkout/solo"' in solo and ">Start now<" in solo
    plus = text_of(client.get("/checkout/path/web-developer"))
    assert "Start Premium Plus: Web Developer" in plus and "7 days to think it over" in plus
    assert 'action="/checkout/path/web-developer"' in plus
    assert count(Order) == 0  # reading a start page starts nothing
    assert client.get("/checkout/path/no-such-path").status_code == 404
    upcoming = text_of(client.get("/checkout/path/cybersecurity-analyst"))
    assert "not open yet" in upcoming and '<form method="post" action="/checkout' not in upcoming


def test_one_live_solo_at_a_time(member, client):
    buy_until_review(client).confirm()
    # The start page says so before anything is posted...
    start = text_of(client.get("/checkout/solo"))
    assert "You already have Premium" in start and 'action="/checkout/solo"' not in start
    # ...and starting anyway is refused.
    response = client.post("/checkout/solo")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account#plans")
    assert "You already have Premium Solo" in text_of(client.get("/account"))
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_plus_ends_a_solo_at_the_end_of_its_paid_period(member, client):
    buy_until_review(client).confirm()
    solo = db.session.scalar(select(Subscription))
    buy_until_review(client, plan="plus").confirm(ticks=("accept_terms", "accept_code"))
    db.session.expire_all()
    solo = db.session.get(Subscription, solo.id)
    assert solo.status is SubscriptionStatus.CANCELLING
    assert solo.ends_on == solo.current_period_end
    plans = {s.plan for s in db.session.scalars(select(Subscription))}
    assert plans == {Plan.SOLO, Plan.PLUS}
    moves = [(e.from_status, e.to_status, e.reason) for e in subscriptions.history(solo)]
    assert moves == [
        (None, SubscriptionStatus.ACTIVE, Reason.ORDER_COMPLETED),
        (SubscriptionStatus.ACTIVE, SubscriptionStatus.CANCELLING, Reason.REPLACED_BY_PLUS),
    ]
    assert {e.actor_id for e in subscriptions.history(solo)} == {solo.user_id}


def test_an_upcoming_path_cannot_be_started(member, client):
    response = client.post("/checkout/path/cybersecurity-analyst")
    assert response.status_code == 302 and "#fund" in response.headers["Location"]
    assert count(Order) == 0


def test_card_numbers_never_reach_the_database_or_the_logs(member, client, caplog):
    import re

    from app.domain.cards import luhn_valid

    caplog.set_level(logging.DEBUG)
    buyer = buy_until_review(client, card=DECLINED_CARD)
    buyer.confirm()  # declined
    buyer.card(GOOD_CARD)
    buyer.confirm()
    assert buyer.order.status is OrderStatus.COMPLETED
    dump = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            dump.append(repr(tuple(row)))
    everything = "\n".join(dump) + caplog.text
    candidates = re.findall(r"(?<!\d)\d{13,19}(?!\d)", everything)
    assert not [number for number in candidates if luhn_valid(number)]
    assert buyer.order.payment_method.last4 == "4242"


def test_review_change_links_come_back_to_review(member, client):
    buyer = buy_until_review(client)
    page = text_of(buyer.review())
    assert page.count(">Change<") >= 5
    response = client.post(
        buyer.url("details") + "?change=1",
        data={
            "full_name": "Ada King",
            "address_line1": "1 quai de Conti",
            "postal_code": "75006",
            "city": "Paris",
            "billing_country": "FR",
            "locale": "fr",
        },
    )
    assert response.headers["Location"].endswith("/review")
    assert "Ada King" in text_of(buyer.review())
    # The card is kept when the payment step is passed again with the fields empty.
    kept = client.post(
        buyer.url("payment") + "?change=1", data={"payment_kind": "card", "holder": "y"}
    )
    assert kept.headers["Location"].endswith("/review")
    assert "Visa ending 4242" in text_of(buyer.review())


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"card_number": ""}, "card_number", "Enter your card number."),
        ({"card_number": "4242 4242 4242 4241"}, "card_number", "This card number is not valid"),
        ({"card_expiry": "01/20"}, "card_expiry", "This card has expired"),
        ({"card_expiry": "13/40"}, "card_expiry", "Enter the expiry date as shown"),
        ({"card_cvc": "12"}, "card_cvc", "Enter the 3-digit security code"),
        ({"holder": None}, "holder", "Confirm that you hold this payment method"),
    ],
)
def test_payment_step_errors_are_next_to_their_field(member, client, fields, field, message):
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    data = {
        "payment_kind": "card",
        "card_number": GOOD_CARD,
        "card_expiry": "04/39",
        "card_cvc": "123",
        "holder": "y",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(buyer.url("payment"), data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="{field}-error"' in page and message in page
    # The number is never put back into the page (only the test-card table shows it).
    assert 'value="4242' not in page and buyer.order.payment_method_id is None


def test_every_mistake_on_the_payment_step_is_said_at_once(member, client):
    """One submit with a mistyped number, an expired card, a short code and no holder's
    statement: four errors, each next to its field, and nothing saved."""
    buyer = Buyer(client)
    buyer.start_solo()
    buyer.eligibility()
    buyer.details()
    data = {
        "payment_kind": "card",
        "card_number": "4242 4242 4242 4241",
        "card_expiry": "01/20",
        "card_cvc": "12",
    }
    response = client.post(buyer.url("payment"), data=data)
    assert response.status_code == 422
    page = text_of(response)
    for field in ("card_number", "card_expiry", "card_cvc", "holder"):
        assert f'id="{field}-error"' in page, field
    assert "This card number is not valid" in page and "This card has expired" in page
    assert buyer.order.payment_method_id is None


def test_htmx_step_answers_with_the_fragment(member, client):
    buyer = Buyer(client)
    buyer.start_solo()
    response = client.post(buyer.url("eligibility"), data={}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = text_of(response)
    assert "<!doctype" not in body and 'id="step"' in body and "<title>Error:" in body
    assert "HX-Request" in response.headers["Vary"]


def test_order_summary_email_matches_the_review(member, client):
    buyer = buy_until_review(client, locale="fr")
    html = text_of(buyer.review())
    buyer.confirm(review_html=html)
    order = buyer.order
    mail = next(m for m in outbox_for(member.email) if order.reference in m.subject)
    assert mail.locale == "fr"
    amount = f"{order.due_today_cents / 100:.2f}".replace(".", ",")
    assert amount in mail.text_body
    assert hidden(html, "figures")


def test_the_profile_shows_the_plan_and_waiting_orders(member, client):
    assert "See the premium plans" in text_of(client.get("/account"))
    buy_until_review(client, plan="plus").confirm(ticks=("accept_terms", "accept_code"))
    page = text_of(client.get("/account"))
    assert "Premium Plus" in page and "reflection period until" in page


def test_after_a_decline_the_declined_card_is_not_offered_again(member, client):
    buyer = buy_until_review(client, card=DECLINED_CARD)
    buyer.confirm()
    page = text_of(client.get(buyer.url("payment")))
    assert "Leave the fields empty to keep it" not in page
    response = client.post(buyer.url("payment"), data={"payment_kind": "card", "holder": "y"})
    assert response.status_code == 422 and "Enter your card number." in text_of(response)


def test_a_buyer_who_leaves_the_approval_page_can_choose_another_way_to_pay(member, client):
    buyer = buy_until_review(client, card=CHALLENGE_CARD)
    challenge = buyer.confirm().headers["Location"]
    page = text_of(client.get(buyer.url("done")))
    assert "Continue to approve the payment" in page and "Choose another way to pay" in page
    response = client.post(buyer.url("payment/abandon"))
    assert response.headers["Location"].endswith("/payment")
    assert "You left the payment unfinished" in text_of(client.get(buyer.url("payment")))
    assert buyer.order.status is OrderStatus.DRAFT
    # The old challenge, answered late, changes nothing.
    late = client.post(challenge, data={"answer": "approve"})
    client.get(path_of(late.headers["Location"]))
    assert buyer.order.status is OrderStatus.DRAFT and count(Subscription) == 0
    buyer.card(GOOD_CARD)
    buyer.confirm()
    assert buyer.order.status is OrderStatus.COMPLETED


def test_an_approval_the_shop_never_completes_charges_nothing(member, client):
    from app.models import SandboxTransaction

    buyer = buy_until_review(client, card=CHALLENGE_CARD)
    challenge = buyer.confirm().headers["Location"]
    client.post(buyer.url("payment/abandon"))
    client.post(challenge, data={"answer": "approve"})
    bank = db.session.scalar(select(SandboxTransaction))
    assert bank.status == "approved"  # approved by the buyer, never charged


def test_every_gateway_call_of_a_payment_names_its_order(member, client):
    buyer = buy_until_review(client, card=DECLINED_CARD)
    buyer.confirm()
    buyer.card(GOOD_CARD)
    buyer.confirm()
    order = buyer.order
    calls = db.session.scalars(
        select(GatewayCall).where(GatewayCall.idempotency_key.is_not(None))
    ).all()
    assert {call.operation for call in calls} >= {"charge"}
    assert {call.order_id for call in calls} == {order.id}
