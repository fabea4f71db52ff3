from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.web.forms import Form


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
