"""How checkout names things to people: the plan, and a bank's refusal in plain words."""

from flask_babel import lazy_gettext as _l

from app.domain.orders import Plan
from app.models import Order
from app.payments.base import Decline

DECLINE_MESSAGES = {
    Decline.DECLINED: _l("Your bank declined the payment. Try another card or PayPal."),
    Decline.INSUFFICIENT_FUNDS: _l(
        "Your bank declined the payment: there are not enough funds on this card. Try "
        "another card or PayPal."
    ),
    Decline.EXPIRED_CARD: _l("Your bank says this card has expired. Use another card."),
    Decline.AUTHENTICATION_FAILED: _l(
        "Your bank could not confirm that it was you (3-D Secure), so nothing was charged. "
        "Try again or use another card."
    ),
    Decline.INVALID_CARD: _l(
        "This card was not accepted. Check the number, expiry date and security code."
    ),
    Decline.AMOUNT_MISMATCH: _l(
        "The payment did not match this order, so we did not take it. Nothing was charged."
    ),
    Decline.NOT_THIS_ORDER: _l(
        "The payment did not match this order, so we did not take it. Nothing was charged."
    ),
    Decline.GATEWAY_ERROR: _l(
        "The payment service did not complete the payment. Nothing was charged; try again."
    ),
    Decline.NO_METHOD: _l(
        "No payment method is kept for this subscription. Add a card on the Payment tab of My account."
    ),
}


def decline_of(code: str | None) -> Decline | None:
    try:
        return Decline(code) if code else None
    except ValueError:
        return None


def decline_message(decline: Decline | str | None) -> str:
    if decline == "abandoned":
        return str(_l("You left the payment unfinished. Nothing was charged. Choose how to pay."))
    if decline == "cancelled":
        return str(
            _l("You cancelled the payment on PayPal. Nothing was charged. Choose how to pay.")
        )
    return str(DECLINE_MESSAGES.get(decline_of(decline) or Decline.DECLINED))


def plan_title(order: Order, locale: str | None = None) -> str:
    if order.plan is Plan.SOLO:
        return "Premium Solo"
    title = order.path.title_fr if (locale or order.locale) == "fr" else order.path.title_en
    return f"Premium Plus — {title}"
