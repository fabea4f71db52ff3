"""What a subscriber may do with their contract, now, and what it costs: cancel and undo
(§2.1d, §2.2g), the Solo withdrawal (§6.1), the Plus reflection withdrawal and the Plus
termination within three months with its fee (§6.2).

Each question answers None when the subscriber may, or the reason they may not (a
`Refusal`), so that the Premium page can say why a button is missing and a request
that comes anyway is refused with that same reason."""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.orders import Plan
from app.domain.periods import add_months, withdrawal_ends
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S

# §6.2: the compensation for a termination within three months is capped at 30 % of the
# contract price; the contract price counts at most the first 12 months of a path.
TERMINATION_MONTHS = 3
FEE_CAP_BASIS_POINTS = 3000
CONTRACT_MONTHS_CAP = 12


class Refusal(StrEnum):
    # Not (or no longer) in a status where this can be done.
    NOT_NOW = "not_now"
    ALREADY_CANCELLED = "already_cancelled"
    # Cancelling because Premium Plus replaced it (§2.2a), not by the member's choice.
    REPLACED_BY_PLUS = "replaced_by_plus"
    PERIOD_OVER = "period_over"
    WRONG_PLAN = "wrong_plan"
    # §6.1: the 14 days have passed.
    WITHDRAWAL_OVER = "withdrawal_over"
    # §6.1: the access has been used since subscribing.
    ACCESS_USED = "access_used"
    # §6.2: the 7 days of reflection have passed.
    REFLECTION_OVER = "reflection_over"
    # §6.2: more than three months since acceptance: ordinary cancellation only.
    TERMINATION_OVER = "termination_over"


@dataclass(frozen=True)
class Contract:
    """What the rules need to know about one subscription, as plain values."""

    plan: Plan
    status: S
    accepted_at: datetime
    reflection_ends_at: datetime | None = None
    first_access_at: datetime | None = None
    ends_on: date | None = None
    # Why it is cancelling, when it is (the reason of the move that made it so).
    cancelled_for: Reason | None = None


def cancel_refusal(contract: Contract) -> Refusal | None:
    """§2.1d, §2.2g: an active subscription can be cancelled; it runs to the end of the
    period already paid. Past due: the balance comes first (§3.2). In reflection, Plus
    is withdrawn instead (free, §6.2)."""
    if contract.status is S.CANCELLING:
        return Refusal.ALREADY_CANCELLED
    if contract.status is not S.ACTIVE:
        return Refusal.NOT_NOW
    return None


def undo_refusal(contract: Contract, today: date) -> Refusal | None:
    """A cancellation can be undone until its last day; one made by Premium Plus
    replacing Solo cannot (the member would hold both)."""
    if contract.status is not S.CANCELLING:
        return Refusal.NOT_NOW
    if contract.cancelled_for is Reason.REPLACED_BY_PLUS:
        return Refusal.REPLACED_BY_PLUS
    if contract.ends_on is None or today >= contract.ends_on:
        return Refusal.PERIOD_OVER
    return None


def solo_withdrawal_ends(contract: Contract) -> datetime:
    return withdrawal_ends(contract.accepted_at)


def solo_withdrawal_refusal(contract: Contract, now: datetime) -> Refusal | None:
    """§6.1: within 14 days of subscribing, and only while the access has not been used
    since (the subscriber asked for immediate access and waived the right once used)."""
    if contract.plan is not Plan.SOLO:
        return Refusal.WRONG_PLAN
    if contract.status not in (S.ACTIVE, S.CANCELLING):
        return Refusal.NOT_NOW
    if contract.first_access_at is not None:
        return Refusal.ACCESS_USED
    if now >= solo_withdrawal_ends(contract):
        return Refusal.WITHDRAWAL_OVER
    return None


def reflection_withdrawal_refusal(contract: Contract, now: datetime) -> Refusal | None:
    """§6.2: during the 7 days of reflection, in one step, at no cost."""
    if contract.plan is not Plan.PLUS:
        return Refusal.WRONG_PLAN
    if contract.status is not S.REFLECTION:
        return Refusal.NOT_NOW
    if contract.reflection_ends_at is None or now >= contract.reflection_ends_at:
        return Refusal.REFLECTION_OVER
    return None


def termination_ends(accepted_at: datetime, zone: ZoneInfo) -> datetime:
    """Three calendar months after acceptance, at the same local time where the platform
    is (31 January → 30 April; 30 November → 28 or 29 February)."""
    local = accepted_at.astimezone(zone)
    day = add_months(local.date(), TERMINATION_MONTHS)
    return datetime.combine(day, time(local.hour, local.minute, local.second), zone)


def termination_refusal(contract: Contract, now: datetime, zone: ZoneInfo) -> Refusal | None:
    """§6.2: a Plus contract can be terminated within three months of its acceptance,
    for a fee; after that, ordinary cancellation only. In reflection it is withdrawn
    instead (free)."""
    if contract.plan is not Plan.PLUS:
        return Refusal.WRONG_PLAN
    if contract.status not in (S.ACTIVE, S.CANCELLING, S.PAST_DUE):
        return Refusal.NOT_NOW
    if now >= termination_ends(contract.accepted_at, zone):
        return Refusal.TERMINATION_OVER
    return None


@dataclass(frozen=True)
class TerminationFee:
    contract_cents: int
    rate_basis_points: int
    # The fee before what was already paid counts towards it.
    gross_cents: int
    paid_cents: int
    # What the termination charges: never below zero, never a refund of the excess.
    due_cents: int


def termination_fee(
    monthly_cents: int, path_months: int, rate_basis_points: int, paid_cents: int
) -> TerminationFee:
    """§6.2: min(configured rate, 30 %) x the contract price (monthly price x the path's
    average duration in months, its first 12 only), less the sums already paid under
    the contract. Rounded down to the cent, in the subscriber's favour."""
    if monthly_cents < 0 or path_months < 0 or paid_cents < 0 or rate_basis_points < 0:
        raise ValueError("amounts, durations and rates are not negative")
    rate = min(rate_basis_points, FEE_CAP_BASIS_POINTS)
    contract = monthly_cents * min(path_months, CONTRACT_MONTHS_CAP)
    gross = contract * rate // 10_000
    return TerminationFee(
        contract_cents=contract,
        rate_basis_points=rate,
        gross_cents=gross,
        paid_cents=paid_cents,
        due_cents=max(gross - paid_cents, 0),
    )
