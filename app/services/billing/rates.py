"""The half-yearly legal interest rates (§3.2), as staff keep them at /staff/interest-rates."""

from datetime import date

from sqlalchemy import select

from app.domain.billing import HalfYearRate, current_rate_missing, half_year_start
from app.domain.errors import DomainError
from app.extensions import db
from app.models import InterestRate, User

# The rates "for all other cases" (creditors who are not private individuals), each
# fixed by an arrêté published in the Journal officiel at the start of its half-year.
SEEDED = (
    (date(2025, 1, 1), 371, "Arrêté fixing the legal interest rate for the first half of 2025"),
    (date(2025, 7, 1), 276, "Arrêté fixing the legal interest rate for the second half of 2025"),
    (date(2026, 1, 1), 262, "Arrêté fixing the legal interest rate for the first half of 2026"),
)
MAX_RATE_BP = 10000  # 100 %: anything above is a typing mistake


def seed() -> int:
    """Add the seeded rates the table lacks (the migration adds them too); returns how
    many were added."""
    known = {row.starts_on for row in db.session.scalars(select(InterestRate))}
    added = 0
    for starts_on, rate_bp, source in SEEDED:
        if starts_on not in known:
            db.session.add(InterestRate(starts_on=starts_on, rate_bp=rate_bp, source=source))
            added += 1
    db.session.flush()
    return added


def all_rates() -> list[InterestRate]:
    """Newest half-year first."""
    return list(db.session.scalars(select(InterestRate).order_by(InterestRate.starts_on.desc())))


def table() -> list[HalfYearRate]:
    return [HalfYearRate(row.starts_on, row.rate_bp) for row in all_rates()]


def missing_now(today: date) -> date | None:
    """The current half-year's first day when it has no rate yet (staff must enter it;
    the latest earlier rate is used meanwhile), else None."""
    return half_year_start(today) if current_rate_missing(today, table()) else None


def set_rate(starts_on: date, rate_bp: int, source: str, by: User) -> InterestRate:
    """Enter or correct one half-year's rate. Raises DomainError on "starts_on"
    (not_half_year_start) or "rate" (rate_range)."""
    problems = []
    if (starts_on.month, starts_on.day) not in ((1, 1), (7, 1)):
        problems.append(("starts_on", "not_half_year_start"))
    if not 0 <= rate_bp <= MAX_RATE_BP:
        problems.append(("rate", "rate_range"))
    if problems:
        raise DomainError.of(problems)
    row = db.session.scalar(select(InterestRate).where(InterestRate.starts_on == starts_on))
    if row is None:
        row = InterestRate(starts_on=starts_on)
        db.session.add(row)
    row.rate_bp = rate_bp
    row.source = source.strip() or None
    row.updated_by_id = by.id
    db.session.flush()
    return row
