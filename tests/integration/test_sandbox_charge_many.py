"""The sandbox's charges in a batch (`charge_many`, the billing job's renewals): the
same answers as one call at a time, one row per key however often it is asked, and a
call that raises answers in its place while the others go on."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import GatewayCall, SandboxTransaction
from app.payments.base import ChargeRequest, GatewayTimeout, Outcome
from app.payments.sandbox import SandboxGateway


def request(key: str, scenario: str = "success") -> ChargeRequest:
    return ChargeRequest(
        idempotency_key=key,
        amount_cents=2000,
        currency="EUR",
        reference="AT-TEST",
        description="renewal",
        kind="card",
        shopper_reference="user-1",
        method_token=f"sbx_{scenario}_0123456789abcdef",
        save_for_renewals=False,
    )


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(SandboxTransaction))


@pytest.fixture
def gateway(app):
    return SandboxGateway()


def test_a_batch_answers_like_calls_one_at_a_time(gateway):
    answers = gateway.charge_many(
        [request("renew:1:a"), request("renew:2:a", "declined"), request("renew:3:a", "timeout")]
    )
    assert [a.outcome for a in answers[:2]] == [Outcome.SUCCEEDED, Outcome.DECLINED]
    # The timeout raised for its own call only; the bank's books kept it all the same.
    assert isinstance(answers[2], GatewayTimeout)
    db.session.commit()
    assert rows() == 3
    calls = db.session.scalars(select(GatewayCall.outcome).order_by(GatewayCall.id)).all()
    assert calls == ["succeeded", "declined", "timeout"]


def test_a_key_is_charged_once_however_often_it_is_asked(gateway):
    first = gateway.charge(request("renew:1:b"))
    db.session.commit()
    again, twice, second = gateway.charge_many(
        [request("renew:1:b"), request("renew:2:b"), request("renew:2:b")]
    )
    assert again.reference == first.reference  # found in the books written before
    assert twice.reference == second.reference  # found among those of this batch
    db.session.commit()
    assert rows() == 2
