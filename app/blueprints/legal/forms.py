from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.web.forms import Form, email_field, strip

CONTACT_TOPICS = [
    ("subscription", _l("My subscription or my Learning Path")),
    ("billing", _l("Payment, invoice or refund")),
    # For a signed-in Plus subscriber, with the new path below: a path-change request
    # (§2.2c) decided at /staff/requests, not an inquiry.
    ("path_change", _l("Change my Learning Path")),
    ("account", _l("Signing in or my account")),
    ("personal_data", _l("My personal data")),
    ("accessibility", _l("Accessibility")),
    ("complaint", _l("A complaint or a dispute")),
    ("other", _l("Something else")),
]

ACCESSIBLE_FORMATS = [
    ("braille", _l("Braille transcription")),
    ("audio", _l("Audio recording")),
    ("large_print_paper", _l("Large print on paper, sent by post")),
    ("easy_read", _l("Easy-read summary")),
    ("other", _l("Another format")),
]


def _choices(pairs, placeholder=None):
    choices = [SelectChoice(code, label) for code, label in pairs]
    if placeholder:
        choices.insert(0, SelectChoice("", placeholder))
    return choices


def _name_field():
    return StringField(
        _l("Your name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer.")),
        ],
    )


class ContactForm(Form):
    name = _name_field()
    email = email_field(_l("Your email address"))
    topic = SelectField(
        _l("What is your message about?"),
        choices=_choices(CONTACT_TOPICS, _l("Select a topic")),
        validators=[InputRequired(_l("Select what your message is about."))],
    )
    # Shown to signed-in Plus subscribers only (the view gives it its choices); checked
    # by the service, which says what is wrong with the path chosen.
    new_path = SelectField(
        _l("The Learning Path you would like to move to"),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )
    order_reference = StringField(
        _l("Order or invoice reference (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=40, message=_l("The reference must be 40 characters or fewer.")),
        ],
    )
    message = TextAreaField(
        _l("Your message"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your message.")),
            Length(max=5000, message=_l("Your message must be 5,000 characters or fewer.")),
        ],
    )


class AccessibleFormatForm(Form):
    name = _name_field()
    email = email_field(_l("Your email address"))
    document = RadioField(
        _l("Which document do you need?"),
        choices=[
            SelectChoice("terms", _l("Terms of Service")),
            SelectChoice("code_of_conduct", _l("Student Code of Conduct")),
        ],
        validators=[InputRequired(_l("Select the document you need."))],
    )
    format = RadioField(
        _l("Which format do you need?"),
        choices=_choices(ACCESSIBLE_FORMATS),
        validators=[InputRequired(_l("Select the format you need."))],
    )
    details = TextAreaField(
        _l("Anything we should know (optional)"),
        filters=[strip],
        validators=[Length(max=2000, message=_l("This must be 2,000 characters or fewer."))],
    )

    def validate_details(self, field):
        if self.format.data == "other" and not field.data:
            raise ValidationError(_l("Describe the format you need."))
