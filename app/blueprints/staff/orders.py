"""Staff pages for orders: find one by reference or the buyer's email, and read what is
on record about it (for Student Success, when a learner quotes a reference)."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from app.blueprints.staff import bp
from app.blueprints.staff.promotions import PLAN_LABELS
from app.domain.orders import OrderStatus
from app.domain.subscriptions import SubscriptionStatus
from app.models import AcceptanceSubject, AcceptedBy, ConsentDecision, PaymentStatus
from app.models.orders import PaymentKind
from app.services import order_lookup

ORDER_STATUS = {
    OrderStatus.DRAFT: _l("Being filled in"),
    OrderStatus.AWAITING_CONSENT: _l("Waiting for the legal representative"),
    OrderStatus.PAYMENT_PENDING: _l("Payment being checked"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}
PAYMENT_STATUS = {
    PaymentStatus.PENDING: _l("Sent to the payment service"),
    PaymentStatus.UNKNOWN: _l("No answer from the payment service yet"),
    PaymentStatus.ACTION_REQUIRED: _l("Waiting for the buyer (approval or 3-D Secure)"),
    PaymentStatus.SUCCEEDED: _l("Paid"),
    PaymentStatus.AUTHORISED: _l("Payment method verified, nothing charged"),
    PaymentStatus.DECLINED: _l("Declined"),
    PaymentStatus.CANCELLED: _l("Payment cancelled"),
    PaymentStatus.REFUNDED: _l("Refunded"),
}
SUBSCRIPTION_STATUS = {
    SubscriptionStatus.REFLECTION: _l("Reflection period"),
    SubscriptionStatus.ACTIVE: _l("Active"),
    SubscriptionStatus.CANCELLING: _l("Ends at the end of the paid period"),
    SubscriptionStatus.PAST_DUE: _l("Payment overdue"),
    SubscriptionStatus.ENDED: _l("Ended"),
    SubscriptionStatus.WITHDRAWN: _l("Withdrawn"),
    SubscriptionStatus.TERMINATED: _l("Terminated"),
}
SUBJECTS = {
    AcceptanceSubject.TERMS: _l("Terms of Service"),
    AcceptanceSubject.CODE_OF_CONDUCT: _l("Code of Conduct"),
    AcceptanceSubject.IMMEDIATE_ACCESS: _l("Immediate access, withdrawal right waived"),
}
ACCEPTED_BY = {
    AcceptedBy.LEARNER: _l("The learner"),
    AcceptedBy.REPRESENTATIVE: _l("The legal representative"),
}
CONSENT = {ConsentDecision.ACCEPTED: _l("Accepted"), ConsentDecision.REFUSED: _l("Refused")}
PAYMENT_KINDS = {PaymentKind.CARD: _l("Card"), PaymentKind.PAYPAL: _l("PayPal")}
LABELS = {
    "order": ORDER_STATUS,
    "payment": PAYMENT_STATUS,
    "subscription": SUBSCRIPTION_STATUS,
    "subject": SUBJECTS,
    "accepted_by": ACCEPTED_BY,
    "consent": CONSENT,
    "plan": PLAN_LABELS,
    "payment_kind": PAYMENT_KINDS,
}


@bp.route("/orders")
def orders_list():
    status = request.args.get("status", "")
    chosen = OrderStatus(status) if status in {s.value for s in OrderStatus} else None
    query = request.args.get("q", "")[:254]
    return render_template(
        "staff/orders/index.html",
        orders=order_lookup.find_orders(chosen, query),
        status=chosen.value if chosen else "",
        query=query,
        labels=LABELS,
        limit=order_lookup.LIST_LIMIT,
    )


@bp.route("/orders/<reference>")
def order_detail(reference: str):
    record = order_lookup.order_record(reference) or abort(404)
    return render_template("staff/orders/detail.html", record=record, labels=LABELS)
