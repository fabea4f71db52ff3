from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from app.web.forms import Form, strip


def _explanation(label, message):
    return TextAreaField(
        label,
        validators=[
            InputRequired(message),
            Length(max=5000, message=_l("Your explanation must be 5,000 characters or fewer.")),
        ],
    )


class PathChangeForm(Form):
    new_path = SelectField(
        _l("The Learning Path you would like to follow"),
        validators=[InputRequired(_l("Select the Learning Path you would like to follow."))],
    )
    explanation = _explanation(
        _l("Why you would like to change"), _l("Say why you would like to change path.")
    )


class ForceMajeureForm(Form):
    explanation = _explanation(
        _l("What prevents you from following your Learning Path"),
        _l("Say what prevents you from following your Learning Path."),
    )
    document = FileField(_l("A document that shows it (optional)"))


class CardForm(Form):
    """A new card for the renewals: the sandbox's fields, or Adyen's encrypted state."""

    card_number = StringField(_l("Card number"), filters=[strip])
    card_expiry = StringField(_l("Expiry date"), filters=[strip])
    card_cvc = StringField(_l("Card security code"), filters=[strip])
    adyen_state_data = HiddenField()
    holder = BooleanField(_l("I hold this payment method or have its holder's written consent"))

    def validate_holder(self, field):
        if not field.data:
            from wtforms import ValidationError

            raise ValidationError(
                _l("Confirm that you hold this payment method or have its holder's consent.")
            )


class PayPalForm(Form):
    """Pay a subscription with PayPal instead: one button per subscription (its value
    names it), after the same statement as for a card (Terms §3.1)."""

    # Not `holder`: the card form beside it on the page has one (ids are unique).
    paypal_holder = BooleanField(
        _l("I hold the PayPal account or have its holder's written consent")
    )
    subscription = IntegerField(validators=[InputRequired()])

    def validate_paypal_holder(self, field):
        if not field.data:
            from wtforms import ValidationError

            raise ValidationError(
                _l("Confirm that you hold the PayPal account or have its holder's consent.")
            )
