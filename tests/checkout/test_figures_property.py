"""Over random prices and promo codes: what Review shows charged today is what the gateway
charges and what the order records."""

import re
import secrets
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from app.domain.promotions import DiscountKind
from app.extensions import db
from app.models import Payment, Price, PromoCode, SandboxTransaction
from tests.checkout_fixtures import buy_until_review
from tests.conftest import sign_in

codes = st.one_of(
    st.none(),
    st.tuples(st.just(DiscountKind.PERCENT), st.integers(1, 100), st.integers(1, 6)),
    st.tuples(st.just(DiscountKind.FIXED), st.integers(1, 60_000), st.integers(1, 6)),
)


def euros(text: str) -> int:
    return int(text.replace(",", "").replace(".", ""))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(monthly=st.integers(100, 50_000), code=codes)
def test_review_charge_and_order_agree(shop, app, make_user, monthly, code):
    today = clock.today()
    # Orders of earlier examples point at today's price row: change its amount in place.
    todays = db.session.scalar(
        select(Price).where(Price.offer == "solo", Price.effective_from == today)
    )
    if todays is None:
        db.session.add(Price(offer="solo", amount_cents=monthly, effective_from=today))
    else:
        todays.amount_cents = monthly
    # A fresh code per example: redeemed codes are referenced by their orders.
    code_text = f"PROP{secrets.token_hex(4).upper()}"
    if code:
        kind, value, months = code
        db.session.add(
            PromoCode(
                code=code_text,
                kind=kind,
                value=value,
                months=months,
                starts_at=clock.now() - timedelta(days=1),
            )
        )
    db.session.commit()
    client = app.test_client()
    user = make_user()
    sign_in(client, user.email, user.password)
    buyer = buy_until_review(client, code=code_text if code else "")
    html = buyer.review().get_data(as_text=True)
    shown = re.search(r"Charged today</dt>\s*<dd[^>]*>€([\d,.]+)</dd>", html)
    assert shown, html
    buyer.confirm(review_html=html)
    order = buyer.order
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
    bank = db.session.scalar(
        select(SandboxTransaction).where(
            SandboxTransaction.idempotency_key == payment.idempotency_key
        )
    )
    assert euros(shown.group(1)) == order.due_today_cents == payment.amount_cents
    assert bank.amount_cents == payment.amount_cents
    assert 0 <= order.due_today_cents <= monthly
