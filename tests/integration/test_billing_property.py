"""A property over any sequence of billing events on one subscription (Terms §3.2, §3.3,
§6): invoices minus credit notes equal what the gateway collected, and no period is
charged twice."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    SandboxTransaction,
    Subscription,
)
from app.services import refunds
from app.services.billing import dues, rates
from tests.support.billing import card_of, renewing, run_billing

EVENTS = st.lists(
    st.sampled_from(["renew", "fail_next", "pay", "refund", "days"]), min_size=1, max_size=7
)


def wipe():
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=EVENTS)
def test_invoices_less_credit_notes_are_what_was_collected(
    app, make_user, make_subscription, monkeypatch, events
):
    wipe()
    rates.seed()
    db.session.commit()
    member = make_user()
    subscription = renewing(make_subscription(member), period_end=datetime(2026, 2, 5).date())
    moment = datetime(2026, 2, 5, 8, tzinfo=UTC)
    for event in events:
        subscription = db.session.get(Subscription, subscription.id)
        if event == "renew":
            moment += timedelta(days=31)
            run_billing(monkeypatch, moment)
        elif event == "days":
            moment += timedelta(days=3)
            run_billing(monkeypatch, moment)
        elif event == "fail_next":
            subscription.payment_method_id = card_of(member, "declined").id
            db.session.commit()
        elif event == "pay":
            subscription.payment_method_id = card_of(member).id
            db.session.commit()
            monkeypatch.setattr(clock, "now", lambda m=moment: m)
            dues.pay_balance(subscription, member)
        elif event == "refund":
            paid = db.session.scalar(
                select(Payment)
                .where(Payment.status == PaymentStatus.SUCCEEDED)
                .order_by(Payment.id.desc())
            )
            if paid is not None and refunds.refundable_cents(paid) > 1:
                refunds.refund(paid, refunds.refundable_cents(paid) // 2, "goodwill", None)
        db.session.expire_all()

    invoiced = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.total_cents), 0)).where(
            Invoice.kind == InvoiceKind.INVOICE
        )
    )
    credited = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.total_cents), 0)).where(
            Invoice.kind == InvoiceKind.CREDIT_NOTE
        )
    )
    books = db.session.scalars(select(SandboxTransaction)).all()
    collected = sum(t.amount_cents - t.refunded_cents for t in books if t.status == "succeeded")
    assert invoiced - credited == collected, events
    periods = db.session.execute(
        select(Payment.subscription_id, Payment.period_start).where(
            Payment.period_start.is_not(None)
        )
    ).all()
    assert len(periods) == len(set(periods)), events
    # Every collected charge has its invoice.
    succeeded = db.session.scalar(
        select(func.count()).where(
            Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED))
        )
    )
    assert succeeded == db.session.scalar(
        select(func.count()).where(Invoice.kind == InvoiceKind.INVOICE)
    ), events
