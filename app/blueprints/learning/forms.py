from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.services.certificates import MAX_REASON
from app.web.forms import Form


class ChapterDoneForm(Form):
    # "1": mark the chapter done; "0": not done after all.
    done = HiddenField()


class QuizForm(Form):
    """The token and revision of a quiz form; the answers (one field per question, named
    after it) are read by app.services.quizzes.parse, which refuses foreign ids."""

    token = HiddenField()
    revision = HiddenField()


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Why is this certificate revoked?"),
        validators=[
            InputRequired(_l("Enter the reason for revoking the certificate.")),
            Length(
                max=MAX_REASON,
                message=_l("The reason must be %(max)s characters or fewer.", max=MAX_REASON),
            ),
        ],
    )
