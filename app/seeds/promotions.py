"""Demo promo codes (`flask demo-data`, the browser checks): one for everybody, one
limited, one expired. Codes already there are left as they are."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.domain.promotions import DiscountKind
from app.extensions import db
from app.models import PromoCode


def demo_promos(now: datetime) -> list[dict]:
    return [
        {
            "code": "WELCOME20",
            "description": "Welcome offer",
            "kind": DiscountKind.PERCENT,
            "value": 20,
            "months": 3,
            "for_solo": True,
            "for_plus": True,
            "starts_at": datetime(2026, 1, 1, tzinfo=UTC),
            "ends_at": None,
            "max_redemptions": None,
        },
        {
            "code": "SPRING10",
            "description": "Spring campaign",
            "kind": DiscountKind.FIXED,
            "value": 1000,
            "months": 1,
            "for_solo": True,
            "for_plus": False,
            "starts_at": now.replace(hour=0, minute=0, second=0, microsecond=0),
            "ends_at": now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=90),
            "max_redemptions": 100,
        },
        {
            "code": "SUMMER25",
            "description": "Summer 2025 (over)",
            "kind": DiscountKind.PERCENT,
            "value": 25,
            "months": 1,
            "for_solo": False,
            "for_plus": True,
            "starts_at": datetime(2025, 6, 1, tzinfo=UTC),
            "ends_at": datetime(2025, 9, 1, tzinfo=UTC),
            "max_redemptions": 200,
        },
    ]


def seed_promotions(now: datetime) -> int:
    """Add the demo codes that are missing; return how many were added."""
    existing = set(db.session.scalars(select(PromoCode.code)))
    added = 0
    for values in demo_promos(now):
        if values["code"] not in existing:
            db.session.add(PromoCode(max_per_member=1, **values))
            added += 1
    db.session.flush()
    return added
