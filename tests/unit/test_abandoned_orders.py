from datetime import UTC, datetime, timedelta

import pytest

from app.domain.orders import ABANDONED_AFTER, Cleanup, OrderStatus, abandoned_order_cleanup

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
OLD = NOW - ABANDONED_AFTER - timedelta(seconds=1)
FRESH = NOW - ABANDONED_AFTER + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("status", "last_change", "has_records", "expected"),
    [
        (OrderStatus.DRAFT, OLD, False, Cleanup.DELETE),
        (OrderStatus.DRAFT, OLD, True, Cleanup.CANCEL),
        (OrderStatus.DRAFT, NOW - ABANDONED_AFTER, False, Cleanup.DELETE),  # 30 days exactly
        (OrderStatus.DRAFT, FRESH, False, Cleanup.KEEP),
        (OrderStatus.DRAFT, FRESH, True, Cleanup.KEEP),
        (OrderStatus.AWAITING_CONSENT, OLD, True, Cleanup.KEEP),
        (OrderStatus.PAYMENT_PENDING, OLD, True, Cleanup.KEEP),
        (OrderStatus.COMPLETED, OLD, True, Cleanup.KEEP),
        (OrderStatus.CANCELLED, OLD, False, Cleanup.KEEP),
    ],
)
def test_what_happens_to_an_order(status, last_change, has_records, expected):
    assert abandoned_order_cleanup(status, last_change, NOW, has_records) is expected
