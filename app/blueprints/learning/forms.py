from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

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


class SubmissionForm(Form):
    """The file's type and size are checked from its bytes by app.services.uploads (the
    limit is a setting, ASSIGNMENT_MAX_FILE_BYTES)."""

    body = TextAreaField(_l("Your work"))
    file = FileField(_l("A file (optional)"))
    link = StringField(_l("Link to your work (optional)"))


class AssessForm(Form):
    """The rubric's levels (one field per criterion) are read by
    app.services.assignments.parse_levels, which refuses foreign ids."""

    submission = HiddenField()
    comment = TextAreaField(_l("Your comment for the author"))


class ReportForm(Form):
    reason = TextAreaField(_l("What is wrong with this assessment? (optional)"))


class StaffGradeForm(Form):
    pass


class ResolveForm(Form):
    # "remove": the assessment stops counting for good; "keep": it counts again.
    decision = HiddenField()


class PassingGradeForm(Form):
    passing_grade = IntegerField(
        _l("Grade needed to pass each exercise (percent)"),
        validators=[
            InputRequired(_l("Enter the grade needed, from 1 to 100.")),
            NumberRange(1, 100, _l("Enter the grade needed, from 1 to 100.")),
        ],
    )


class QuizEditForm(Form):
    questions = TextAreaField(_l("Questions"))
    max_attempts = IntegerField(
        _l("Attempts in a row (leave empty for no limit)"),
        validators=[Optional(), NumberRange(1, 20, _l("Enter a number of attempts from 1 to 20."))],
    )
    retry_wait_hours = IntegerField(
        _l("Hours to wait once they are used"),
        validators=[
            InputRequired(_l("Enter the hours to wait, from 0 to 720.")),
            NumberRange(0, 720, _l("Enter the hours to wait, from 0 to 720.")),
        ],
    )


class RubricEditForm(Form):
    rubric = TextAreaField(_l("Criteria and levels"))
