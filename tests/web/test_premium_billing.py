"""Settings → Premium with billing's work: the Solo withdrawal (§6.1) refunds what was
paid through the gateway with a credit note, the invoices and credit notes listed with
their PDFs, and a past-due balance (§3.2) shown with its breakdown and paid with Pay now."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import Invoice, Refund, RefundStatus, Subscription, SubscriptionEvent
from app.services.billing import rates
from tests.conftest import outbox_for, sign_in
from tests.support.billing import card_of, paid_payment, renewing, run_billing

S = SubscriptionStatus
TAB = "/account/premium"
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)  # five days after the factory's acceptance


@pytest.fixture
def solo(app, make_user, make_subscription, monkeypatch):
    """A signed-in Solo subscriber whose first month (€20) was paid and invoiced."""
    monkeypatch.setattr(clock, "now", lambda: NOW)
    user = make_user()
    sub = make_subscription(user)
    sub.current_period_start, sub.current_period_end = date(2026, 1, 5), date(2026, 2, 5)
    db.session.commit()
    payment = paid_payment(sub)
    client = app.test_client()
    sign_in(client, user.email, user.password)
    return user, sub, payment, client


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_invoice_is_listed_with_its_pdf(solo):
    _user, _sub, _payment, client = solo
    [invoice] = db.session.scalars(select(Invoice))
    page = html(client.get(TAB))
    assert f'href="/invoices/{invoice.reference}.pdf"' in page
    assert "Invoices and credit notes of Premium Solo" in page
    pdf = client.get(f"/invoices/{invoice.reference}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_solo_withdraws_within_14_days_with_a_full_refund_and_a_credit_note(solo):
    user, sub, _payment, client = solo
    page = html(client.get(TAB))
    assert "Withdraw with a full refund" in page
    confirm = html(client.get(f"{TAB}/{sub.id}/withdraw"))
    assert "Withdraw from Premium Solo?" in confirm and "€20.00 is refunded in full" in confirm
    page = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "You have withdrawn. €20.00 has been refunded" in page
    db.session.expire_all()
    sub = db.session.get(Subscription, sub.id)
    assert sub.status is S.WITHDRAWN
    [refund] = db.session.scalars(select(Refund))
    assert (refund.status, refund.amount_cents, refund.actor_id) == (
        RefundStatus.SUCCEEDED,
        2000,
        user.id,
    )
    kinds = sorted(i.kind.value for i in db.session.scalars(select(Invoice)))
    assert kinds == ["credit_note", "invoice"]
    last = db.session.scalars(
        select(SubscriptionEvent)
        .where(SubscriptionEvent.subscription_id == sub.id)
        .order_by(SubscriptionEvent.id.desc())
    ).first()
    assert (last.reason, last.amount_cents) == (Reason.WITHDRAWN_BEFORE_USE, 2000)
    assert "Credit note" in page and "Withdrawn within 14 days, refunded in full" in page
    assert "Withdraw with a full refund" not in page
    [mail] = [m for m in outbox_for(user.email) if "withdrawn" in m.subject]
    assert "€20.00 has been refunded in full" in mail.text_body
    # Twice: one refund.
    again = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "already withdrawn" in again
    assert len(db.session.scalars(select(Refund)).all()) == 1


def test_after_14_days_the_withdrawal_is_refused_with_its_reason(solo, monkeypatch):
    _user, sub, _payment, client = solo
    monkeypatch.setattr(clock, "now", lambda: sub.accepted_at + timedelta(days=14))
    page = html(client.get(TAB))
    assert "Withdraw with a full refund" not in page
    assert "Ended on 19 January 2026 at 10:00, 14 days after you subscribed." in page
    for method in (client.get, client.post):
        response = method(f"{TAB}/{sub.id}/withdraw", follow_redirects=True)
        assert "The 14 days for withdrawing are over" in html(response)
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
    assert db.session.scalars(select(Refund)).all() == []


def test_after_the_first_access_the_withdrawal_is_refused_with_its_reason(solo):
    _user, sub, _payment, client = solo
    sub = db.session.get(Subscription, sub.id)
    sub.first_access_at = NOW - timedelta(hours=1)
    db.session.commit()
    response = client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True)
    assert "You have used your access since subscribing" in html(response)
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
    assert db.session.scalars(select(Refund)).all() == []


def test_a_refund_the_gateway_refuses_withdraws_nothing(solo, monkeypatch):
    from app.payments.base import RefundResult
    from app.payments.sandbox import SandboxGateway

    _user, sub, _payment, client = solo
    monkeypatch.setattr(SandboxGateway, "refund", lambda self, *a, **k: RefundResult(False))
    page = html(client.post(f"{TAB}/{sub.id}/withdraw", follow_redirects=True))
    assert "refused the refund, so you have not been withdrawn" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE


def test_a_past_due_balance_is_shown_and_paid_with_pay_now(
    app, make_user, make_subscription, monkeypatch
):
    rates.seed()
    db.session.commit()
    user = make_user()
    sub = renewing(make_subscription(user), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 2, 9, 8, 0, tzinfo=UTC))
    client = app.test_client()
    sign_in(client, user.email, user.password)
    page = html(client.get(TAB))
    assert "Balance due" in page and "Unpaid amount" in page and "€20.00" in page
    assert "Fixed collection fee" in page and "Pay now" in page
    # The declined card again: refused, still past due.
    page = html(client.post(f"{TAB}/{sub.id}/pay", follow_redirects=True))
    assert "Your bank declined the payment" in page
    # A working card: paid, service back, invoiced.
    sub = db.session.get(Subscription, sub.id)
    sub.payment_method_id = card_of(user).id
    db.session.commit()
    page = html(client.post(f"{TAB}/{sub.id}/pay", follow_redirects=True))
    assert "your balance is paid and your service is back" in page
    db.session.expire_all()
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
    assert db.session.scalars(select(Invoice)).all()
    assert "Balance due" not in page


def history_rows(page: str) -> list[str]:
    table = page.split('<table class="table history">')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("<tr>")[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_history_has_the_payments_refusals_and_status_changes(
    app, make_user, make_subscription, monkeypatch
):
    """§3.3 and issue 13: the whole history, newest first: each payment with its invoice,
    a refused payment, the status changes; in the member's language."""
    user = make_user()
    sub = make_subscription(user)
    sub.current_period_start, sub.current_period_end = date(2026, 1, 5), date(2026, 2, 5)
    db.session.commit()
    first = paid_payment(sub)
    first_invoice = db.session.scalar(
        select(Invoice.reference).where(Invoice.payment_id == first.id)
    )
    renewing(sub, "declined")
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, 0, tzinfo=UTC))
    client = app.test_client()
    sign_in(client, user.email, user.password)
    rows = history_rows(html(client.get(TAB)))
    assert len(rows) == 4
    assert any(row.endswith(f"Payment ({first_invoice}) €20.00") for row in rows)
    assert any(row.endswith("Payment refused €20.00") for row in rows)
    assert any(row.endswith("Payment failed: service suspended €20.00") for row in rows)
    assert any("Subscribed" in row for row in rows)
    user.locale = "fr"
    db.session.commit()
    rows = history_rows(html(client.get(TAB, headers={"Accept-Language": "fr"})))
    assert any("Paiement refusé" in row for row in rows)
    assert any(f"Paiement ({first_invoice})" in row for row in rows)


@pytest.mark.parametrize("action", ["withdraw", "pay"])
def test_another_member_s_subscription_is_not_found(solo, app, make_user, action):
    _user, sub, _payment, _client = solo
    other = make_user()
    intruder = app.test_client()
    sign_in(intruder, other.email, other.password)
    assert intruder.post(f"{TAB}/{sub.id}/{action}").status_code == 404
    assert intruder.get(f"{TAB}/{sub.id}/withdraw").status_code == 404
    assert db.session.get(Subscription, sub.id).status is S.ACTIVE
