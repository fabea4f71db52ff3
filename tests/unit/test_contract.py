"""What a subscriber may do with their contract, by table, each row naming its Terms
article: cancel and undo (§2.1d, §2.2g), Solo withdrawal (§6.1), Plus reflection
withdrawal and termination within three months with its fee (§6.2)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.contract import (
    Contract,
    Refusal,
    TerminationFee,
    cancel_refusal,
    reflection_withdrawal_refusal,
    solo_withdrawal_refusal,
    termination_ends,
    termination_fee,
    termination_refusal,
    undo_refusal,
)
from app.domain.orders import Plan
from app.domain.subscriptions import Reason
from app.domain.subscriptions import SubscriptionStatus as S

PARIS = ZoneInfo("Europe/Paris")
ACCEPTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SOLO = Contract(Plan.SOLO, S.ACTIVE, ACCEPTED)
PLUS_REFLECTING = Contract(
    Plan.PLUS, S.REFLECTION, ACCEPTED, reflection_ends_at=ACCEPTED + timedelta(days=7)
)
PLUS = replace(PLUS_REFLECTING, status=S.ACTIVE)


@pytest.mark.parametrize(
    "article, status, expected",
    [
        ("§2.1d", S.ACTIVE, None),
        ("§2.1d cancel twice", S.CANCELLING, Refusal.ALREADY_CANCELLED),
        ("§3.2 balance first", S.PAST_DUE, Refusal.NOT_NOW),
        ("§6.2 withdraw instead", S.REFLECTION, Refusal.NOT_NOW),
        ("§2.2g over", S.ENDED, Refusal.NOT_NOW),
        ("§6.1 over", S.WITHDRAWN, Refusal.NOT_NOW),
        ("§3.2 over", S.TERMINATED, Refusal.NOT_NOW),
    ],
)
def test_cancel(article, status, expected):
    assert cancel_refusal(replace(SOLO, status=status)) is expected


ENDS = date(2026, 4, 2)


@pytest.mark.parametrize(
    "article, status, why, today, expected",
    [
        ("§2.1d before the end", S.CANCELLING, Reason.CANCELLED_BY_MEMBER, date(2026, 4, 1), None),
        ("§2.1d on the last day", S.CANCELLING, Reason.CANCELLED_BY_MEMBER, ENDS, Refusal.PERIOD_OVER),
        ("§2.2a Plus replaced it", S.CANCELLING, Reason.REPLACED_BY_PLUS, date(2026, 3, 9), Refusal.REPLACED_BY_PLUS),
        ("§2.1d nothing to undo", S.ACTIVE, None, date(2026, 3, 9), Refusal.NOT_NOW),
        ("§2.2g ended", S.ENDED, None, date(2026, 3, 9), Refusal.NOT_NOW),
    ],
)  # fmt: skip
def test_undo(article, status, why, today, expected):
    contract = replace(SOLO, status=status, cancelled_for=why, ends_on=ENDS)
    assert undo_refusal(contract, today) is expected


DAY_14 = ACCEPTED + timedelta(days=14)


@pytest.mark.parametrize(
    "article, contract, now, expected",
    [
        ("§6.1 the first day", SOLO, ACCEPTED + timedelta(minutes=1), None),
        ("§6.1 the last minute", SOLO, DAY_14 - timedelta(minutes=1), None),
        ("§6.1 14 days passed", SOLO, DAY_14, Refusal.WITHDRAWAL_OVER),
        ("§6.1 cancelled still counts", replace(SOLO, status=S.CANCELLING), ACCEPTED, None),
        ("§6.1 access used", replace(SOLO, first_access_at=ACCEPTED), ACCEPTED, Refusal.ACCESS_USED),
        ("§6.1 access used, late too", replace(SOLO, first_access_at=ACCEPTED), DAY_14, Refusal.ACCESS_USED),
        ("§3.2 past due", replace(SOLO, status=S.PAST_DUE), ACCEPTED, Refusal.NOT_NOW),
        ("§6.1 withdrawn already", replace(SOLO, status=S.WITHDRAWN), ACCEPTED, Refusal.NOT_NOW),
        ("§6.2 Plus has reflection", PLUS, ACCEPTED, Refusal.WRONG_PLAN),
    ],
)  # fmt: skip
def test_solo_withdrawal(article, contract, now, expected):
    assert solo_withdrawal_refusal(contract, now) is expected


REFLECTION_ENDS = PLUS_REFLECTING.reflection_ends_at


@pytest.mark.parametrize(
    "article, contract, now, expected",
    [
        ("§6.2 day one", PLUS_REFLECTING, ACCEPTED, None),
        ("§6.2 first use does not matter", replace(PLUS_REFLECTING, first_access_at=ACCEPTED), ACCEPTED, None),
        ("§6.2 last second", PLUS_REFLECTING, REFLECTION_ENDS - timedelta(seconds=1), None),
        ("§6.2 seven days passed", PLUS_REFLECTING, REFLECTION_ENDS, Refusal.REFLECTION_OVER),
        ("§6.2 first month charged", PLUS, ACCEPTED, Refusal.NOT_NOW),
        ("§6.1 Solo withdraws otherwise", SOLO, ACCEPTED, Refusal.WRONG_PLAN),
    ],
)  # fmt: skip
def test_reflection_withdrawal(article, contract, now, expected):
    assert reflection_withdrawal_refusal(contract, now) is expected


@pytest.mark.parametrize(
    "article, accepted, ends",
    [
        # Counted in the platform's time zone: 10:00 UTC is 11:00 in Paris in winter...
        ("§6.2", datetime(2026, 1, 15, 10, 0, tzinfo=UTC), datetime(2026, 4, 15, 9, 0, tzinfo=UTC)),
        # ...a month end that the target month lacks becomes its last day...
        ("§6.2 month end", datetime(2026, 1, 31, 12, 0, tzinfo=UTC), datetime(2026, 4, 30, 11, 0, tzinfo=UTC)),
        ("§6.2 leap year", datetime(2027, 11, 30, 12, 0, tzinfo=UTC), datetime(2028, 2, 29, 12, 0, tzinfo=UTC)),
        ("§6.2 not leap", datetime(2026, 11, 30, 12, 0, tzinfo=UTC), datetime(2027, 2, 28, 12, 0, tzinfo=UTC)),
        # ...and 23:30 in Paris on 31 December stays that evening's date.
        ("§6.2 local date", datetime(2026, 12, 31, 22, 30, tzinfo=UTC), datetime(2027, 3, 31, 21, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_termination_window(article, accepted, ends):
    assert termination_ends(accepted, PARIS) == ends


@pytest.mark.parametrize(
    "article, contract, now, expected",
    [
        ("§6.2 within three months", PLUS, ACCEPTED + timedelta(days=40), None),
        ("§6.2 cancelling, still within", replace(PLUS, status=S.CANCELLING), ACCEPTED, None),
        ("§6.2 past due, still within", replace(PLUS, status=S.PAST_DUE), ACCEPTED, None),
        # 11:00 in Paris on 2 March (winter) to 11:00 in Paris on 2 June (summer time).
        ("§6.2 three months passed", PLUS, datetime(2026, 6, 2, 9, 0, tzinfo=UTC), Refusal.TERMINATION_OVER),
        ("§6.2 a minute before", PLUS, datetime(2026, 6, 2, 8, 59, tzinfo=UTC), None),
        ("§6.2 reflection: withdraw", PLUS_REFLECTING, ACCEPTED, Refusal.NOT_NOW),
        ("§6.2 over already", replace(PLUS, status=S.TERMINATED), ACCEPTED, Refusal.NOT_NOW),
        ("§2.1d Solo only cancels", SOLO, ACCEPTED, Refusal.WRONG_PLAN),
    ],
)  # fmt: skip
def test_termination(article, contract, now, expected):
    assert termination_refusal(contract, now, PARIS) is expected


@pytest.mark.parametrize(
    "article, monthly, months, rate, paid, expected",
    [
        # 30 % of €300 x 10 months = €900; nothing paid yet.
        ("§6.2", 30000, 10, 3000, 0, TerminationFee(300000, 3000, 90000, 0, 90000)),
        # What was paid counts towards it.
        ("§6.2 paid counts", 30000, 10, 3000, 30000, TerminationFee(300000, 3000, 90000, 30000, 60000)),
        # Paid more than the fee: nothing more, and nothing refunded.
        ("§6.2 never below zero", 30000, 10, 3000, 120000, TerminationFee(300000, 3000, 90000, 120000, 0)),
        ("§6.2 exactly paid", 30000, 10, 3000, 90000, TerminationFee(300000, 3000, 90000, 90000, 0)),
        # A configured rate above 30 % is capped; below, it applies.
        ("§6.2 cap", 30000, 10, 4500, 0, TerminationFee(300000, 3000, 90000, 0, 90000)),
        ("§6.2 lower rate", 30000, 10, 1000, 0, TerminationFee(300000, 1000, 30000, 0, 30000)),
        # A longer path counts its first 12 months only.
        ("§6.2 24-month path", 30000, 24, 3000, 0, TerminationFee(360000, 3000, 108000, 0, 108000)),
        ("§6.2 12-month path", 30000, 12, 3000, 0, TerminationFee(360000, 3000, 108000, 0, 108000)),
        # Rounded down to the cent: 30 % of €33.33 x 7 = €69.993.
        ("§6.2 rounding", 3333, 7, 3000, 0, TerminationFee(23331, 3000, 6999, 0, 6999)),
        ("§6.2 no rate", 30000, 10, 0, 0, TerminationFee(300000, 0, 0, 0, 0)),
    ],
)  # fmt: skip
def test_termination_fee(article, monthly, months, rate, paid, expected):
    assert termination_fee(monthly, months, rate, paid) == expected


def test_termination_fee_refuses_negative_inputs():
    with pytest.raises(ValueError):
        termination_fee(30000, 10, 3000, -1)
