"""Plus terminated within three months of acceptance (§6.2): the fee said before
confirming (min(rate, 30 %) x the contract price, less what was paid), charged through
the gateway and invoiced, then terminated; after three months only Cancel is offered."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app import clock
from app.domain.orders import Plan
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import Invoice, Payment, PaymentStatus, Subscription, SubscriptionEvent
from tests.conftest import outbox_for, sign_in
from tests.support.billing import card_of, paid_payment

S = SubscriptionStatus
TAB = "/account/premium"
NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)  # accepted 5 January: within three months


@pytest.fixture
def plus(app, make_user, make_subscription, make_path, monkeypatch):
    """An active Plus at €300 a month on a 12-month path, one month (€300) paid."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    user = make_user()
    sub = make_subscription(user, Plan.PLUS, S.ACTIVE, make_path())
    sub.current_period_start, sub.current_period_end = date(2026, 2, 12), date(2026, 3, 12)
    sub.payment_method_id = card_of(user).id
    db.session.commit()
    paid_payment(sub, 30000)
    client = app.test_client()
    sign_in(client, user.email, user.password)
    return user, sub, client


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_fee_is_shown_before_confirming(plus):
    _user, sub, client = plus
    assert "Terminate within three months, for a fee" in html(client.get(TAB))
    page = html(client.get(f"{TAB}/{sub.id}/terminate"))
    # 30 % of €300 x 12 months = €1,080, less the €300 paid.
    assert "€3,600.00" in page and "€1,080.00" in page and "€300.00" in page
    assert "Terminate and pay €780.00" in page
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE


def test_terminating_charges_the_fee_invoices_it_and_terminates(plus):
    user, sub, client = plus
    page = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "Your contract is terminated. €780.00 was charged" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.TERMINATED
    [fee] = db.session.scalars(select(Payment).where(Payment.idempotency_key.like("terminate:%")))
    assert (fee.status, fee.amount_cents) == (PaymentStatus.SUCCEEDED, 78000)
    invoice = db.session.scalar(select(Invoice).where(Invoice.payment_id == fee.id))
    assert invoice.total_cents == 78000 and invoice.vat_cents == 0
    last = db.session.scalars(
        select(SubscriptionEvent)
        .where(SubscriptionEvent.subscription_id == sub.id)
        .order_by(SubscriptionEvent.id.desc())
    ).first()
    assert (last.reason, last.amount_cents) == (Reason.TERMINATED_BY_MEMBER, 78000)
    assert [m for m in outbox_for(user.email) if "terminated" in m.subject]
    again = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "already terminated" in again
    assert (
        len(
            db.session.scalars(
                select(Payment).where(Payment.idempotency_key.like("terminate:%"))
            ).all()
        )
        == 1
    )


def test_a_declined_fee_terminates_nothing(plus):
    user, sub, client = plus
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = card_of(user, "declined").id
    db.session.commit()
    page = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "declined" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE


def test_paid_beyond_the_fee_terminates_at_no_charge(plus, monkeypatch):
    _user, sub, client = plus
    for _ in range(3):
        paid_payment(db.session.get(Subscription, sub.id), 30000)  # €1,200 paid in all
    page = html(client.get(f"{TAB}/{sub.id}/terminate"))
    assert "Terminate and pay €0.00" in page
    client.post(f"{TAB}/{sub.id}/terminate")
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.TERMINATED
    assert (
        db.session.scalars(select(Payment).where(Payment.idempotency_key.like("terminate:%"))).all()
        == []
    )


def test_after_three_months_only_cancel_is_offered(plus, monkeypatch):
    _user, sub, client = plus
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 4, 6, 9, 0, tzinfo=UTC))
    page = html(client.get(TAB))
    assert "Terminate within three months" not in page and "Cancel the subscription" in page
    assert "The three months for terminating ended on 5 April 2026" in page
    for method in (client.get, client.post):
        response = method(f"{TAB}/{sub.id}/terminate", follow_redirects=True)
        assert "The three months after acceptance are over" in html(response)
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE


def test_another_member_s_subscription_is_not_found(plus, app, make_user):
    _user, sub, _client = plus
    other = make_user()
    intruder = app.test_client()
    sign_in(intruder, other.email, other.password)
    assert intruder.get(f"{TAB}/{sub.id}/terminate").status_code == 404
    assert intruder.post(f"{TAB}/{sub.id}/terminate").status_code == 404
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE


def fee_rows(sub) -> list[Payment]:
    return db.session.scalars(
        select(Payment).where(
            Payment.subscription_id == sub.id, Payment.idempotency_key.like("terminate:%")
        )
    ).all()


def test_a_lost_answer_is_followed_up_by_the_billing_job(plus, monkeypatch):
    """§6.2 through billing's charge path: the bank charged the fee but its answer was
    lost (a timeout). Nothing is terminated yet; the job's first step asks the gateway
    under the same key, invoices the fee once and terminates the contract."""
    from app.models import SandboxTransaction
    from tests.support.billing import run_billing

    user, sub, client = plus
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = card_of(user, "timeout").id
    db.session.commit()
    page = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "The payment service did not answer" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
    [fee] = fee_rows(sub)
    assert (fee.idempotency_key, fee.status) == (f"terminate:{sub.id}", PaymentStatus.UNKNOWN)
    assert db.session.scalar(select(Invoice).where(Invoice.payment_id == fee.id)) is None

    summary = run_billing(monkeypatch, datetime(2026, 2, 20, 13, 0, tzinfo=UTC))
    assert "  lost answers: 1 done, 0 failed" in summary.lines()
    [fee] = fee_rows(sub)
    assert fee.status is PaymentStatus.SUCCEEDED
    [invoice] = db.session.scalars(select(Invoice).where(Invoice.payment_id == fee.id))
    assert invoice.total_cents == 78000 and invoice.vat_cents == 0
    assert db.session.get(Subscription, sub.id).status is S.TERMINATED
    assert len(db.session.scalars(select(SandboxTransaction)).all()) == 2  # paid month + fee
    assert [m for m in outbox_for(user.email) if "terminated" in m.subject]
    again = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "already terminated" in again
    assert len(fee_rows(sub)) == 1


def test_a_crash_before_the_answer_is_applied_is_asked_again_not_charged(plus, monkeypatch):
    """The fee was charged and the process died before applying it: the member's second
    try asks the gateway under the same key and terminates, with one charge."""
    from app.models import SandboxTransaction
    from app.services.billing import charges

    _user, sub, client = plus
    real_apply = charges.apply

    def crash(payment_id, result):
        raise RuntimeError("the process died")

    monkeypatch.setattr(charges, "apply", crash)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post(f"{TAB}/{sub.id}/terminate").status_code == 500
    db.session.expire_all()
    [fee] = fee_rows(sub)
    assert fee.status is PaymentStatus.PENDING
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE

    monkeypatch.setattr(charges, "apply", real_apply)
    page = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "Your contract is terminated. €780.00 was charged" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.TERMINATED
    [fee] = fee_rows(sub)
    assert fee.status is PaymentStatus.SUCCEEDED
    fee_charges = db.session.scalars(
        select(SandboxTransaction).where(SandboxTransaction.idempotency_key.like("terminate:%"))
    ).all()
    assert len(fee_charges) == 1
    assert len(db.session.scalars(select(Invoice).where(Invoice.payment_id == fee.id)).all()) == 1


def test_a_declined_fee_can_be_tried_again_with_another_card(plus):
    """After a decline, the same row is tried again under a new key: one fee, paid once."""
    user, sub, client = plus
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = card_of(user, "declined").id
    db.session.commit()
    client.post(f"{TAB}/{sub.id}/terminate")
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = card_of(user).id
    db.session.commit()
    page = html(client.post(f"{TAB}/{sub.id}/terminate", follow_redirects=True))
    assert "Your contract is terminated" in page
    db.session.expire_all()
    [fee] = fee_rows(sub)
    assert (fee.idempotency_key, fee.status) == (f"terminate:{sub.id}:2", PaymentStatus.SUCCEEDED)
