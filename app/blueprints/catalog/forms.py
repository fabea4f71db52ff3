from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from app.web.forms import Form, email_field, select_choices, strip

INQUIRY_TYPES = (
    ("funding", _l("Funding my training")),
    ("prerequisites", _l("Prerequisites and equipment")),
    ("start_dates", _l("Start dates")),
    ("other", _l("Something else")),
)


class PathContactForm(Form):
    """Contact Us on a Learning Path page (Terms §2.2b)."""

    name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            InputRequired(_l("Enter your full name.")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer.")),
        ],
    )
    email = email_field(_l("Email address"))
    phone = StringField(
        _l("Phone number (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=40, message=_l("The phone number must be 40 characters or fewer.")),
        ],
    )
    inquiry_type = SelectField(
        _l("What is your question about?"),
        choices=select_choices(INQUIRY_TYPES, _l("Choose a type of question")),
        validators=[InputRequired(_l("Choose what your question is about."))],
        validate_choice=False,  # checked below, with a message that says what to do
    )
    message = TextAreaField(
        _l("Your message"),
        validators=[
            InputRequired(_l("Enter your message.")),
            Length(max=5000, message=_l("Your message must be 5,000 characters or fewer.")),
        ],
    )

    def validate_inquiry_type(self, field):
        if field.data not in dict(INQUIRY_TYPES):
            raise ValidationError(_l("Choose what your question is about."))


class LaunchWatchForm(Form):
    email = email_field(_l("Email address"))
