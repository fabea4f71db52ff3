"""How the Premium tab names a subscription's statuses, the reasons of its changes and
the refusals, in the member's language (the codes stay in the database)."""

from flask_babel import lazy_gettext as _l

from app.domain.contract import Refusal
from app.domain.requests import AskRefusal, RequestKind, RequestStatus
from app.domain.subscriptions import Reason, SubscriptionStatus

S = SubscriptionStatus

STATUSES = {
    S.REFLECTION: _l("Reflection period: nothing is charged yet"),
    S.ACTIVE: _l("Active: renews every month"),
    S.CANCELLING: _l("Cancelled: runs until the end of the paid period"),
    S.PAST_DUE: _l("Payment due: service suspended until it is paid"),
    S.ENDED: _l("Ended"),
    S.TERMINATED: _l("Terminated"),
    S.WITHDRAWN: _l("Withdrawn"),
}

REASONS = {
    Reason.ORDER_COMPLETED: _l("Subscribed"),
    Reason.REFLECTION_ENDED: _l("Reflection period over: first month charged"),
    Reason.CANCELLED_BY_MEMBER: _l("Cancelled by you"),
    Reason.REPLACED_BY_PLUS: _l("Cancelled because Premium Plus replaces it"),
    Reason.CANCELLATION_UNDONE: _l("Cancellation undone by you"),
    Reason.PERIOD_ENDED: _l("Ended at the end of the paid period"),
    Reason.PATH_CHANGED: _l("Ended for a change of Learning Path"),
    Reason.WITHDRAWN_BEFORE_USE: _l("Withdrawn within 14 days, refunded in full"),
    Reason.WITHDRAWN_IN_REFLECTION: _l("Withdrawn during the reflection period, at no cost"),
    Reason.PAYMENT_FAILED: _l("Payment failed: service suspended"),
    Reason.BALANCE_PAID: _l("Balance paid: service restored"),
    Reason.UNPAID: _l("Terminated for non-payment"),
    Reason.TERMINATED_BY_MEMBER: _l("Terminated by you within three months"),
    Reason.FORCE_MAJEURE: _l("Terminated for force majeure, at no cost"),
    Reason.SANCTION: _l("Terminated after a sanction"),
}

# The History table's rows other than status changes (those say their reason).
HISTORY_KINDS = {
    "charge": _l("Payment"),
    "failed_charge": _l("Payment refused"),
    "refund": _l("Refund issued"),
    "interest": _l("Late-payment interest"),
    "fee": _l("Fixed collection fee"),
    "credit": _l("Referral credit"),
}

# Why a change asked for was refused: said on the page the request came back to.
REFUSALS = {
    Refusal.NOT_NOW: _l("This cannot be done for this subscription in its current state."),
    Refusal.ALREADY_CANCELLED: _l("This subscription is already cancelled."),
    Refusal.REPLACED_BY_PLUS: _l(
        "This subscription ends because Premium Plus replaces it: it cannot be restarted."
    ),
    Refusal.PERIOD_OVER: _l("The paid period is over: the cancellation can no longer be undone."),
    Refusal.WRONG_PLAN: _l("This cannot be done for this plan."),
    Refusal.WITHDRAWAL_OVER: _l(
        "The 14 days for withdrawing are over (Terms of Service, section 6.1)."
    ),
    Refusal.ACCESS_USED: _l(
        "You have used your access since subscribing, which ends the right of withdrawal "
        "(Terms of Service, section 6.1)."
    ),
    Refusal.REFLECTION_OVER: _l(
        "The 7-day reflection period is over (Terms of Service, section 6.2)."
    ),
    Refusal.TERMINATION_OVER: _l(
        "The three months after acceptance are over: you can cancel the subscription instead "
        "(Terms of Service, section 6.2)."
    ),
}

ASK_REFUSALS = {
    AskRefusal.WRONG_PLAN: _l("This request is for Premium Plus subscriptions."),
    AskRefusal.NOT_NOW: _l(
        "This request cannot be made for this subscription in its current state."
    ),
    AskRefusal.ALREADY_ASKED: _l(
        "You have already sent this request: Student Success will answer it by email."
    ),
}

REQUEST_KINDS = {
    RequestKind.PATH_CHANGE: _l("Change of Learning Path"),
    RequestKind.FORCE_MAJEURE: _l("Termination for an accident or force majeure"),
}

REQUEST_STATUSES = {
    RequestStatus.OPEN: _l("Waiting for Student Success's answer"),
    RequestStatus.APPROVED: _l("Approved"),
    RequestStatus.REFUSED: _l("Refused"),
}
