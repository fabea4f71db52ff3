"""Prices with their history, the one that applies on a day, and the indicative amount
in a visitor's currency."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.errors import DomainError
from app.domain.numbers import parse_whole_number
from app.domain.pricing import (
    ADVANCE_PAYMENT_PERCENT,
    SOLO,
    PricePoint,
    PriceProblem,
    PriceRefused,
    check_path_price,
    indicative_amount,
    next_price,
    price_for,
)
from app.extensions import db
from app.models import (
    CurrencyRate,
    LearningPath,
    Price,
    User,
)
from app.services.catalog.version import bump_version

PRICE_MESSAGES = {
    PriceProblem.NOT_POSITIVE: _l("Enter a price greater than zero."),
    PriceProblem.DURATION_NOT_POSITIVE: _l("Enter an average duration of at least 1 month."),
    PriceProblem.ADVANCE_OVER_LIMIT: _l(
        "The monthly price must be at most %(limit)s%% of the contract price (the monthly price "
        "times the average duration, first 12 months only). Lower the price or lengthen the path.",
        limit=ADVANCE_PAYMENT_PERCENT,
    ),
}


# --- prices ---------------------------------------------------------------------------


def _point(price: Price) -> PricePoint:
    return PricePoint(price.offer, price.amount_cents, price.effective_from, price.currency)


def price_points(offers: Sequence[str], today: date | None = None) -> list[PricePoint]:
    """Every price of these offers (history included): few rows per offer."""
    rows = db.session.scalars(select(Price).where(Price.offer.in_(list(offers)))).all()
    return [_point(row) for row in rows]


def current_price(offer: str, today: date) -> PricePoint | None:
    return price_for(price_points([offer]), offer, today)


def price_history(offer: str) -> list[Price]:
    return list(
        db.session.scalars(
            select(Price).where(Price.offer == offer).order_by(Price.effective_from.desc())
        )
    )


def scheduled_price(offer: str, today: date) -> PricePoint | None:
    return next_price(price_points([offer]), offer, today)


def offer_path(offer: str) -> LearningPath | None:
    if offer == SOLO:
        return None
    path_id = parse_whole_number(offer[5:]) if offer.startswith("path:") else None
    if path_id is None:
        raise DomainError("offer", _l("Choose an offer from the list."))
    path = db.session.get(LearningPath, path_id)
    if path is None:
        raise DomainError("offer", _l("Choose an offer from the list."))
    return path


def add_price(
    offer: str, amount_cents: int | None, effective_from: date, staff: User | None, today: date
) -> Price:
    """Schedule a price. Earlier prices stay in the history; a price never changes the past."""
    path = offer_path(offer)
    if amount_cents is None or amount_cents <= 0:
        raise DomainError("amount", PRICE_MESSAGES[PriceProblem.NOT_POSITIVE])
    if effective_from < today:
        raise DomainError("effective_from", _l("The date must be today or later."))
    if path is not None:
        try:
            check_path_price(amount_cents, path.duration_months)
        except PriceRefused as refused:
            raise DomainError("amount", PRICE_MESSAGES[refused.problem]) from refused
    exists = db.session.scalar(
        select(Price.id).where(Price.offer == offer, Price.effective_from == effective_from)
    )
    if exists:
        raise DomainError("effective_from", _l("This offer already has a price from that date."))
    price = Price(
        offer=offer,
        amount_cents=amount_cents,
        effective_from=effective_from,
        created_by_id=staff.id if staff else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(price)
    except IntegrityError as error:  # a concurrent insert of the same date
        raise DomainError(
            "effective_from", _l("This offer already has a price from that date.")
        ) from error
    bump_version()
    return price


# --- indicative amounts in the visitor's currency -------------------------------------


@dataclass(frozen=True)
class Indicative:
    amount: int
    currency: str


def rate_for(country: str | None) -> CurrencyRate | None:
    if not country:
        return None
    rate = db.session.scalar(select(CurrencyRate).where(CurrencyRate.country == country.upper()))
    return rate if rate is not None and rate.currency != "EUR" else None


def indicative(euro_cents: int, rate: CurrencyRate | None) -> Indicative | None:
    if rate is None:
        return None
    return Indicative(indicative_amount(euro_cents, Decimal(rate.rate)), rate.currency)


def set_rate(country: str, currency: str, rate: Decimal) -> CurrencyRate:
    if rate <= 0:
        raise DomainError("rate", _l("Enter a rate greater than zero."))
    row = db.session.scalar(select(CurrencyRate).where(CurrencyRate.country == country))
    if row is None:
        row = CurrencyRate(country=country, currency=currency, rate=rate)
        db.session.add(row)
    else:
        row.currency, row.rate, row.updated_at = currency, rate, clock.now()
    bump_version()
    return row


def rates() -> list[CurrencyRate]:
    return list(db.session.scalars(select(CurrencyRate).order_by(CurrencyRate.country)))


def price_for_rows(rows: list[Price], offer: str, today: date) -> PricePoint | None:
    return price_for([_point(row) for row in rows], offer, today)
