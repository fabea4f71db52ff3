"""§1: a renewal after a material price change of the Terms takes the new price only
once the subscriber accepted the version (now, or by continued use at the deadline),
from the next period after the acceptance; one who has not accepted keeps the locked
price; one who cancelled in answer to it keeps the old price to the end."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.domain.subscriptions import SubscriptionStatus
from app.domain.terms_updates import TermsResponse
from app.extensions import db
from app.models import Payment, Subscription, TermsAnswer
from tests.support.billing import renewing, run_billing
from tests.support.terms_prices import answer, material_price_change

S = SubscriptionStatus


def charged(subscription) -> list[int]:
    return list(
        db.session.scalars(
            select(Payment.amount_cents)
            .where(Payment.subscription_id == subscription.id)
            .order_by(Payment.period_start)
        )
    )


def test_the_new_price_is_charged_only_once_accepted(
    app, make_user, make_subscription, monkeypatch
):
    version = material_price_change(2500)
    accepted = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    silent = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    cancelled = renewing(
        make_subscription(make_user(), status=S.CANCELLING), period_end=date(2026, 2, 5)
    )
    cancelled.ends_on = date(2026, 2, 4)
    db.session.commit()
    answer(accepted.user, version, TermsResponse.ACCEPTED, datetime(2026, 1, 25, 10, tzinfo=UTC))
    answer(cancelled.user, version, TermsResponse.CANCELLED, datetime(2026, 1, 22, tzinfo=UTC))

    # 5 February: the one who accepted renews at the new price; the one who has not
    # answered yet (their 30 days run to 19 February) at the locked price.
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, 0, tzinfo=UTC))
    assert charged(accepted) == [2500]
    assert charged(silent) == [2000]
    assert db.session.get(Subscription, accepted.id).monthly_cents == 2500
    # The cancelled one ends with its paid period: nothing charged, the old price kept.
    assert charged(cancelled) == []
    assert db.session.get(Subscription, cancelled.id).status is S.ENDED
    assert db.session.get(Subscription, cancelled.id).monthly_cents == 2000

    # At the deadline the job records acceptance by continued use...
    run_billing(monkeypatch, datetime(2026, 2, 19, 10, 0, tzinfo=UTC))
    [recorded] = db.session.scalars(
        select(TermsAnswer).where(TermsAnswer.user_id == silent.user_id)
    ).all()
    assert recorded.response is TermsResponse.CONTINUED_USE
    # ...and the next period, after it, is at the new price.
    run_billing(monkeypatch, datetime(2026, 3, 5, 8, 0, tzinfo=UTC))
    assert charged(silent) == [2000, 2500]
    assert charged(accepted) == [2500, 2500]


def test_a_subscriber_from_after_the_version_keeps_the_price_they_took(
    app, make_user, make_subscription, monkeypatch
):
    """They accepted that version at checkout: its price is already their locked one."""
    material_price_change(2500)
    later = make_subscription(make_user())
    later.accepted_at = datetime(2026, 1, 21, 9, 0, tzinfo=UTC)
    renewing(later, period_end=date(2026, 2, 5))
    run_billing(monkeypatch, datetime(2026, 2, 5, 8, 0, tzinfo=UTC))
    assert charged(later) == [2000]


def test_the_premium_tab_announces_the_price_the_job_will_charge(app, make_user, make_subscription):
    """§1: the next payment shown is the new price once accepted, the locked one before."""
    from app.services import premium

    version = material_price_change(2500)
    accepted = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    silent = renewing(make_subscription(make_user()), period_end=date(2026, 2, 5))
    answer(accepted.user, version, TermsResponse.ACCEPTED, datetime(2026, 1, 25, 10, tzinfo=UTC))
    now = datetime(2026, 1, 26, 9, tzinfo=UTC)
    with app.test_request_context():
        shown = premium.standing_of(db.session.get(Subscription, accepted.id), now).next_charge
        kept = premium.standing_of(db.session.get(Subscription, silent.id), now).next_charge
    assert (shown.on, shown.cents) == (date(2026, 2, 5), 2500)
    assert (kept.on, kept.cents) == (date(2026, 2, 5), 2000)
    # A PayPal agreement signed now, from Settings → Payment, bills what the job would.
    from app.services import paypal_method

    with app.test_request_context():
        offered = paypal_method.next_charge(db.session.get(Subscription, accepted.id))
    assert offered.cents == 2500
