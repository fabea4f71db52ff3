"""PayPal plan agreements by table (issue 13), each row with the Terms article it applies:
which of PayPal's own sales settles a renewal, and what PayPal is told when the contract
stops or starts again."""

from datetime import UTC, date, datetime

import pytest

from app.domain.paypal_agreements import (
    Action,
    AgreementState,
    Sale,
    Verdict,
    action,
    desired_state,
    excess,
    in_window,
    is_plan_agreement,
    paying_sale,
    verdict,
)
from app.domain.subscriptions import SubscriptionStatus as S

DUE = date(2026, 2, 5)
EXPECTED = (2000, "EUR")
A = AgreementState


def at(day, hour=0, month=2, year=2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("article", "token", "plan"),
    [
        ("§2.1d PayPal bills a plan's agreement", "I-0LN988D3JACS", True),
        ("§2.1d a merchant-initiated agreement is ours to charge", "B-5YJ39485LT3048302", False),
        ("§2.1d no agreement", None, False),
    ],
)
def test_which_agreements_paypal_bills(article, token, plan):
    assert is_plan_agreement(token) is plan, article


@pytest.mark.parametrize(
    ("article", "when", "inside"),
    [
        ("§2.1d a day early (PayPal's clock)", at(4, 0), True),
        ("§2.1d more than a day early: the previous month", at(3, 23), False),
        ("§2.1d on the due day", at(5, 9), True),
        ("§3.2 PayPal's retry, day 9", at(14, 23), True),
        ("§3.2 past the window", at(15, 0), False),
    ],
)
def test_the_window_of_a_period(article, when, inside):
    assert in_window(DUE, when) is inside, article


def sale(status, cents=2000, currency="EUR", when=None):
    return Sale(status, cents, currency, when or at(5, 3))


@pytest.mark.parametrize(
    ("article", "sales", "now", "expected"),
    [
        ("§2.1d paid by PayPal's sale", [sale("completed")], at(5, 9), Verdict.PAID),
        ("§3.2 a denied sale", [sale("denied")], at(5, 9), Verdict.DECLINED),
        ("§3.2 a failed sale", [sale("failed")], at(5, 9), Verdict.DECLINED),
        (
            "§3.2 failed then retried by PayPal",
            [sale("failed"), sale("completed")],
            at(9),
            Verdict.PAID,
        ),
        ("§3.3 paid, then refunded at PayPal", [sale("refunded")], at(6), Verdict.PAID),
        ("§3.3 paid, then partly refunded", [sale("partially_refunded")], at(6), Verdict.PAID),
        ("§2.1d nothing yet", [], at(9, 23), Verdict.WAIT),
        ("§3.2 nothing 5 days after the due date", [], at(10, 0), Verdict.DECLINED),
        ("§2.1d a pending sale is not an answer", [sale("pending")], at(6), Verdict.WAIT),
        (
            "§1 the plan's former price: paid with what PayPal took",
            [sale("completed", 4900)],
            at(5, 9),
            Verdict.PAID_OTHER_AMOUNT,
        ),
        (
            "§1 the exact sale wins over another amount",
            [sale("completed", 4900), sale("completed")],
            at(5, 9),
            Verdict.PAID,
        ),
        (
            "§1 another amount, then denied: PayPal took money",
            [sale("completed", 1500), sale("denied")],
            at(6),
            Verdict.PAID_OTHER_AMOUNT,
        ),
        (
            "§2.2f another currency: staff",
            [sale("completed", currency="USD")],
            at(6),
            Verdict.AMOUNT_DIFFERS,
        ),
        (
            "§2.1d last month's sale is not this one's",
            [sale("completed", when=at(5, month=1))],
            at(6),
            Verdict.WAIT,
        ),
    ],
)
def test_what_paypal_sales_say(article, sales, now, expected):
    assert verdict(DUE, EXPECTED, sales, now) is expected, article


@pytest.mark.parametrize(
    ("article", "sales", "paying"),
    [
        ("§2.1d the sale for the price", [sale("completed", 4900), sale("completed")], 2000),
        ("§1 the plan's former price", [sale("denied"), sale("completed", 4900)], 4900),
        ("§2.1d another currency pays nothing", [sale("completed", currency="USD")], None),
        ("§2.1d a zero sale pays nothing", [sale("completed", 0)], None),
        ("§2.1d outside the window", [sale("completed", when=at(5, month=1))], None),
    ],
)
def test_the_sale_that_pays_the_renewal(article, sales, paying):
    found = paying_sale(DUE, EXPECTED, sales)
    assert (found.cents if found else None) == paying, article


@pytest.mark.parametrize(
    ("article", "owed", "taken", "given_back"),
    [
        ("§1 a lower price accepted: the difference back", 2000, 2450, 450),
        ("§1 a higher price accepted: nothing more asked", 2450, 2000, 0),
        ("§2.1d the price itself", 2000, 2000, 0),
        ("§2.1d a referral credit the plan cannot know of", 1500, 2000, 500),
    ],
)
def test_what_is_given_back_of_a_plan_sale(article, owed, taken, given_back):
    assert excess(owed, taken) == given_back, article


@pytest.mark.parametrize(
    ("article", "statuses", "state"),
    [
        ("§6.2 reflection: billed at its end", [S.REFLECTION], A.ACTIVE),
        ("§2.1d active", [S.ACTIVE], A.ACTIVE),
        ("§2.2g cancelling: nothing charged after the period", [S.CANCELLING], A.SUSPENDED),
        ("§3.2 past due: no retry of PayPal's own", [S.PAST_DUE], A.SUSPENDED),
        ("§2.2g ended", [S.ENDED], A.CANCELLED),
        ("§3.2 terminated", [S.TERMINATED], A.CANCELLED),
        ("§6.1 withdrawn", [S.WITHDRAWN], A.CANCELLED),
        ("§2.1d moved to another method", [], A.CANCELLED),
        ("§2.1d the liveliest subscription wins", [S.ENDED, S.ACTIVE], A.ACTIVE),
    ],
)
def test_the_state_the_contract_calls_for(article, statuses, state):
    assert desired_state(statuses) is state, article


@pytest.mark.parametrize(
    ("article", "current", "desired", "expected"),
    [
        ("§2.1d as signed, still running", None, A.ACTIVE, None),
        ("§2.2g cancelled by the member", None, A.SUSPENDED, Action.SUSPEND),
        ("§2.2g cancellation undone", A.SUSPENDED, A.ACTIVE, Action.REACTIVATE),
        ("§3.2 balance paid", A.SUSPENDED, A.ACTIVE, Action.REACTIVATE),
        ("§2.2g suspended already", A.SUSPENDED, A.SUSPENDED, None),
        ("§2.2g the cancelled period ended", A.SUSPENDED, A.CANCELLED, Action.CANCEL),
        ("§6.1 withdrawn while running", None, A.CANCELLED, Action.CANCEL),
        ("§2.2g cancelled once, never again", A.CANCELLED, A.CANCELLED, None),
        ("§2.1d a cancelled agreement cannot come back", A.CANCELLED, A.ACTIVE, None),
    ],
)
def test_what_paypal_is_told(article, current, desired, expected):
    assert action(current, desired) is expected, article
