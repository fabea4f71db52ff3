"""Referral credit (Terms §4, §6.1): earned once the referee's first payment is past its
withdrawal period, then taken off the referrer's next renewal, shown on its invoice."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Payment, Referral
from app.services import invoices
from tests.support.billing import paid_payment, renewing, run_billing
from tests.support.paypal import on_paypal


def test_the_credit_is_earned_after_14_days_and_spent_on_the_next_renewal(
    app, make_user, make_subscription, monkeypatch
):
    referrer = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    referee = make_subscription(make_user())
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 1, 25, 10, tzinfo=UTC))
    paid_payment(referee, 2000)  # the referee's first month, on 25 January
    referral = Referral(
        referrer_id=referrer.user_id,
        referee_id=referee.user_id,
        order_id=referee.order_id,
        credit_cents=1000,
    )
    db.session.add(referral)
    db.session.commit()

    # 5 February: 11 days after the referee paid, still within their 14 days (§6.1).
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, tzinfo=UTC))
    assert db.session.get(Referral, referral.id).credited_at is None
    renewal = db.session.scalar(select(Payment).where(Payment.subscription_id == referrer.id))
    assert (renewal.amount_cents, renewal.credit_cents) == (2000, 0)

    # 5 March: the credit is earned and taken off the next renewal.
    run_billing(monkeypatch, datetime(2026, 3, 5, 8, tzinfo=UTC))
    referral = db.session.get(Referral, referral.id)
    assert referral.credited_at is not None and referral.credit_left_cents == 0
    march = db.session.scalars(
        select(Payment).where(Payment.subscription_id == referrer.id).order_by(Payment.id)
    ).all()[-1]
    assert (march.amount_cents, march.credit_cents) == (1000, 1000)
    invoice = invoices.invoice_for_payment(march)
    assert [line["amount_cents"] for line in invoice.lines] == [2000, -1000]
    assert invoice.total_cents == 1000
    assert invoice.lines[1]["description"] == "Referral credit"

    # Spent once: April is at the full price again.
    run_billing(monkeypatch, datetime(2026, 4, 5, 8, tzinfo=UTC))
    april = db.session.scalars(
        select(Payment).where(Payment.subscription_id == referrer.id).order_by(Payment.id)
    ).all()[-1]
    assert (april.amount_cents, april.credit_cents) == (2000, 0)


def test_a_month_paypals_plan_bills_keeps_the_credit_for_a_charge_of_ours(
    app, make_user, make_subscription, monkeypatch
):
    """§4: PayPal's plan takes the full price whatever the renewal says, so a credit taken
    off it would leave the month paid twice: the credit is kept, whole, for a charge the
    platform makes (a card, a merchant agreement)."""
    referrer = on_paypal(make_subscription(make_user()), period_end=date(2026, 2, 5))
    referee = make_subscription(make_user())
    db.session.add(
        Referral(
            referrer_id=referrer.user_id,
            referee_id=referee.user_id,
            order_id=referee.order_id,
            credit_cents=1000,
            credited_at=datetime(2026, 1, 20, tzinfo=UTC),
            credit_left_cents=1000,
        )
    )
    db.session.commit()

    run_billing(monkeypatch, datetime(2026, 2, 5, 8, tzinfo=UTC))

    renewal = db.session.scalar(select(Payment).where(Payment.subscription_id == referrer.id))
    assert (renewal.amount_cents, renewal.credit_cents) == (2000, 0)
    assert db.session.scalar(select(Referral.credit_left_cents)) == 1000
