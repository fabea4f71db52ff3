"""The sandbox's card fields (checkout's payment step, Settings → Payment): every mistake
said at once, next to its field, in the member's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.domain.cards import CardProblem, card_problems, digits_only

CARD_MESSAGES = {
    CardProblem.NUMBER_FORMAT: _l("Enter a card number of 12 to 19 digits, as shown on your card."),
    CardProblem.NUMBER_CHECKSUM: _l("This card number is not valid. Check it for typing mistakes."),
    CardProblem.EXPIRY_FORMAT: _l("Enter the expiry date as shown on your card, like 04/29."),
    CardProblem.EXPIRED: _l("This card has expired. Use another card."),
    CardProblem.CVC_FORMAT: _l(
        "Enter the 3-digit security code from the back of your card (4 digits on the front "
        "for American Express)."
    ),
}


def check_card_fields(form) -> bool:
    """Put each card field's problem on it (`form` has card_number, card_expiry and
    card_cvc); True when the card is fit to hand to the gateway."""
    number = digits_only(form.card_number.data or "")
    if not number:
        form.card_number.errors.append(_("Enter your card number."))
    found = card_problems(
        number, form.card_expiry.data or "", form.card_cvc.data or "", clock.today()
    )
    for field, problem in found:
        if field == "card_number" and not number:
            continue  # already said: enter it
        form[field].errors.append(str(CARD_MESSAGES[problem]))
    return number != "" and not found
