"""PayPal billing agreements from a billing plan (ids I-…) bill every month by themselves
(issue 13). Two rules follow, both pure:

- which of PayPal's own sales is a renewal's: a sale on the agreement whose time falls in
  the window around the period's first day (`in_window`), settled as paid or declined
  from PayPal's word, declined when nothing came by `GIVE_UP_AFTER` (`verdict`);
- what PayPal must be told when the contract stops or starts again (`desired_state`,
  `action`): the agreement must not bill a subscription that is no longer paying."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from app.domain.subscriptions import SubscriptionStatus as S

# Checkout sets the agreement's start to the anniversary, so PayPal bills on the period's
# first day; a day before allows for PayPal's clock (it bills in its own time zone).
WINDOW_BEFORE = timedelta(days=1)
# A late notification, or a sale PayPal retried on its own, still belongs to the period.
WINDOW_AFTER = timedelta(days=10)
# PayPal retries a failed plan payment after 5 days: with nothing by then, it is unpaid.
GIVE_UP_AFTER = timedelta(days=5)


def is_plan_agreement(token: str | None) -> bool:
    """An agreement from a billing plan (what checkout signs): PayPal bills it itself.
    B-… agreements (merchant-initiated) are charged by us, as reference transactions."""
    return bool(token) and str(token).startswith("I-")


def first_day(period_start: date) -> datetime:
    """The period's first day at 00:00 UTC, as the charge's period_start keys it."""
    return datetime.combine(period_start, time(0), UTC)


def window(period_start: date) -> tuple[datetime, datetime]:
    """[from, to) in UTC: the times of PayPal's sales that belong to this period."""
    start = first_day(period_start)
    return start - WINDOW_BEFORE, start + WINDOW_AFTER


def in_window(period_start: date, when: datetime) -> bool:
    """`when`: an aware datetime."""
    low, high = window(period_start)
    return low <= when < high


# PayPal's transaction statuses (v1 agreement transactions, lower-cased) of a sale that
# took the money: refunded later or not (a refund has its own notification).
PAID = frozenset({"completed", "partially_refunded", "refunded"})


class Verdict(StrEnum):
    PAID = "paid"
    # A completed sale in the renewal's currency for another sum: the plan still bills
    # the price it was approved for (a Terms price accepted since, §1, or a referral
    # credit it cannot know of). What PayPal took pays the month: more than the renewal's
    # price is given back (`excess`), less is not asked for.
    PAID_OTHER_AMOUNT = "paid another amount"
    DECLINED = "declined"
    AMOUNT_DIFFERS = "amount differs"  # another currency: not ours to convert, staff look
    WAIT = "wait"


@dataclass(frozen=True)
class Sale:
    """One of PayPal's sales on the agreement (a notification or a looked-up transaction)."""

    status: str  # "completed", "denied", "pending", "refunded"... (lower case)
    cents: int | None
    currency: str | None
    when: datetime
    # PayPal's sale id (what a refund of the month is made on); None if not given.
    reference: str | None = None


def verdict(
    period_start: date, expected: tuple[int, str], sales: Iterable[Sale], now: datetime
) -> Verdict:
    """What PayPal's sales in the period's window say about its renewal: a completed sale
    for the expected amount pays it, one for another amount in the same currency pays it
    with what it took (one in another currency is not ours to convert: staff look); a
    denied or failed one declines it; nothing by GIVE_UP_AFTER declines it."""
    ours = [s for s in sales if in_window(period_start, s.when)]
    completed = [s for s in ours if s.status in PAID]
    if any((s.cents, s.currency) == expected for s in completed):
        return Verdict.PAID
    if any(_same_currency(s, expected) for s in completed):
        return Verdict.PAID_OTHER_AMOUNT
    if completed:
        return Verdict.AMOUNT_DIFFERS
    if any(s.status in ("denied", "failed") for s in ours):
        return Verdict.DECLINED
    if now >= first_day(period_start) + GIVE_UP_AFTER:
        return Verdict.DECLINED
    return Verdict.WAIT


class AgreementState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class Action(StrEnum):
    SUSPEND = "suspend"
    REACTIVATE = "re-activate"
    CANCEL = "cancel"


_WANTED = {
    S.REFLECTION: AgreementState.ACTIVE,
    S.ACTIVE: AgreementState.ACTIVE,
    # Still served to the period's end, but nothing is charged after (§2.1d, §2.2g);
    # suspended rather than cancelled, so that an undo needs no new agreement.
    S.CANCELLING: AgreementState.SUSPENDED,
    # §3.2: our retries and Pay now collect the balance; PayPal must not retry on its own.
    S.PAST_DUE: AgreementState.SUSPENDED,
    S.ENDED: AgreementState.CANCELLED,
    S.TERMINATED: AgreementState.CANCELLED,
    S.WITHDRAWN: AgreementState.CANCELLED,
}
_LIVELINESS = [AgreementState.CANCELLED, AgreementState.SUSPENDED, AgreementState.ACTIVE]


def desired_state(statuses: Iterable[S]) -> AgreementState:
    """The agreement's state for the subscriptions charged to it: the liveliest one wins;
    an agreement no subscription uses any more (the member changed the method) is
    cancelled, or PayPal would bill it beside the new method."""
    wanted = [_WANTED[s] for s in statuses if s in _WANTED]
    return max(wanted, key=_LIVELINESS.index, default=AgreementState.CANCELLED)


def action(current: AgreementState | None, desired: AgreementState) -> Action | None:
    """What to ask PayPal for; None: nothing. `current` is what we last set (None: as
    signed at checkout, active). A cancelled agreement cannot come back."""
    current = current or AgreementState.ACTIVE
    if current is AgreementState.CANCELLED or current is desired:
        return None
    if desired is AgreementState.CANCELLED:
        return Action.CANCEL
    if desired is AgreementState.SUSPENDED:
        return Action.SUSPEND
    return Action.REACTIVATE


RESULT = {
    Action.SUSPEND: AgreementState.SUSPENDED,
    Action.REACTIVATE: AgreementState.ACTIVE,
    Action.CANCEL: AgreementState.CANCELLED,
}


def paying_sale(
    period_start: date, expected: tuple[int, str], sales: Iterable[Sale]
) -> Sale | None:
    """The sale that pays the period's renewal (the one `verdict` calls PAID, else the one
    it calls PAID_OTHER_AMOUNT), if any."""
    ours = [s for s in sales if s.status in PAID and in_window(period_start, s.when)]
    exact = [s for s in ours if (s.cents, s.currency) == expected]
    other = [s for s in ours if _same_currency(s, expected)]
    return (exact or other or [None])[0]


def excess(expected_cents: int, taken_cents: int) -> int:
    """What a plan's sale took above the renewal's price, to give back (§1: the accepted
    price is the price); a sale below it leaves nothing owed."""
    return max(0, taken_cents - expected_cents)


def _same_currency(sale: Sale, expected: tuple[int, str]) -> bool:
    return sale.cents is not None and sale.cents > 0 and sale.currency == expected[1]
