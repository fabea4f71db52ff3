"""Staff pages for orders: find one by reference or the buyer's email, and read what is
on record about it (for Student Success, when a learner quotes a reference)."""

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.blueprints.staff import bp
from app.blueprints.staff.forms import RefundForm
from app.blueprints.staff.promotions import PLAN_LABELS
from app.domain.errors import DomainError
from app.domain.orders import OrderStatus
from app.domain.subscriptions import SubscriptionStatus
from app.extensions import db
from app.models import (
    AcceptanceSubject,
    AcceptedBy,
    ConsentDecision,
    PaymentStatus,
    RefundStatus,
)
from app.models.orders import PaymentKind
from app.services import order_lookup, refunds
from app.web.rendering import redirect_to

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
REFUND_STATUS = {
    RefundStatus.PENDING: _l("No answer from the payment service yet"),
    RefundStatus.SUCCEEDED: _l("Refunded"),
    RefundStatus.REFUSED: _l("Refused by the payment service"),
}
REFUND_ERRORS = {
    "amount_positive": _l("Enter an amount in euros, like 9.90."),
    "amount_too_high": _l("This is more than what is left to refund on this payment."),
    "reason_required": _l("Say why you refund: it is printed on the credit note."),
    "not_paid": _l("This payment was not collected, so there is nothing to refund."),
    "refused": _l("The payment service refused the refund. Nothing was refunded."),
    "no_answer": _l(
        "The payment service did not answer. The refund is recorded as waiting for its "
        "answer; check the payment service before trying again."
    ),
}
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
    "refund": REFUND_STATUS,
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
    return _detail(record)


def _detail(record, posted: RefundForm | None = None, posted_id: int | None = None, status=200):
    """The order's record, with a refund form under each payment that has money left to
    give back (the posted one keeps its answers and errors)."""
    forms = {}
    for payment in record.payments:
        if refunds.refundable_cents(payment) > 0:
            forms[payment.id] = (
                posted if payment.id == posted_id else RefundForm(prefix=f"refund-{payment.id}")
            )
    return (
        render_template(
            "staff/orders/detail.html",
            record=record,
            labels=LABELS,
            refund_forms=forms,
            refundable=refunds.refundable_cents,
            errors_form=posted,
        ),
        status,
    )


@bp.route("/orders/<reference>/payments/<int:payment_id>/refund", methods=["POST"])
def refund_payment(reference: str, payment_id: int):
    """Refund all or part of one payment, with a reason: the gateway gives it back and a
    credit note is issued (app.services.refunds)."""
    record = order_lookup.order_record(reference) or abort(404)
    payment = next((p for p in record.payments if p.id == payment_id), None) or abort(404)
    form = RefundForm(prefix=f"refund-{payment.id}")
    if form.validate_on_submit():
        try:
            refunds.refund(
                payment, form.amount_cents, form.reason.data, current_user._get_current_object()
            )
        except DomainError as error:
            for field, message in error.errors:
                target = getattr(form, field).errors if field else form.form_errors
                target.append(REFUND_ERRORS[message])
        else:
            flash(_("Refunded. The credit note is issued."))
            return redirect_to(url_for("staff.order_detail", reference=record.order.reference))
        db.session.expire_all()
        record = order_lookup.order_record(reference)
    return _detail(record, form, payment.id, status=422)
