"""A renewal after a material price change of the Terms (§1): at the new price only once
the subscriber accepted the version (now, or by continued use at its deadline), from the
next period after the acceptance; until then, and for one who cancelled in answer to
it, at the locked price (§2.2f). The rule is `app.domain.billing.monthly_price`; the
prices are `TermsPrice` rows of a material version (one per plan, and per path for
Plus)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.domain.billing import PriceChange, monthly_price
from app.domain.orders import Plan
from app.domain.terms_updates import TermsResponse
from app.extensions import db
from app.models import DocumentVersion, Subscription, TermsAnswer, TermsPrice

ACCEPTING = (TermsResponse.ACCEPTED, TermsResponse.CONTINUED_USE)


@dataclass(frozen=True)
class Offer:
    """One material version's new monthly price for one plan (and path)."""

    version_id: int
    published_at: datetime
    plan: Plan
    path_id: int | None
    monthly_cents: int


def offers() -> list[Offer]:
    """Every price a material version set (read once per batch of renewals: usually
    none, and then nothing more is asked per subscription)."""
    rows = db.session.execute(
        select(TermsPrice, DocumentVersion.published_at)
        .join(DocumentVersion, DocumentVersion.id == TermsPrice.version_id)
        .where(DocumentVersion.material.is_(True))
    ).all()
    return [
        Offer(price.version_id, published_at, price.plan, price.path_id, price.monthly_cents)
        for price, published_at in rows
    ]


def set_prices(version: DocumentVersion, prices: dict[tuple[Plan, int | None], int]) -> None:
    """Record a material version's new monthly prices, {(plan, path id or None): cents}
    (caller's transaction)."""
    for (plan, path_id), cents in prices.items():
        db.session.add(
            TermsPrice(
                version_id=version.id,
                plan=plan,
                path_id=path_id if plan is Plan.PLUS else None,
                monthly_cents=cents,
            )
        )
    db.session.flush()


def monthly_for(subscription: Subscription, start, known: list[Offer]) -> int:
    """The monthly price of `subscription`'s period starting on `start`."""
    mine = [
        offer
        for offer in known
        if offer.plan is subscription.plan
        and (subscription.plan is Plan.SOLO or offer.path_id == subscription.path_id)
    ]
    if not mine:
        return subscription.monthly_cents
    answers = dict(
        db.session.execute(
            select(TermsAnswer.version_id, TermsAnswer).where(
                TermsAnswer.user_id == subscription.user_id,
                TermsAnswer.version_id.in_([offer.version_id for offer in mine]),
            )
        ).all()
    )
    changes = []
    for offer in mine:
        answer = answers.get(offer.version_id)
        accepted = answer is not None and answer.response in ACCEPTING
        changes.append(
            PriceChange(
                offer.published_at,
                offer.monthly_cents,
                clock.local_date(answer.answered_at) if accepted else None,
            )
        )
    return monthly_price(subscription.monthly_cents, subscription.accepted_at, start, changes)
