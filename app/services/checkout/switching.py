"""Another plan or Learning Path for an order being filled in (Review's Change link).

The choice makes a new order with the same answers and cancels the first one, rather
than pointing the first one elsewhere: an order is one offer from start to end, so the
acceptances recorded at a Confirm (for Solo, the immediate-access waiver), the payment
attempts and their amounts, and the gateways' logs all stay with the offer they were
for. The promo or referral code is checked again for the new plan."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from app.domain.orders import OrderStatus, Plan
from app.extensions import db
from app.models import LearningPath, Order
from app.services import promotions
from app.services.checkout.orders import CheckoutRefused, cancel, start

# What the buyer answered at each step; everything else belongs to the order itself.
ANSWERS = (
    "account_created_in_flow",
    "date_of_birth",
    "country",
    "legal_protection",
    "needs_consent",
    "full_name",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "billing_country",
    "locale",
    "representative_name",
    "representative_email",
    "payment_kind",
    "payment_method_id",
    "holder_confirmed_at",
)


@dataclass(frozen=True)
class Switched:
    order: Order
    # The code the first order had that the new plan does not take (it was left out).
    dropped_code: str | None = None
    dropped_because: str | None = None


def same_offer(order: Order, plan: Plan, path: LearningPath | None) -> bool:
    return order.plan is plan and (plan is Plan.SOLO or order.path_id == path.id)


def switch(order: Order, plan: Plan, path: LearningPath | None, now: datetime) -> Switched:
    """Raises CheckoutRefused when the order can no longer change, or when the buyer may
    not take the new offer (a path not open, a plan already held)."""
    if order.status is not OrderStatus.DRAFT:
        raise CheckoutRefused(None, _l("This order can no longer be changed."))
    if same_offer(order, plan, path):
        return Switched(order)
    new = start(plan, order.user, path)
    for name in ANSWERS:
        setattr(new, name, getattr(order, name))
    dropped = because = None
    if order.code:
        try:
            applied = promotions.check_code(order.code, plan, order.user, now)
        except promotions.CodeRefused as refused:
            dropped, because = order.code, refused.message
        else:
            new.code = applied.code
            new.promo_code_id = applied.promo_code_id
            new.referrer_id = applied.referrer_id
    cancel(order)
    db.session.flush()
    return Switched(new, dropped, because)
