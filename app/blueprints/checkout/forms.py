from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, Email, InputRequired, Length, Optional, StopValidation

from app.web.forms import (
    Form,
    birth_date_field,
    country_field,
    email_validators,
    full_name_field,
    legal_protection_field,
    strip,
)


class EligibilityForm(Form):
    date_of_birth = birth_date_field()
    country = country_field()
    legal_protection = legal_protection_field()


class WhenConsentNeeded:
    """Required when the order needs a representative's consent; skipped otherwise."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not getattr(form, "needs_consent", False):
            field.errors[:] = []
            raise StopValidation()
        if not field.data:
            raise StopValidation(self.message)


def _text(label, required_message, max_length, optional=False):
    validators = [Optional()] if optional else [InputRequired(required_message)]
    validators.append(
        Length(max=max_length, message=_l("This must be %(n)s characters or fewer.", n=max_length))
    )
    return StringField(label, validators=validators, filters=[strip])


class DetailsForm(Form):
    full_name = full_name_field()
    address_line1 = _text(_l("Address line 1"), _l("Enter the first line of your address."), 200)
    address_line2 = _text(_l("Address line 2 (optional)"), None, 200, optional=True)
    postal_code = _text(_l("Postcode"), _l("Enter your postcode."), 20)
    city = _text(_l("Town or city"), _l("Enter your town or city."), 100)
    billing_country = SelectField(
        _l("Country"),
        validators=[InputRequired(_l("Select the country of your billing address."))],
    )
    locale = RadioField(
        _l("Language for your courses and emails"),
        choices=[SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        validators=[InputRequired(_l("Choose French or English."))],
    )
    code = _text(_l("Promo or referral code (optional)"), None, 40, optional=True)
    representative_name = StringField(
        _l("Your legal representative's full name"),
        validators=[
            WhenConsentNeeded(_l("Enter your legal representative's full name.")),
            Length(max=120, message=_l("This must be %(n)s characters or fewer.", n=120)),
        ],
        filters=[strip],
    )
    representative_email = EmailField(
        _l("Your legal representative's email address"),
        validators=[
            WhenConsentNeeded(_l("Enter your legal representative's email address.")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer.")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com."),
                check_deliverability=False,
            ),
        ],
        filters=[strip],
    )

    def __init__(self, *args, needs_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_consent = needs_consent


class CodeForm(Form):
    code = _text(_l("Promo or referral code (optional)"), None, 40, optional=True)


class PaymentForm(Form):
    payment_kind = RadioField(
        _l("How would you like to pay?"),
        choices=[SelectChoice("card", _l("Card")), SelectChoice("paypal", "PayPal")],
        validators=[InputRequired(_l("Choose card or PayPal."))],
    )
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


class ReviewForm(Form):
    figures = HiddenField()
    versions = HiddenField()
    accept_terms = BooleanField()
    accept_code = BooleanField()
    immediate_access = BooleanField()


class ConsentForm(Form):
    name = full_name_field()
    versions = HiddenField()
    # One box per document, as at Review; the page shows those of the order's plan.
    accept_terms = BooleanField()
    accept_code = BooleanField()
    immediate_access = BooleanField()
    decision = HiddenField()


class EmptyForm(Form):
    pass


class PlanChoiceForm(Form):
    """A button on the page to change an order's plan or path: hidden values, so a bad
    one is a forged request (400), never a field to correct."""

    plan = HiddenField(validators=[AnyOf(("solo", "plus"))])
    path = HiddenField()


class RepresentativeEmailForm(Form):
    email = EmailField(_l("Email address"), validators=email_validators(), filters=[strip])
