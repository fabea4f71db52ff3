"""Settings → Payment, "Pay with PayPal instead" with the sandbox gateway (the default),
end to end through the test client (issue 13, Terms §3.1): a billing agreement for one
subscription at its monthly price, no setup fee, first cycle on the next billing date,
approved on the sandbox's PayPal page; cancelled there, replayed, someone else's or
clicked twice, nothing changes but what should."""

from datetime import date, timedelta

from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    ChangeStatus,
    MethodChange,
    PaymentMethod,
    SandboxTransaction,
    Subscription,
)
from tests.conftest import path_of, sign_in
from tests.support.billing import renewing

S = SubscriptionStatus
TAB = "/account/payment"
START = "/account/payment/paypal"


def html(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def subscriber(app, make_user, make_subscription, status=None):
    user = make_user()
    sub = renewing(make_subscription(user, Plan.SOLO, status), period_end=date(2026, 2, 5))
    client = app.test_client()
    sign_in(client, user.email, user.password)
    return user, sub, client


def method_of(sub) -> PaymentMethod:
    db.session.expire_all()
    return db.session.get(PaymentMethod, db.session.get(Subscription, sub.id).payment_method_id)


def start(client, sub, holder="y"):
    return client.post(START, data={"paypal_holder": holder, "subscription": sub.id})


def answer(client, approval: str, choice: str):
    """The member's answer on the sandbox's PayPal page, then back to the site."""
    back = client.post(path_of(approval), data={"answer": choice})
    return client.get(path_of(back.headers["Location"]))


def test_the_tab_offers_paypal_for_the_next_payment(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    page = html(client.get(TAB))
    assert "Pay with PayPal instead" in page
    assert f'name="subscription" value="{sub.id}"' in page
    assert "Premium Solo: €20.00 a month from 5 February 2026." in page
    assert 'id="paypal_holder"' in page


def test_approved_on_the_sandbox_page_the_subscription_is_charged_to_paypal(
    app, make_user, make_subscription
):
    """§3.1: the agreement bills the month after the one paid, nothing now."""
    _user, sub, client = subscriber(app, make_user, make_subscription)
    card = method_of(sub)
    approval = start(client, sub).headers["Location"]
    assert "/checkout/sandbox/paypal/" in approval
    (row,) = db.session.scalars(select(SandboxTransaction))
    assert (row.kind, row.amount_cents, row.currency) == ("paypal", 0, "EUR")
    shown = html(client.get(path_of(approval)))
    assert "Sandbox PayPal" in shown
    assert "nothing is taken now, then each monthly payment" in shown
    assert "from 5 February 2026" in shown
    back = answer(client, approval, "approve")
    assert back.headers["Location"].endswith(TAB)
    page = html(client.get(TAB))
    assert "paid through PayPal" in page and "PayPal account" in page
    method = method_of(sub)
    assert method.id != card.id and method.kind == "paypal" and method.token
    (change,) = db.session.scalars(select(MethodChange))
    assert change.status is ChangeStatus.DONE and change.payment_method_id == method.id
    assert (change.monthly_cents, change.first_charge_on) == (2000, date(2026, 2, 5))


def test_the_holder_statement_is_asked_for_and_nothing_starts_without_it(
    app, make_user, make_subscription
):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    response = start(client, sub, holder="")
    assert response.status_code == 422
    page = html(response)
    assert 'id="paypal_holder-error"' in page and 'href="#paypal_holder"' in page
    assert "<title>Error:" in page
    assert count(MethodChange) == 0 and count(SandboxTransaction) == 0


def test_cancelled_on_paypal_nothing_changes(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    card = method_of(sub)
    approval = start(client, sub).headers["Location"]
    back = answer(client, approval, "refuse")
    assert back.headers["Location"].endswith(TAB)
    assert "You cancelled on PayPal, so nothing has changed" in html(client.get(TAB))
    assert method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.CANCELLED
    # A new click starts a new agreement.
    again = start(client, sub).headers["Location"]
    assert again != approval and count(MethodChange) == 2


def test_a_double_click_is_one_agreement(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    first = start(client, sub).headers["Location"]
    second = start(client, sub).headers["Location"]
    assert first == second
    assert count(MethodChange) == 1 and count(SandboxTransaction) == 1


def test_a_replayed_return_is_refused_and_changes_nothing(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    approval = start(client, sub).headers["Location"]
    approved = client.post(path_of(approval), data={"answer": "approve"})
    back = path_of(approved.headers["Location"])
    client.get(back)
    method = method_of(sub)
    assert client.get(back).status_code == 400
    assert method_of(sub).id == method.id and count(PaymentMethod) == 2


def test_a_made_up_sandbox_reference_is_refused_and_the_approval_still_works(
    app, make_user, make_subscription
):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    card = method_of(sub)
    approval = start(client, sub).headers["Location"]
    change = db.session.scalar(select(MethodChange))
    forged = client.get(f"{START}/return/{change.id}?reference=sbx-0000000000000000")
    assert forged.status_code == 400 and method_of(sub).id == card.id
    assert db.session.scalar(select(MethodChange.status)) is ChangeStatus.ACTION_REQUIRED
    assert answer(client, approval, "approve").headers["Location"].endswith(TAB)
    assert method_of(sub).kind == "paypal"


def test_another_members_subscription_or_change_is_not_found(app, make_user, make_subscription):
    _owner, theirs, owner = subscriber(app, make_user, make_subscription)
    _other, _mine, intruder = subscriber(app, make_user, make_subscription)
    assert start(intruder, theirs).status_code == 404
    start(owner, theirs)
    change = db.session.scalar(select(MethodChange))
    assert intruder.get(f"{START}/return/{change.id}?reference=x").status_code == 404
    assert intruder.get(f"{START}/cancel/{change.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(MethodChange, change.id).status is ChangeStatus.ACTION_REQUIRED


def test_a_request_naming_no_subscription_is_refused(app, make_user, make_subscription):
    _user, _sub, client = subscriber(app, make_user, make_subscription)
    assert client.post(START, data={"paypal_holder": "y"}).status_code == 400
    assert count(MethodChange) == 0


def test_a_subscription_with_nothing_more_to_charge_is_not_offered(
    app, make_user, make_subscription
):
    """§2.2g: a cancelling subscription is charged nothing more, so PayPal has nothing to
    take over."""
    _user, sub, client = subscriber(app, make_user, make_subscription, S.CANCELLING)
    page = html(client.get(TAB))
    assert f'value="{sub.id}"' not in page and "nothing for PayPal to take over" in page
    response = start(client, sub)
    assert response.headers["Location"].endswith(TAB) and count(MethodChange) == 0
    assert "Nothing more is to be charged for this subscription" in html(client.get(TAB))


def test_an_attempt_left_without_an_answer_does_not_block_a_new_one(
    app, make_user, make_subscription
):
    """A request that died between its row and PayPal's answer: nobody has its approval
    link, so once it cannot still be running, a new click starts afresh."""
    _user, sub, client = subscriber(app, make_user, make_subscription)
    start(client, sub)
    change = db.session.scalar(select(MethodChange))
    change.status = ChangeStatus.PENDING
    change.updated_at = change.updated_at - timedelta(minutes=5)
    db.session.commit()
    assert "/checkout/sandbox/paypal/" in start(client, sub).headers["Location"]
    db.session.expire_all()
    assert db.session.get(MethodChange, change.id).status is ChangeStatus.FAILED
    assert count(MethodChange) == 2


def test_a_click_while_paypal_is_being_asked_waits(app, make_user, make_subscription):
    _user, sub, client = subscriber(app, make_user, make_subscription)
    start(client, sub)
    change = db.session.scalar(select(MethodChange))
    change.status = ChangeStatus.PENDING
    db.session.commit()
    response = start(client, sub)
    assert response.headers["Location"].endswith(TAB) and count(MethodChange) == 1
    assert "being prepared" in html(client.get(TAB))


def test_two_clicks_at_once_insert_one_attempt_and_ask_paypal_once(
    app, make_user, make_subscription, monkeypatch
):
    """The other request read the same attempt number and inserted it first: the unique
    constraint refuses ours, which then asks PayPal for nothing."""
    from app.services import paypal_method

    user, sub, client = subscriber(app, make_user, make_subscription)

    def raced(subscription):
        db.session.add(
            MethodChange(
                user_id=user.id,
                subscription_id=subscription.id,
                attempt=1,
                idempotency_key=f"method:{subscription.id}:1",
                gateway="sandbox",
                monthly_cents=2000,
                currency="EUR",
                first_charge_on=date(2026, 2, 5),
            )
        )
        db.session.commit()  # the other request's row, committed before its call
        return 1

    monkeypatch.setattr(paypal_method, "_next_attempt", raced)
    response = start(client, sub)
    assert response.headers["Location"].endswith(TAB)
    assert "being prepared" in html(client.get(TAB))
    assert count(MethodChange) == 1 and count(SandboxTransaction) == 0


def test_a_running_discount_goes_into_the_agreement(app, make_user, make_subscription):
    """§4: the discount's remaining months are the agreement's first cycles."""
    _user, sub, client = subscriber(app, make_user, make_subscription)
    sub = db.session.get(Subscription, sub.id)
    sub.discount_cents, sub.discount_months = 500, 2
    db.session.commit()
    page = html(client.get(TAB))
    assert "€15.00 a month from 5 February 2026 while your discount runs" in page
    assert "then €20.00 a month from 5 April 2026" in page
