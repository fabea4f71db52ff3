from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional

from app.domain.money import parse_euros
from app.web.forms import Form, strip


class AnswerForm(Form):
    reply = TextAreaField(
        _l("Your answer"),
        validators=[
            InputRequired(_l("Write your answer.")),
            Length(max=10000, message=_l("The answer must be 10,000 characters or fewer.")),
        ],
    )


def _text(label, message, limit, limit_message):
    return TextAreaField(
        label,
        validators=[InputRequired(message), Length(max=limit, message=limit_message)],
    )


class DocumentVersionForm(Form):
    kind = RadioField(
        _l("Document"),
        choices=[
            SelectChoice("terms", _l("Terms of Service")),
            SelectChoice("code_of_conduct", _l("Student Code of Conduct")),
        ],
        validators=[InputRequired(_l("Select the document."))],
    )
    label = StringField(
        _l("Version label"),
        validators=[InputRequired(_l("Enter a version label, for example 2027-01."))],
    )
    change_summary_en = _text(
        _l("What changed, in English"),
        _l("Say in English what changed."),
        2000,
        _l("The summary must be 2,000 characters or fewer."),
    )
    change_summary_fr = _text(
        _l("What changed, in French"),
        _l("Say in French what changed."),
        2000,
        _l("The summary must be 2,000 characters or fewer."),
    )
    body_en = _text(
        _l("Text in English (Markdown)"),
        _l("Enter the text in English."),
        200_000,
        _l("The text must be 200,000 characters or fewer."),
    )
    body_fr = _text(
        _l("Text in French (Markdown)"),
        _l("Enter the text in French."),
        200_000,
        _l("The text must be 200,000 characters or fewer."),
    )
    material = BooleanField(
        _l("This version changes the duration, features or price of the services")
    )


class MonthlyPrice:
    """An optional new monthly price in euros (§1): empty keeps the price; otherwise an
    amount above zero, kept in cents on the form (`cents_of`)."""

    def __call__(self, form, field):
        form.cents_of = getattr(form, "cents_of", {})
        if field.data:
            cents = parse_euros(field.data)
            if cents is None or cents <= 0:
                raise ValidationError(
                    _l("Enter a monthly price in euros, like 24.90, or leave it empty.")
                )
            form.cents_of[field.name] = cents


def document_form(paths) -> DocumentVersionForm:
    """The publishing form with one optional new-price field for Premium Solo and one
    per Learning Path (Premium Plus), named price_solo and price_path_<id>."""

    class WithPrices(DocumentVersionForm):
        pass

    WithPrices.price_solo = StringField("Premium Solo", validators=[Optional(), MonthlyPrice()])
    french = str(get_locale()) == "fr"
    for path in paths:
        title = path.title_fr if french else path.title_en
        field = StringField(f"Premium Plus — {title}", validators=[Optional(), MonthlyPrice()])
        setattr(WithPrices, f"price_path_{path.id}", field)
    return WithPrices()


class DecisionForm(Form):
    """Staff's written decision on a subscriber's request (path change, force majeure)."""

    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("refuse", _l("Refuse"))],
        validators=[InputRequired(_l("Select a decision."))],
    )
    message = TextAreaField(
        _l("Your message to the subscriber"),
        validators=[
            InputRequired(_l("Write the message that explains the decision.")),
            Length(max=10000, message=_l("The message must be 10,000 characters or fewer.")),
        ],
    )


class RefundForm(Form):
    """A refund on one payment of an order: the whole of what is left by default."""

    amount = StringField(
        _l("Amount to refund in euros (leave empty to refund all that is left)"),
        filters=[strip],
        validators=[Optional(), Length(max=20, message=_l("Enter an amount in euros, like 9.90."))],
    )
    reason = TextAreaField(
        _l("Reason for the refund"),
        filters=[strip],
        validators=[
            InputRequired(_l("Say why you refund: it is printed on the credit note.")),
            Length(max=500, message=_l("The reason must be 500 characters or fewer.")),
        ],
    )

    def validate_amount(self, field):
        self.amount_cents = None
        if field.data:
            self.amount_cents = parse_euros(field.data)
            if self.amount_cents is None or self.amount_cents <= 0:
                raise ValidationError(_l("Enter an amount in euros, like 9.90."))
