"""A material Terms version with a new monthly price (§1), and a subscriber's answer to it,
for the tests of renewals and PayPal agreements after a price change."""

from datetime import UTC, datetime

from app.domain.orders import Plan
from app.extensions import db
from app.models import DocumentKind, DocumentVersion, TermsAnswer
from app.services import terms_prices

PUBLISHED = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)  # its 30 days end on 19 February


def material_price_change(cents: int) -> DocumentVersion:
    version = DocumentVersion(
        kind=DocumentKind.TERMS,
        label="2026-01b",
        body_en="New terms.\n",
        body_fr="Nouvelles conditions.\n",
        change_summary_en="The monthly price of Premium Solo changes.",
        change_summary_fr="Le prix mensuel de Premium Solo change.",
        material=True,
        published_at=PUBLISHED,
    )
    db.session.add(version)
    db.session.flush()
    terms_prices.set_prices(version, {(Plan.SOLO, None): cents})
    db.session.commit()
    return version


def answer(user, version, response, at: datetime) -> None:
    db.session.add(
        TermsAnswer(user_id=user.id, version_id=version.id, response=response, answered_at=at)
    )
    db.session.commit()
