"""The billing job, step by step, and the faults of issue 13 (Terms §2.1d, §2.2g, §3.2,
§6.2): renewals at the locked price, reflection ends, failures, retries, termination,
Pay now, a gateway down, a lost answer, a crash between charge and invoice."""

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.domain.orders import Plan
from app.domain.subscriptions import Reason, SubscriptionStatus
from app.extensions import db
from app.models import (
    BillingDue,
    DueStatus,
    Invoice,
    OutboxMessage,
    Payment,
    PaymentStatus,
    SandboxTransaction,
    Subscription,
)
from app.payments.sandbox import SandboxGateway
from app.services import invoices, subscriptions
from app.services.billing import batches, charges, dues, rates
from app.services.billing.charges import Applied
from tests.support.billing import card_of, renewing, run_billing

S = SubscriptionStatus
# 09:00 in Paris on the renewal day (the factory's anchor is 5 January 2026).
RENEWAL_DAY = datetime(2026, 2, 5, 8, 0, tzinfo=UTC)


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def seeded_rates(app):
    rates.seed()
    db.session.commit()


def test_a_renewal_is_charged_once_invoiced_and_emailed(
    app, make_user, make_subscription, monkeypatch
):
    """§2.1d: renewed on the anniversary at the locked price; a second run changes nothing."""
    member = make_user()
    subscription = renewing(make_subscription(member), period_end=date(2026, 2, 5))
    # Before midnight in Paris on the 5th, nothing is due.
    summary = run_billing(monkeypatch, datetime(2026, 2, 4, 22, 59, tzinfo=UTC))
    assert count(Payment) == 0
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    [payment] = db.session.scalars(select(Payment))
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.idempotency_key == f"renew:{subscription.id}:2026-02-05"
    assert payment.amount_cents == 2000
    invoice = invoices.invoice_for_payment(payment)
    assert (invoice.period_start, invoice.period_end) == (date(2026, 2, 5), date(2026, 3, 4))
    subscription = db.session.get(Subscription, subscription.id)
    assert (subscription.current_period_start, subscription.current_period_end) == (
        date(2026, 2, 5),
        date(2026, 3, 5),
    )
    [message] = db.session.scalars(select(OutboxMessage))
    assert message.subject == "Your Premium Solo subscription is renewed"
    # The invoice's number and its PDF's address, in both bodies.
    for body in (message.text_body, message.html_body):
        assert f"Your invoice {invoice.reference}" in body
        assert f"/invoices/{invoice.reference}.pdf" in body
    assert "reflection ends and renewals: 1 done, 0 failed" in "\n".join(summary.lines())

    again = run_billing(monkeypatch, RENEWAL_DAY)
    assert count(Payment) == 1 and count(Invoice) == 1 and count(SandboxTransaction) == 1
    assert all(step.done == 0 for step in again.steps)


def test_a_running_discount_is_taken_off_its_remaining_months(
    app, make_user, make_subscription, monkeypatch
):
    """§2.2f, §4: the locked price less the promo discount for its remaining months."""
    subscription = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    subscription.discount_cents, subscription.discount_months = 500, 1
    db.session.commit()
    run_billing(monkeypatch, RENEWAL_DAY)
    run_billing(monkeypatch, at(date(2026, 3, 5)))
    amounts = list(db.session.scalars(select(Payment.amount_cents).order_by(Payment.id)))
    assert amounts == [1500, 2000]
    assert db.session.get(Subscription, subscription.id).discount_months == 0


def test_reflection_end_charges_the_first_month_and_activates(
    app, make_user, make_subscription, make_path, monkeypatch
):
    """§6.2: at the end of the 7 days, the first month is charged; active after."""
    member = make_user()
    subscription = make_subscription(member, Plan.PLUS, path=make_path())
    subscription.reflection_ends_at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    subscription.anchor_date = date(2026, 1, 12)
    renewing(subscription)
    run_billing(monkeypatch, datetime(2026, 1, 12, 8, 59, tzinfo=UTC))
    assert count(Payment) == 0
    run_billing(monkeypatch, datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is S.ACTIVE
    assert subscription.current_period_end == date(2026, 2, 12)
    # (The factory's creation row is dated today; the job's row at the travelled time.)
    [ended] = [
        e for e in subscriptions.history(subscription) if e.reason is Reason.REFLECTION_ENDED
    ]
    assert (ended.job, ended.amount_cents) == ("billing", 30000)
    assert count(Invoice) == 1


def test_a_failed_renewal_is_past_due_retried_then_terminated(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """§3.2: past due at once, retries on days 1, 3 and 7, terminated after day 14."""
    member = make_user()
    subscription = renewing(make_subscription(member), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, RENEWAL_DAY)
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is S.PAST_DUE
    [due] = db.session.scalars(select(BillingDue))
    assert (due.due_on, due.amount_cents, due.retries) == (date(2026, 2, 5), 2000, 0)
    assert count(OutboxMessage, OutboxMessage.subject.like("Payment failed%")) == 1
    for day, retries in [(6, 1), (7, 1), (8, 2), (12, 3), (19, 3)]:
        run_billing(monkeypatch, at(date(2026, 2, day)))
        assert db.session.get(BillingDue, due.id).retries == retries, day
    # One charge attempt on the due day and one per retry day: never more.
    assert count(SandboxTransaction) == 4
    due = db.session.get(BillingDue, due.id)
    assert due.fee_cents == 4000 and due.interest_cents > 0
    assert db.session.get(Subscription, subscription.id).status is S.PAST_DUE
    run_billing(monkeypatch, at(date(2026, 2, 20)))
    assert db.session.get(Subscription, subscription.id).status is S.TERMINATED
    assert db.session.get(BillingDue, due.id).status is DueStatus.TERMINATED
    assert count(OutboxMessage, OutboxMessage.subject.like("%is terminated")) == 1
    assert count(Invoice) == 0


def test_a_renewal_without_a_payment_method_fails_and_asks_for_one(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """§3.2: a subscription left with no method (its PayPal agreement cancelled at PayPal)
    is not carried on for free: its renewal is due, fails without asking any gateway, and
    the member is told to add a card; a card added then is what the retry charges."""
    member = make_user()
    subscription = renewing(make_subscription(member), period_end=date(2026, 2, 5))
    subscription.payment_method_id = None
    db.session.commit()
    run_billing(monkeypatch, RENEWAL_DAY)
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is S.PAST_DUE
    [payment] = db.session.scalars(select(Payment))
    assert (payment.status, payment.decline_code) == (PaymentStatus.DECLINED, "no_method")
    assert count(SandboxTransaction) == 0
    assert count(OutboxMessage, OutboxMessage.subject.like("Payment failed%")) == 1

    subscription.payment_method_id = card_of(member, "success").id
    db.session.commit()
    run_billing(monkeypatch, at(date(2026, 2, 6)))
    assert db.session.get(Subscription, subscription.id).status is S.ACTIVE
    assert count(SandboxTransaction) == 1 and count(Invoice) == 1


def test_pay_now_restores_access_and_invoices_the_balance(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """§3.2: the balance is the amount, the interest to date and the €40 fee; paying it
    makes the subscription active again and issues the invoice with those lines."""
    member = make_user()
    subscription = renewing(make_subscription(member), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, RENEWAL_DAY)
    subscription = db.session.get(Subscription, subscription.id)
    subscription.payment_method_id = card_of(member).id  # a new card that works
    db.session.commit()
    monkeypatch.setattr("app.clock.now", lambda: at(date(2026, 3, 7)))
    owed = dues.balance_of(subscription).owed
    # 20.00 x 2.62 % x 30 / 365 = 0.043: 4 cents.
    assert (owed.amount_cents, owed.interest_cents, owed.fee_cents) == (2000, 4, 4000)
    assert dues.pay_balance(subscription, member) is Applied.PAID
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status is S.ACTIVE
    assert Reason.BALANCE_PAID in [e.reason for e in subscriptions.history(subscription)]
    [invoice] = db.session.scalars(select(Invoice))
    assert invoice.total_cents == 6004
    assert [line["amount_cents"] for line in invoice.lines] == [2000, 4, 4000]
    assert [line["vat_rate_bp"] for line in invoice.lines] == [2000, 0, 0]
    assert invoice.vat_cents == 333
    assert dues.balance_of(subscription) is None
    # Paid late: the month it paid is the one from 5 February, so the next is due now.
    assert subscription.current_period_end == date(2026, 3, 5)
    assert dues.pay_balance(subscription, member) is Applied.NOTHING


def test_gateway_down_retries_later_and_the_others_go_on(
    app, make_user, make_subscription, monkeypatch
):
    """Gateway down during renewals: those retry later, the others go on, nothing is
    charged twice, and the summary names them."""
    first = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    second = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    # The sandbox's one charge, whether asked alone or with the batch's others.
    real_charge = SandboxGateway._charge

    def down_for_first(self, request, *rest):
        if request.idempotency_key.startswith(f"renew:{first.id}:"):
            raise ConnectionError("payment service unreachable")
        return real_charge(self, request, *rest)

    monkeypatch.setattr(SandboxGateway, "_charge", down_for_first)
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    assert any(f"subscription {first.id}: no answer" in line for line in summary.failed)
    statuses = dict(db.session.execute(select(Payment.subscription_id, Payment.status)).all())
    assert statuses == {first.id: PaymentStatus.UNKNOWN, second.id: PaymentStatus.SUCCEEDED}
    assert db.session.get(Subscription, first.id).status is S.ACTIVE  # not punished

    monkeypatch.setattr(SandboxGateway, "_charge", real_charge)
    # Within the in-flight window the lost charge is only looked up; after it, sent again
    # with the same key.
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, 0, 10, tzinfo=UTC))
    assert (
        db.session.scalar(select(Payment.status).where(Payment.subscription_id == first.id))
        is PaymentStatus.UNKNOWN
    )
    run_billing(monkeypatch, datetime(2026, 2, 5, 9, 0, tzinfo=UTC))
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == 2
    assert count(SandboxTransaction) == 2 and count(Invoice) == 2


def test_a_lost_answer_is_found_by_its_key(app, make_user, make_subscription, monkeypatch):
    """A timeout after the bank charged: the next run looks the charge up and applies it."""
    subscription = renewing(make_subscription(make_user()), "timeout", period_end=date(2026, 2, 5))
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    assert summary.failed
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.UNKNOWN
    assert count(Invoice) == 0
    run_billing(monkeypatch, RENEWAL_DAY)
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.SUCCEEDED
    assert count(SandboxTransaction) == 1 and count(Invoice) == 1
    assert db.session.get(Subscription, subscription.id).current_period_end == date(2026, 3, 5)


def test_a_crash_between_charge_and_invoice_is_healed_without_a_second_charge(
    app, make_user, make_subscription, monkeypatch
):
    """The next run finds the charge by its idempotency key and issues the invoice."""
    renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    real_apply, real_settle = charges.apply, batches.settle_paid_renewals

    def crash(payment_id, result):
        raise RuntimeError("the process died")

    def crash_together(payments):
        raise RuntimeError("the process died")

    # Both ways an answer is applied: with the batch's others, and alone.
    monkeypatch.setattr(charges, "apply", crash)
    monkeypatch.setattr(batches, "settle_paid_renewals", crash_together)
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    assert any("RuntimeError" in line for line in summary.failed)
    assert count(SandboxTransaction) == 1 and count(Invoice) == 0
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.PENDING

    monkeypatch.setattr(charges, "apply", real_apply)
    monkeypatch.setattr(batches, "settle_paid_renewals", real_settle)
    run_billing(monkeypatch, RENEWAL_DAY)
    assert count(SandboxTransaction) == 1
    assert count(Invoice) == 1
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.SUCCEEDED


def test_a_missing_interest_rate_warns_and_does_not_crash(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """§3.2: H2 2026 has no rate yet: the latest one is used and staff are warned."""
    subscription = renewing(make_subscription(make_user()), "declined", period_end=date(2026, 7, 5))
    subscription.anchor_date = date(2026, 6, 5)
    db.session.commit()
    summary = run_billing(monkeypatch, at(date(2026, 7, 5)))
    summary = run_billing(monkeypatch, at(date(2026, 7, 8)))
    assert not [f for f in summary.failed if "stopped" in f]
    owed = dues.balance_of(db.session.get(Subscription, subscription.id)).owed
    assert owed.missing_rates == (date(2026, 7, 1),)
    assert owed.interest_cents >= 0
    assert rates.missing_now(date(2026, 7, 8)) == date(2026, 7, 1)
    assert rates.missing_now(date(2026, 6, 30)) is None


def test_a_cancelled_subscription_ends_after_its_last_paid_day(
    app, make_user, make_subscription, monkeypatch
):
    """§2.1d: nothing is charged after a cancellation; it ends with the paid period."""
    subscription = renewing(
        make_subscription(make_user(), status=S.CANCELLING), period_end=date(2026, 2, 5)
    )
    subscription.ends_on = date(2026, 2, 4)
    db.session.commit()
    run_billing(monkeypatch, at(date(2026, 2, 4)))
    assert db.session.get(Subscription, subscription.id).status is S.CANCELLING
    run_billing(monkeypatch, RENEWAL_DAY)
    assert db.session.get(Subscription, subscription.id).status is S.ENDED
    assert count(Payment) == 0


def test_the_command_travels_in_time_and_prints_its_summary(
    app, make_user, make_subscription, runner
):
    renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    result = runner.invoke(args=["billing", "run", "--now", "2026-02-05T09:00"])
    assert result.exit_code == 0, result.output
    assert "Billing run at 2026-02-05T08:00:00+00:00" in result.output
    assert "reflection ends and renewals: 1 done, 0 failed" in result.output
    bad = runner.invoke(args=["billing", "run", "--now", "tomorrow"])
    assert bad.exit_code != 0 and "ISO date-time" in bad.output


def test_the_emails_are_in_the_members_language(app, make_user, make_subscription, monkeypatch):
    """A French member's renewal and failure emails are in French."""
    member = make_user(locale="fr")
    renewing(make_subscription(member), period_end=date(2026, 2, 5))
    declined = make_user(locale="fr")
    renewing(make_subscription(declined), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, RENEWAL_DAY)
    subjects = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    renewed = subjects[member.email]
    assert renewed.subject == "Votre abonnement Premium Solo est renouvelé"
    assert "TTC ont été prélevés" in renewed.text_body
    assert "/invoices/F" in renewed.text_body
    failed = subjects[declined.email]
    assert failed.subject.startswith("Échec du paiement")
    assert "40 €" in failed.text_body


def test_a_paypal_agreement_renews_without_the_payer(
    app, make_user, make_subscription, monkeypatch
):
    """The sandbox charges an approved PayPal agreement off-session, like a card."""
    from app.models import PaymentMethod

    subscription = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    method = db.session.get(PaymentMethod, subscription.payment_method_id)
    method.kind, method.token, method.last4 = "paypal", "sbx_paypal_0123456789abcdef", None
    db.session.commit()
    run_billing(monkeypatch, RENEWAL_DAY)
    assert db.session.scalar(select(Payment.status)) is PaymentStatus.SUCCEEDED
    assert invoices.invoices_for(subscription.user)[0].payment_method == "PayPal"


def test_the_history_holds_charges_failures_fees_and_status_changes(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """§3.3: the whole transaction history, for the Premium page."""
    from app.services.subscription_history import history

    member = make_user()
    subscription = renewing(make_subscription(member), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, RENEWAL_DAY)
    subscription = db.session.get(Subscription, subscription.id)
    subscription.payment_method_id = card_of(member).id
    db.session.commit()
    monkeypatch.setattr("app.clock.now", lambda: at(date(2026, 2, 9)))
    assert dues.pay_balance(subscription, member) is Applied.PAID
    db.session.expire_all()
    entries = history(db.session.get(Subscription, subscription.id))
    kinds = [e.kind for e in entries]
    # The failed attempt shows as its status change (the charge row is retried, then paid).
    assert {"charge", "fee", "interest", "status"} <= set(kinds)
    assert Reason.PAYMENT_FAILED in [e.reason for e in entries]
    [charge] = [e for e in entries if e.kind == "charge"]
    assert charge.reference == "F2026-000001" and charge.amount_cents == 2000 + 4000 + 1
    statuses = [e.status for e in entries if e.kind == "status"]
    assert S.PAST_DUE in statuses and S.ACTIVE in statuses


def test_a_batch_applies_its_answers_together_and_one_failure_alone_waits(
    app, make_user, make_subscription, monkeypatch
):
    """Renewals go by batches (claim, gateway calls, answers applied in one transaction):
    an answer whose application fails takes its batch back to one answer at a time, is
    rolled back alone and healed by the next run, and the invoice numbers stay gapless,
    given in the order applied."""
    from app.services.billing import emails, renewals

    monkeypatch.setattr(renewals, "BATCH", 2)
    subs = [renewing(make_subscription(make_user()), period_end=date(2026, 2, 5)) for _ in range(5)]
    unlucky = subs[1].id
    real_email = emails.renewal_charged_mail

    def crash_for_one(subscription, payment, invoice):
        if subscription.id == unlucky:
            raise RuntimeError("the process died")
        return real_email(subscription, payment, invoice)

    # The batch and the one-by-one path both compose the renewal's email with it.
    monkeypatch.setattr(emails, "renewal_charged_mail", crash_for_one)
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    assert [line for line in summary.failed if "RuntimeError" in line] == [
        f"reflection ends and renewals: subscription {unlucky}: RuntimeError: the process died"
    ]
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == 4
    numbers = list(db.session.scalars(select(Invoice.number).order_by(Invoice.id)))
    assert numbers == [1, 2, 3, 4]
    assert count(OutboxMessage) == 4

    monkeypatch.setattr(emails, "renewal_charged_mail", real_email)
    run_billing(monkeypatch, RENEWAL_DAY)
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == 5
    assert count(SandboxTransaction) == 5
    assert sorted(db.session.scalars(select(Invoice.number))) == [1, 2, 3, 4, 5]


def test_a_period_charged_already_is_left_out_and_its_batch_goes_on(
    app, make_user, make_subscription, monkeypatch
):
    """UNIQUE(subscription, period) is the last word: a subscription whose period has a
    charge already (settled, yet still due) is left out of its batch, whose other
    renewals are charged together; the run ends, and a second run charges nothing."""
    from app.services.billing import renewals

    monkeypatch.setattr(renewals, "BATCH", 3)
    subs = [renewing(make_subscription(make_user()), period_end=date(2026, 2, 5)) for _ in range(3)]
    stuck = subs[1]
    db.session.add(
        Payment(
            subscription_id=stuck.id,
            user_id=stuck.user_id,
            period_start=charges.period_key(date(2026, 2, 5)),
            attempt=1,
            idempotency_key=charges.renewal_key(stuck.id, date(2026, 2, 5)),
            gateway="sandbox",
            amount_cents=2000,
            currency="EUR",
            status=PaymentStatus.DECLINED,
        )
    )
    db.session.commit()
    summary = run_billing(monkeypatch, RENEWAL_DAY)
    assert "reflection ends and renewals: 2 done, 0 failed" in "\n".join(summary.lines())
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == 2
    assert count(Payment, Payment.subscription_id == stuck.id) == 1
    assert sorted(db.session.scalars(select(Invoice.number))) == [1, 2]
    again = run_billing(monkeypatch, RENEWAL_DAY)
    assert count(Payment) == 3 and count(SandboxTransaction) == 2
    assert "reflection ends and renewals: 0 done, 0 failed" in "\n".join(again.lines())


def test_a_subscription_held_by_someone_else_is_renewed_by_the_last_pass(
    app, make_user, make_subscription, monkeypatch
):
    """Claims skip a row another transaction holds (FOR UPDATE SKIP LOCKED): one a
    member's request held while the run went by is renewed in the run's last pass, once
    let go, not left for the next run."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL only")
    from sqlalchemy import create_engine, text

    from app.services.billing import renewals

    monkeypatch.setattr(renewals, "BATCH", 2)
    subs = [renewing(make_subscription(make_user()), period_end=date(2026, 2, 5)) for _ in range(5)]
    held = subs[2].id
    engine = create_engine(url)
    other = engine.connect()
    request = other.begin()
    other.execute(text("SELECT id FROM subscriptions WHERE id = :id FOR UPDATE"), {"id": held})
    real_claim = renewals.claim
    passes = []

    def claim(now, tried, after=0, size=renewals.BATCH):
        if after == 0:
            passes.append(held in tried or count(Payment, Payment.subscription_id == held))
            if len(passes) == 2:
                request.commit()  # the member's request ends before the last pass
        return real_claim(now, tried, after, size)

    monkeypatch.setattr(renewals, "claim", claim)
    try:
        summary = run_billing(monkeypatch, RENEWAL_DAY)
    finally:
        other.close()
        engine.dispose()
    assert passes == [0, 0]  # skipped by the first pass, not tried
    assert "reflection ends and renewals: 5 done, 0 failed" in "\n".join(summary.lines())
    assert count(Payment, Payment.subscription_id == held) == 1
    assert count(Invoice) == 5


def test_the_run_does_not_hold_on_to_the_emails_it_queued(
    app, make_user, make_subscription, monkeypatch
):
    """Each batch's emails are left to the job's last step (delivery): the session keeps
    no list of them (over 100,000 renewals it held every message, and each commit went
    through them all)."""
    from app import clock
    from app.services import mail
    from app.services.billing import renewals

    monkeypatch.setattr(renewals, "BATCH", 2)
    monkeypatch.setattr(clock, "now", lambda: RENEWAL_DAY)
    for _ in range(5):
        renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    assert renewals.run(RENEWAL_DAY) == (5, [])
    assert count(OutboxMessage) == 5
    assert mail.take_committed() == []


@pytest.mark.parametrize("path", ["together", "one by one"])
def test_applying_an_answer_locks_the_subscription_before_its_payment(
    app, make_user, make_subscription, monkeypatch, path
):
    """Every request locks a subscription before its payments (withdrawal, Pay now, a
    refund): the job applies its answers in the same order, so a member's request that
    holds the subscription while the job waits for it can still take the payment, never
    a deadlock (PostgreSQL would abort one of the two). The batch's way and the
    one-by-one way (`charges.apply`, which a batch falls back to) both."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL only")
    import threading

    from sqlalchemy import create_engine, text

    from app.services.billing import renewals

    subscription = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    if path == "one by one":

        def fails(answers):
            raise RuntimeError("the batch's shared part failed")

        monkeypatch.setattr(batches, "_together", fails)
    engine = create_engine(url)
    request = engine.connect()
    watcher = engine.connect()
    taken: list[str] = []
    real_apply = batches.apply_all

    def member_request():
        # Once the job waits for the subscription, the request takes the payment. A
        # lock_timeout shorter than the deadlock detector's wait makes the old order
        # (the payment held by the job) fail here, not be resolved by an abort.
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        while not watcher.scalar(waiting):
            watcher.rollback()  # the statistics are read once per transaction
            time.sleep(0.02)
        try:
            request.execute(text("SET LOCAL lock_timeout = '500ms'"))
            request.execute(
                text("SELECT id FROM payments WHERE subscription_id = :id FOR UPDATE"),
                {"id": subscription.id},
            )
            taken.append("payment")
        except Exception as error:  # the lock timed out: recorded, then let go
            taken.append(type(error).__name__)
        finally:
            request.rollback()

    def apply_all(answers):
        request.begin()
        request.execute(
            text("SELECT id FROM subscriptions WHERE id = :id FOR UPDATE"), {"id": subscription.id}
        )
        thread = threading.Thread(target=member_request)
        thread.start()
        try:
            return real_apply(answers)
        finally:
            thread.join()

    monkeypatch.setattr(batches, "apply_all", apply_all)
    monkeypatch.setattr(renewals.batches, "apply_all", apply_all)
    try:
        summary = run_billing(monkeypatch, RENEWAL_DAY)
    finally:
        request.close()
        watcher.close()
        engine.dispose()
    assert taken == ["payment"]
    payment = db.session.scalar(select(Payment).where(Payment.subscription_id == subscription.id))
    assert payment.status is PaymentStatus.SUCCEEDED
    assert "reflection ends and renewals: 1 done, 0 failed" in "\n".join(summary.lines())


def test_the_job_passes_over_a_due_whose_subscription_a_member_holds(
    app, make_user, make_subscription, monkeypatch, seeded_rates
):
    """Pay now locks the subscription and then its due; the job's dunning claims a due
    with its subscription, skipping both if either is held: taking the due and then
    waiting for the subscription would be a deadlock. The due is seen to by the next
    run (PostgreSQL)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL only")
    from sqlalchemy import create_engine, text

    from app import clock

    subscription = renewing(make_subscription(make_user()), "declined", period_end=date(2026, 2, 5))
    run_billing(monkeypatch, RENEWAL_DAY)
    [due] = db.session.scalars(select(BillingDue))
    db.session.commit()
    terminating = at(date(2026, 2, 20))
    monkeypatch.setattr(clock, "now", lambda: terminating)
    engine = create_engine(url)
    request = engine.connect()
    try:
        request.begin()
        request.execute(
            text("SELECT id FROM subscriptions WHERE id = :id FOR UPDATE"), {"id": subscription.id}
        )
        # Were the job to wait for the subscription, it would give up after a second.
        db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
        assert dues.run(terminating) == (0, [])
        request.execute(text("SET LOCAL lock_timeout = '1s'"))
        request.execute(
            text("SELECT id FROM billing_dues WHERE id = :id FOR UPDATE"), {"id": due.id}
        )
        request.rollback()
    finally:
        request.close()
        engine.dispose()
    assert dues.run(terminating) == (1, [])
    db.session.expire_all()
    assert db.session.get(Subscription, subscription.id).status is S.TERMINATED
