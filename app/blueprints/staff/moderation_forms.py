"""The moderation form: one action, its reason, and what some actions need (days for a
suspension, a category for a move)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Optional

from app.domain import moderation as rules
from app.domain.moderation import Action, ReasonProblem
from app.web.forms import Form

ACTION_LABELS = {
    Action.HIDE_POST: _l("Hide the post"),
    Action.RESTORE_POST: _l("Restore the post"),
    Action.LOCK: _l("Lock the thread"),
    Action.UNLOCK: _l("Unlock the thread"),
    Action.PIN: _l("Pin the thread"),
    Action.UNPIN: _l("Unpin the thread"),
    Action.MOVE: _l("Move the thread"),
    Action.WARN: _l("Warn the member"),
    Action.SUSPEND: _l("Suspend the member from posting"),
    Action.DISMISS: _l("Close the report without action"),
}
REASON_MESSAGES = {
    ReasonProblem.EMPTY: _l("Say why: the member is told."),
    ReasonProblem.TOO_LONG: _l("The reason must be 1,000 characters or fewer."),
}


def checked_reason(form, field) -> None:
    problem = rules.reason_problem(field.data)
    if problem:
        raise ValidationError(REASON_MESSAGES[problem])


class ModerationForm(Form):
    action = RadioField(_l("Action"), validators=[InputRequired(_l("Select an action."))])
    reason = TextAreaField(_l("Reason"), validators=[checked_reason])
    days = IntegerField(
        _l("Days of suspension"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    category = SelectField(_l("Move to the category"), validators=[Optional()])

    def set_choices(self, actions, categories) -> None:
        self.action.choices = [SelectChoice(a.value, ACTION_LABELS[a]) for a in actions]
        self.category.choices = [SelectChoice("", _l("Choose a category"))] + [
            SelectChoice(str(c.id), c.title_en) for c in categories
        ]

    def validate(self, extra_validators=None) -> bool:
        """Days and category are optional fields, needed by one action each (checked
        here: Optional() would end their own checks when they are empty)."""
        valid = super().validate(extra_validators)
        if self.action.data == Action.SUSPEND and rules.days_problem(self.days.data):
            if not self.days.errors:
                self.days.errors = [_l("Enter a number of days from 1 to 365.")]
            valid = False
        if self.action.data == Action.MOVE and not self.category.data:
            self.category.errors = [_l("Choose the category to move the thread to.")]
            valid = False
        return valid


class ReportForm(Form):
    reason = TextAreaField(_l("Why are you reporting it?"), validators=[checked_reason])
