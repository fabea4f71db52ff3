"""Promo codes and referrals (Terms §4): checking a typed code, taking and giving back a
use of it at checkout, every member's referral code, and the staff's promo codes."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.domain.errors import DomainError
from app.domain.money import parse_euros
from app.domain.orders import Plan
from app.domain.promotions import (
    CODE_PATTERN,
    CodeProblem,
    Discount,
    DiscountKind,
    PromoSetup,
    SetupProblem,
    new_referral_code,
    normalise_code,
    promo_problem,
    referral_discount,
    referral_problem,
    setup_problems,
)
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

PROBLEM_MESSAGES = {
    CodeProblem.UNKNOWN: _l("We do not recognise this code. Check it and try again."),
    CodeProblem.NOT_STARTED: _l("This code is not valid yet."),
    CodeProblem.EXPIRED: _l("This code has expired."),
    CodeProblem.EXHAUSTED: _l("This code has already been used as many times as it allows."),
    CodeProblem.ALREADY_USED: _l("You have already used this code."),
    CodeProblem.OWN_REFERRAL: _l("You cannot use your own referral code."),
    CodeProblem.NOT_NEW: _l("Referral codes are for members taking their first paid plan."),
}
# Whole sentences rather than a plan name slotted in, so each reads right in French.
WRONG_PLAN_MESSAGES = {
    Plan.SOLO: _l("This code is not valid for Premium Solo."),
    Plan.PLUS: _l("This code is not valid for Premium Plus."),
    None: _l("This code is not valid for this plan."),
}


def problem_message(problem: CodeProblem, plan: Plan | None) -> str:
    if problem is CodeProblem.WRONG_PLAN:
        return WRONG_PLAN_MESSAGES[plan]
    return PROBLEM_MESSAGES[problem]


class CodeRefused(DomainError):
    """A typed code cannot be used for this order; `problem` says why."""

    def __init__(self, problem: CodeProblem, plan: Plan | None = None):
        super().__init__("code", problem_message(problem, plan))
        self.problem = problem


@dataclass(frozen=True)
class AppliedCode:
    code: str  # as stored (upper-case)
    discount: Discount
    # A promo code's id, or the member whose referral code it is: never both.
    promo_code_id: int | None
    referrer_id: int | None


# --- checkout ------------------------------------------------------------------------


def check_code(text: str, plan: Plan, buyer: User | None, now: datetime) -> AppliedCode:
    """The discount a typed code gives on this plan, or CodeRefused. Promo codes are looked
    up first: staff cannot create one equal to a referral code, but an old one would win."""
    code = normalise_code(text or "")
    if not code:
        raise CodeRefused(CodeProblem.UNKNOWN, plan)
    promo = db.session.scalar(select(PromoCode).where(PromoCode.code == code))
    if promo is not None:
        problem = promo_problem(
            promo.terms,
            plan,
            now,
            promo.redemptions,
            _uses_by_member(promo.id, buyer.id) if buyer is not None else 0,
        )
        if problem:
            raise CodeRefused(problem, plan)
        return AppliedCode(promo.code, promo.discount, promo.id, None)
    referral = db.session.scalar(select(ReferralCode).where(ReferralCode.code == code))
    if referral is not None:
        problem = referral_problem(
            referral.user_id,
            buyer.id if buyer is not None else None,
            buyer is not None and _ever_subscribed(buyer.id),
        )
        if problem:
            raise CodeRefused(problem, plan)
        config = current_app.config
        discount = referral_discount(config["REFERRAL_PERCENT_OFF"], config["REFERRAL_MONTHS"])
        return AppliedCode(referral.code, discount, None, referral.user_id)
    raise CodeRefused(CodeProblem.UNKNOWN, plan)


def _uses_by_member(promo_code_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(PromoRedemption)
        .where(PromoRedemption.promo_code_id == promo_code_id, PromoRedemption.user_id == user_id)
    )


def _ever_subscribed(user_id: int) -> bool:
    return (
        db.session.scalar(select(Subscription.id).where(Subscription.user_id == user_id).limit(1))
        is not None
    )


def redeem(order: Order, buyer: User, now: datetime) -> None:
    """Take one use of the order's promo code, in the caller's transaction (no commit).
    Calling it again for the same order changes nothing. A referral code takes nothing:
    its Referral is recorded when the order completes."""
    if order.promo_code_id is None:
        return
    if db.session.scalar(select(PromoRedemption.id).where(PromoRedemption.order_id == order.id)):
        return
    promo = db.session.get(PromoCode, order.promo_code_id)
    # The global limit is left to the UPDATE below; here only what cannot race.
    problem = promo_problem(promo.terms, order.plan, now, 0, 0)
    if problem:
        raise CodeRefused(problem, order.plan)
    # One conditional UPDATE: of two orders after the last use, one gets rowcount 0.
    # On PostgreSQL it also locks the code's row until commit, so the count below
    # sees any other order of this member that took a use first.
    taken = db.session.execute(
        update(PromoCode)
        .where(
            PromoCode.id == promo.id,
            PromoCode.active.is_(True),
            (PromoCode.max_redemptions.is_(None))
            | (PromoCode.redemptions < PromoCode.max_redemptions),
        )
        .values(redemptions=PromoCode.redemptions + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    _forget_count(promo.id)
    if not taken:
        db.session.refresh(promo)
        raise CodeRefused(
            CodeProblem.EXHAUSTED if promo.active else CodeProblem.EXPIRED, order.plan
        )
    if _uses_by_member(promo.id, buyer.id) >= promo.max_per_member:
        # Given back at once, so the use is not lost even if the caller commits anyway.
        _give_back(promo.id)
        raise CodeRefused(CodeProblem.ALREADY_USED, order.plan)
    db.session.add(PromoRedemption(promo_code_id=promo.id, user_id=buyer.id, order_id=order.id))
    db.session.flush()


def release(order: Order) -> None:
    """Give back the use an order took (it was cancelled), in the caller's transaction."""
    row = db.session.execute(
        select(PromoRedemption.id, PromoRedemption.promo_code_id).where(
            PromoRedemption.order_id == order.id
        )
    ).first()
    if row is None:
        return
    # Deleted by id with the rowcount checked, so two releases give back one use.
    deleted = db.session.execute(delete(PromoRedemption).where(PromoRedemption.id == row.id))
    if deleted.rowcount:
        _give_back(row.promo_code_id)


def _give_back(promo_code_id: int) -> None:
    db.session.execute(
        update(PromoCode)
        .where(PromoCode.id == promo_code_id, PromoCode.redemptions > 0)
        .values(redemptions=PromoCode.redemptions - 1)
        .execution_options(synchronize_session=False)
    )
    _forget_count(promo_code_id)


def _forget_count(promo_code_id: int) -> None:
    """The counter changed in SQL: a loaded PromoCode reads it again when next used."""
    loaded = db.session.identity_map.get(db.session.identity_key(PromoCode, promo_code_id))
    if loaded is not None:
        db.session.expire(loaded, ["redemptions"])


# --- referrals -----------------------------------------------------------------------

REFERRAL_CODE_ATTEMPTS = 10


def referral_code_for(user: User) -> str:
    """The member's referral code, made on the first call."""
    existing = db.session.get(ReferralCode, user.id)
    if existing is not None:
        return existing.code
    for _attempt in range(REFERRAL_CODE_ATTEMPTS):
        code = new_referral_code()
        if _code_taken(code):
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ReferralCode(user_id=user.id, code=code))
        except IntegrityError:
            # Either this code was just taken, or the member got one in another request.
            existing = db.session.get(ReferralCode, user.id, populate_existing=True)
            if existing is not None:
                return existing.code
            continue
        return code
    raise RuntimeError("no free referral code found")


def _code_taken(code: str) -> bool:
    return bool(
        db.session.scalar(select(PromoCode.id).where(PromoCode.code == code))
        or db.session.scalar(select(ReferralCode.user_id).where(ReferralCode.code == code))
    )


def record_referral(order: Order) -> Referral | None:
    """At completion, in the caller's transaction: the referee and the credit the referrer
    will earn (billing pays it once the first payment is past its withdrawal or
    reflection period). Calling it again returns the same row."""
    if order.referrer_id is None or order.user_id is None or order.referrer_id == order.user_id:
        return None
    existing = db.session.scalar(
        select(Referral).where(
            (Referral.order_id == order.id) | (Referral.referee_id == order.user_id)
        )
    )
    if existing is not None:
        return existing
    referral = Referral(
        referrer_id=order.referrer_id,
        referee_id=order.user_id,
        order_id=order.id,
        credit_cents=current_app.config["REFERRAL_CREDIT_CENTS"],
    )
    db.session.add(referral)
    db.session.flush()
    return referral


# --- staff ---------------------------------------------------------------------------

SETUP_MESSAGES = {
    SetupProblem.CODE_FORMAT: _l("Use 3 to 40 letters, digits or hyphens, like WELCOME20."),
    SetupProblem.PERCENT_RANGE: _l("Enter a percentage between 1 and 100."),
    SetupProblem.AMOUNT_FORMAT: _l("Enter an amount in euros, like 49.90."),
    SetupProblem.AMOUNT_RANGE: _l("Enter an amount between 0.01 and 10,000 euros."),
    SetupProblem.MONTHS_RANGE: _l("Enter a number of months between 1 and 120."),
    SetupProblem.NO_PLAN: _l("Select at least one plan."),
    SetupProblem.ENDS_BEFORE_STARTS: _l("The end must be after the start."),
    # The limits of app.domain.promotions, written out for the translators.
    SetupProblem.LIMIT_RANGE: _l(
        "Enter a number between 1 and 1,000,000, or leave it empty for no limit."
    ),
    SetupProblem.PER_MEMBER_RANGE: _l("Enter a number between 1 and 1,000."),
}
CODE_TAKEN = _l("Another promo code already uses this code.")
CODE_IS_REFERRAL = _l("A member's referral code already uses this code. Choose another.")
CODE_IN_USE = _l("This code has been used, so it cannot be renamed. Create a new code instead.")


def _setup_message(problem: SetupProblem, redemptions: int) -> str:
    if problem is SetupProblem.LIMIT_BELOW_USES:
        return _l(
            "This code has already been used %(count)s times: the limit cannot be lower.",
            count=redemptions,
        )
    return SETUP_MESSAGES[problem]


def save_promo(promo: PromoCode | None, values: dict, author: User | None) -> PromoCode:
    """Create (promo None) or change a promo code. `values`: code, description,
    kind, percent (int), amount (euros as typed), months, plans, starts_at (aware, None:
    now), ends_at, max_redemptions (None: no limit), max_per_member."""
    kind = DiscountKind(values["kind"])
    setup = PromoSetup(
        code=normalise_code(values.get("code") or ""),
        kind=kind,
        value=values.get("percent")
        if kind is DiscountKind.PERCENT
        else parse_euros(values.get("amount")),
        months=values.get("months") or 0,
        plans=frozenset(Plan(p) for p in values.get("plans") or ()),
        starts_at=values.get("starts_at") or clock.now().replace(second=0, microsecond=0),
        ends_at=values.get("ends_at"),
        max_redemptions=values.get("max_redemptions"),
        max_per_member=values.get("max_per_member") or 0,
    )
    redemptions = promo.redemptions if promo is not None else 0
    errors = [(f, _setup_message(p, redemptions)) for f, p in setup_problems(setup, redemptions)]
    if CODE_PATTERN.match(setup.code):
        code_error = _code_problem(setup.code, promo)
        if code_error:
            errors.insert(0, ("code", code_error))
    if errors:
        raise DomainError.of(errors)

    promo_id = promo.id if promo is not None else None
    try:
        # Checked above; the database has the last word when two requests cross (the
        # same new code twice, or a use taken while the limit was lowered).
        with db.session.begin_nested():
            if promo is None:
                promo = PromoCode(created_by_id=author.id if author is not None else None)
                db.session.add(promo)
            promo.code = setup.code
            promo.description = (values.get("description") or "").strip()
            promo.kind = setup.kind
            promo.value = setup.value
            promo.months = setup.months
            promo.for_solo = Plan.SOLO in setup.plans
            promo.for_plus = Plan.PLUS in setup.plans
            promo.starts_at = setup.starts_at
            promo.ends_at = setup.ends_at
            promo.max_redemptions = setup.max_redemptions
            promo.max_per_member = setup.max_per_member
    except IntegrityError as error:
        if _is_code_clash(error):
            raise DomainError("code", CODE_TAKEN) from error
        if promo_id is None:
            raise
        used = db.session.scalar(select(PromoCode.redemptions).where(PromoCode.id == promo_id))
        message = _setup_message(SetupProblem.LIMIT_BELOW_USES, used or 0)
        raise DomainError("max_redemptions", message) from error
    return promo


def _code_problem(code: str, promo: PromoCode | None) -> str | None:
    if promo is not None and code != promo.code and promo.redemptions:
        return CODE_IN_USE
    clash = select(PromoCode.id).where(PromoCode.code == code)
    if promo is not None:
        clash = clash.where(PromoCode.id != promo.id)
    if db.session.scalar(clash):
        return CODE_TAKEN
    if db.session.scalar(select(ReferralCode.user_id).where(ReferralCode.code == code)):
        return CODE_IS_REFERRAL
    return None


def _is_code_clash(error: IntegrityError) -> bool:
    # PostgreSQL names the constraint, SQLite the column.
    message = str(error.orig)
    return "uq_promo_codes_code" in message or "promo_codes.code" in message


def list_promos() -> list[PromoCode]:
    return list(
        db.session.scalars(
            select(PromoCode).order_by(PromoCode.active.desc(), PromoCode.created_at.desc())
        )
    )


def deactivate(promo: PromoCode) -> None:
    """No new order can use it; orders that already took a use keep their discount."""
    promo.active = False
    db.session.flush()


def reactivate(promo: PromoCode) -> None:
    promo.active = True
    db.session.flush()
