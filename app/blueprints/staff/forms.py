from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length


class AnswerForm(FlaskForm):
    reply = TextAreaField(
        _l("Your answer"),
        validators=[
            InputRequired(_l("Write your answer.")),
            Length(max=10000, message=_l("The answer must be 10,000 characters or fewer.")),
        ],
    )
