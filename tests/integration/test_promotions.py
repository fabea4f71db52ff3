"""Promo codes and referrals on a real database: checking a code, taking and giving back
its uses (the last one raced by two buyers), referral codes and referrals."""

import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.domain.errors import DomainError
from app.domain.orders import Plan
from app.domain.promotions import (
    REFERRAL_ALPHABET,
    CodeProblem,
    Discount,
    DiscountKind,
    referral_discount,
)
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    Order,
    PromoCode,
    PromoRedemption,
    Referral,
    ReferralCode,
    Subscription,
    User,
)
from app.seeds.promotions import seed_promotions
from app.services import promotions
from app.services.promotions import AppliedCode, CodeRefused
from tests.support.subscriptions import subscription

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def make_promo(code="WELCOME20", **overrides) -> PromoCode:
    values = {
        "code": code,
        "kind": DiscountKind.PERCENT,
        "value": 20,
        "months": 3,
        "for_solo": True,
        "for_plus": True,
        "starts_at": NOW - timedelta(days=10),
        "ends_at": NOW + timedelta(days=10),
        "max_redemptions": None,
        "max_per_member": 1,
        **overrides,
    }
    promo = PromoCode(**values)
    db.session.add(promo)
    db.session.commit()
    return promo


def make_order(user, plan=Plan.SOLO, promo=None, referrer=None) -> Order:
    order = Order(
        public_id=secrets.token_hex(16),
        reference=secrets.token_hex(6).upper(),
        idempotency_key=f"order:{secrets.token_hex(8)}",
        plan=plan,
        user_id=user.id,
        code=promo.code if promo else None,
        promo_code_id=promo.id if promo else None,
        referrer_id=referrer.id if referrer else None,
    )
    db.session.add(order)
    db.session.commit()
    return order


def subscribe(user, status=SubscriptionStatus.ENDED) -> Subscription:
    return subscription(user, Plan.SOLO, status)


def uses(promo) -> int:
    return db.session.scalar(select(PromoCode.redemptions).where(PromoCode.id == promo.id))


def redemptions(promo) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(PromoRedemption)
        .where(PromoRedemption.promo_code_id == promo.id)
    )


def refused(text, plan=Plan.SOLO, buyer=None, now=NOW) -> CodeRefused:
    with pytest.raises(CodeRefused) as error:
        promotions.check_code(text, plan, buyer, now)
    assert error.value.field == "code"
    return error.value


# --- check_code ----------------------------------------------------------------------


def test_a_promo_code_as_typed(app, make_user):
    promo = make_promo()
    applied = promotions.check_code("  welcome20 ", Plan.PLUS, make_user(), NOW)
    assert applied == AppliedCode(
        "WELCOME20", Discount(DiscountKind.PERCENT, 20, 3), promo.id, None
    )


def test_unknown_code(app, make_user):
    make_promo()
    error = refused("WELCOME21", buyer=make_user())
    assert error.problem is CodeProblem.UNKNOWN
    assert str(error.message) == "We do not recognise this code. Check it and try again."
    assert refused("   ").problem is CodeProblem.UNKNOWN


@pytest.mark.parametrize(
    ("overrides", "plan", "problem", "message"),
    [
        (
            {"starts_at": NOW + timedelta(seconds=1)},
            Plan.SOLO,
            CodeProblem.NOT_STARTED,
            "This code is not valid yet.",
        ),
        ({"ends_at": NOW}, Plan.SOLO, CodeProblem.EXPIRED, "This code has expired."),
        ({"active": False}, Plan.SOLO, CodeProblem.EXPIRED, "This code has expired."),
        (
            {"max_redemptions": 5, "redemptions": 5},
            Plan.SOLO,
            CodeProblem.EXHAUSTED,
            "This code has already been used as many times as it allows.",
        ),
        (
            {"for_plus": False},
            Plan.PLUS,
            CodeProblem.WRONG_PLAN,
            "This code is not valid for Premium Plus.",
        ),
        (
            {"for_solo": False},
            Plan.SOLO,
            CodeProblem.WRONG_PLAN,
            "This code is not valid for Premium Solo.",
        ),
    ],
)
def test_promo_code_problems(app, make_user, overrides, plan, problem, message):
    make_promo(**overrides)
    error = refused("welcome20", plan, make_user())
    assert error.problem is problem and str(error.message) == message


def test_a_code_already_used_by_the_member(app, make_user):
    promo = make_promo(max_per_member=2)
    buyer, other = make_user(), make_user()
    for _ in range(2):
        promotions.redeem(make_order(buyer, promo=promo), buyer, NOW)
        db.session.commit()
    error = refused("WELCOME20", buyer=buyer)
    assert error.problem is CodeProblem.ALREADY_USED
    assert str(error.message) == "You have already used this code."
    # Another member, or a buyer not signed in yet, may still use it.
    assert promotions.check_code("WELCOME20", Plan.SOLO, other, NOW).promo_code_id == promo.id
    assert promotions.check_code("WELCOME20", Plan.SOLO, None, NOW).promo_code_id == promo.id


def test_a_referral_code(app, make_user):
    app.config.update(REFERRAL_PERCENT_OFF=30, REFERRAL_MONTHS=2)
    referrer, newcomer = make_user(), make_user()
    code = promotions.referral_code_for(referrer)
    applied = promotions.check_code(code.lower(), Plan.SOLO, newcomer, NOW)
    assert applied == AppliedCode(code, referral_discount(30, 2), None, referrer.id)
    # Before signing in, only the code itself is checked.
    assert promotions.check_code(code, Plan.PLUS, None, NOW).referrer_id == referrer.id


def test_ones_own_referral_code(app, make_user):
    member = make_user()
    error = refused(promotions.referral_code_for(member), buyer=member)
    assert error.problem is CodeProblem.OWN_REFERRAL
    assert str(error.message) == "You cannot use your own referral code."


@pytest.mark.parametrize("status", [SubscriptionStatus.ACTIVE, SubscriptionStatus.WITHDRAWN])
def test_referral_codes_are_for_newcomers_to_paid_plans(app, make_user, status):
    referrer, former = make_user(), make_user()
    subscribe(former, status)
    error = refused(promotions.referral_code_for(referrer), Plan.PLUS, former)
    assert error.problem is CodeProblem.NOT_NEW
    assert str(error.message) == "Referral codes are for members taking their first paid plan."


# --- redeem and release --------------------------------------------------------------


def test_redeem_takes_one_use_once_and_release_gives_it_back(app, make_user):
    promo = make_promo(max_redemptions=50)
    buyer = make_user()
    order = make_order(buyer, promo=promo)
    promotions.redeem(order, buyer, NOW)
    db.session.commit()
    assert (uses(promo), redemptions(promo)) == (1, 1)
    promotions.redeem(order, buyer, NOW)  # Confirm pressed again
    db.session.commit()
    assert (uses(promo), redemptions(promo)) == (1, 1)
    promotions.release(order)
    db.session.commit()
    assert (uses(promo), redemptions(promo)) == (0, 0)
    promotions.release(order)
    db.session.commit()
    assert (uses(promo), redemptions(promo)) == (0, 0)
    # Once given back, the member may use the code again.
    assert promotions.check_code("WELCOME20", Plan.SOLO, buyer, NOW).promo_code_id == promo.id


def test_redeem_does_not_commit(app, make_user):
    promo = make_promo()
    buyer = make_user()
    promotions.redeem(make_order(buyer, promo=promo), buyer, NOW)
    db.session.rollback()
    assert (uses(promo), redemptions(promo)) == (0, 0)


def test_redeem_the_last_use_then_none_is_left(app, make_user):
    promo = make_promo(max_redemptions=1)
    first, second = make_user(), make_user()
    promotions.redeem(make_order(first, promo=promo), first, NOW)
    db.session.commit()
    late = make_order(second, promo=promo)
    with pytest.raises(CodeRefused) as error:
        promotions.redeem(late, second, NOW)
    assert error.value.problem is CodeProblem.EXHAUSTED
    db.session.commit()  # even if the caller commits, nothing was taken
    assert (uses(promo), redemptions(promo)) == (1, 1)


def test_redeem_checks_the_member_limit_again(app, make_user):
    promo = make_promo(max_redemptions=10)
    buyer = make_user()
    # Two orders both passed check_code before either was confirmed.
    first, second = make_order(buyer, promo=promo), make_order(buyer, promo=promo)
    promotions.redeem(first, buyer, NOW)
    db.session.commit()
    with pytest.raises(CodeRefused) as error:
        promotions.redeem(second, buyer, NOW)
    assert error.value.problem is CodeProblem.ALREADY_USED
    db.session.commit()
    assert (uses(promo), redemptions(promo)) == (1, 1)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"ends_at": NOW - timedelta(minutes=1)}, CodeProblem.EXPIRED),
        ({"active": False}, CodeProblem.EXPIRED),
        ({"starts_at": NOW + timedelta(days=1)}, CodeProblem.NOT_STARTED),
    ],
)
def test_redeem_checks_the_window_again(app, make_user, change, problem):
    promo = make_promo()
    buyer = make_user()
    order = make_order(buyer, promo=promo)
    for name, value in change.items():
        setattr(promo, name, value)
    db.session.commit()
    with pytest.raises(CodeRefused) as error:
        promotions.redeem(order, buyer, NOW)
    assert error.value.problem is problem
    assert uses(promo) == 0


def test_a_referral_order_takes_nothing(app, make_user):
    referrer, newcomer = make_user(), make_user()
    order = make_order(newcomer, referrer=referrer)
    promotions.redeem(order, newcomer, NOW)
    promotions.release(order)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PromoRedemption)) == 0


def test_two_buyers_race_for_the_last_use(app, make_user):
    """Each thread is one Confirm request with its own session; the barrier lets both pass
    their checks before either takes the use. On PostgreSQL the loser's UPDATE waits for
    the winner's commit and then finds no use left; SQLite may refuse the loser's write."""
    promo = make_promo(max_redemptions=3, redemptions=2)
    buyers = [make_user(), make_user()]
    orders = [make_order(buyer, promo=promo) for buyer in buyers]
    ids = [(order.id, buyer.id) for order, buyer in zip(orders, buyers, strict=True)]
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def confirm(order_id: int, buyer_id: int) -> None:
        with app.app_context():
            order, buyer = db.session.get(Order, order_id), db.session.get(User, buyer_id)
            promotions.check_code(order.code, order.plan, buyer, NOW)
            barrier.wait()
            try:
                promotions.redeem(order, buyer, NOW)
                db.session.commit()
                outcomes.append("taken")
            except CodeRefused as error:
                db.session.rollback()
                outcomes.append(error.problem.value)
            except Exception as error:  # SQLite: "database is locked"
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("taken") == 1, outcomes
    if db.engine.dialect.name == "postgresql":
        assert sorted(outcomes) == ["exhausted", "taken"]
    db.session.expire_all()
    assert (uses(promo), redemptions(promo)) == (3, 1)


# --- referral codes and referrals ----------------------------------------------------


def test_referral_codes_are_made_once_and_unique(app, make_user):
    members = [make_user() for _ in range(5)]
    codes = [promotions.referral_code_for(member) for member in members]
    assert len(set(codes)) == 5
    assert all(len(code) == 8 and set(code) <= set(REFERRAL_ALPHABET) for code in codes)
    db.session.expire_all()
    assert [promotions.referral_code_for(member) for member in members] == codes
    assert db.session.scalar(select(func.count()).select_from(ReferralCode)) == 5


def test_a_referral_code_never_repeats_another_code(app, make_user, monkeypatch):
    make_promo(code="AAAAAAAA")
    first, second = make_user(), make_user()
    drawn = iter(["AAAAAAAA", "BBBBBBBB", "BBBBBBBB", "CCCCCCCC"])
    monkeypatch.setattr(promotions, "new_referral_code", lambda: next(drawn))
    assert promotions.referral_code_for(first) == "BBBBBBBB"
    assert promotions.referral_code_for(second) == "CCCCCCCC"


def test_a_referral_code_lost_to_a_concurrent_insert_is_drawn_again(app, make_user, monkeypatch):
    first, second = make_user(), make_user()
    drawn = iter(["DDDDDDDD", "DDDDDDDD", "EEEEEEEE"])
    monkeypatch.setattr(promotions, "new_referral_code", lambda: next(drawn))
    assert promotions.referral_code_for(first) == "DDDDDDDD"
    # As if the check ran before the other member's code was committed.
    monkeypatch.setattr(promotions, "_code_taken", lambda code: False)
    assert promotions.referral_code_for(second) == "EEEEEEEE"


def test_record_referral_once(app, make_user):
    app.config["REFERRAL_CREDIT_CENTS"] = 1500
    referrer, newcomer = make_user(), make_user()
    order = make_order(newcomer, referrer=referrer)
    referral = promotions.record_referral(order)
    db.session.commit()
    assert (referral.referrer_id, referral.referee_id, referral.order_id) == (
        referrer.id,
        newcomer.id,
        order.id,
    )
    assert referral.credit_cents == 1500 and referral.credited_at is None
    assert promotions.record_referral(order).id == referral.id
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1


def test_no_referral_without_a_referrer(app, make_user):
    assert promotions.record_referral(make_order(make_user())) is None
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


# --- staff rules that need the database ----------------------------------------------


def promo_values(**overrides) -> dict:
    return {
        "code": "spring10",
        "description": "",
        "kind": "fixed",
        "percent": None,
        "amount": "10",
        "months": 1,
        "plans": ["solo"],
        "starts_at": NOW,
        "ends_at": None,
        "max_redemptions": 100,
        "max_per_member": 1,
        **overrides,
    }


def test_save_promo_stores_the_code_upper_case(app, make_user):
    staff = make_user()
    promo = promotions.save_promo(None, promo_values(), staff)
    assert (promo.code, promo.kind, promo.value, promo.plans) == (
        "SPRING10",
        DiscountKind.FIXED,
        1000,
        frozenset({Plan.SOLO}),
    )
    assert promo.created_by_id == staff.id and promo.redemptions == 0 and promo.active


@pytest.mark.parametrize("typed", ["Spring10", "SPRING10"])
def test_a_code_is_taken_whatever_its_case(app, make_user, typed):
    promotions.save_promo(None, promo_values(), None)
    with pytest.raises(DomainError) as error:
        promotions.save_promo(None, promo_values(code=typed), None)
    assert error.value.field == "code"
    assert str(error.value.message) == "Another promo code already uses this code."


def test_a_promo_code_cannot_copy_a_referral_code(app, make_user):
    code = promotions.referral_code_for(make_user())
    with pytest.raises(DomainError) as error:
        promotions.save_promo(None, promo_values(code=code.lower()), None)
    assert error.value.field == "code" and "referral code" in str(error.value.message)


def test_a_used_code_keeps_its_limits_and_its_text(app, make_user):
    promo = promotions.save_promo(None, promo_values(), None)
    promo.redemptions = 4
    db.session.commit()
    with pytest.raises(DomainError) as error:
        promotions.save_promo(promo, promo_values(max_redemptions=3), None)
    assert error.value.field == "max_redemptions"
    assert "already been used 4 times" in str(error.value.message)
    with pytest.raises(DomainError) as error:
        promotions.save_promo(promo, promo_values(code="SPRING11"), None)
    assert error.value.field == "code" and "cannot be renamed" in str(error.value.message)
    saved = promotions.save_promo(promo, promo_values(max_redemptions=4, amount="12,50"), None)
    assert (saved.max_redemptions, saved.value, saved.redemptions) == (4, 1250, 4)


def test_every_problem_is_reported_at_once(app):
    with pytest.raises(DomainError) as error:
        promotions.save_promo(
            None, promo_values(code="x", amount="0", months=0, plans=[], max_per_member=0), None
        )
    assert [field for field, _message in error.value.errors] == [
        "code",
        "amount",
        "months",
        "plans",
        "max_per_member",
    ]
    assert db.session.scalar(select(func.count()).select_from(PromoCode)) == 0


def test_deactivate_and_reactivate(app, make_user):
    promo = promotions.save_promo(None, promo_values(starts_at=NOW - timedelta(days=1)), None)
    promotions.deactivate(promo)
    assert refused("SPRING10", now=NOW).problem is CodeProblem.EXPIRED
    promotions.reactivate(promo)
    assert promotions.check_code("SPRING10", Plan.SOLO, None, NOW).code == "SPRING10"
    assert promotions.list_promos() == [promo]


# --- demo data -----------------------------------------------------------------------


def test_demo_promo_codes_are_seeded_once(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "Promo codes added: 3." in first.output
    assert "Promo codes added: 0." in runner.invoke(args=["demo-data"]).output
    assert seed_promotions(NOW + timedelta(days=400)) == 0
    now = clock.now()
    welcome = promotions.check_code("welcome20", Plan.PLUS, None, now)
    assert welcome.discount == Discount(DiscountKind.PERCENT, 20, 3)
    spring = promotions.check_code("spring10", Plan.SOLO, None, now)
    assert spring.discount == Discount(DiscountKind.FIXED, 1000, 1)
    assert refused("SPRING10", Plan.PLUS, now=now).problem is CodeProblem.WRONG_PLAN
    assert refused("SUMMER25", Plan.PLUS, now=now).problem is CodeProblem.EXPIRED
