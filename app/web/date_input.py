"""The date of birth as three boxes, day, month and year (the GOV.UK date input): the
answer, read by app.domain.date_parts, and a message that names the wrong box."""

from datetime import date
from functools import cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.utils import unset_value

from app.domain.date_parts import PARTS, DateProblem, month_key, read_date

# Months may be typed in words, in either language whatever the page's ("March",
# "mars", "févr."): a French speaker on the English page is not refused for it.
_LANGUAGES = ("en", "fr")

MISSING_MESSAGES = {
    ("day",): _l("Date of birth must include a day."),
    ("month",): _l("Date of birth must include a month."),
    ("year",): _l("Date of birth must include a year."),
    ("day", "month"): _l("Date of birth must include a day and a month."),
    ("day", "year"): _l("Date of birth must include a day and a year."),
    ("month", "year"): _l("Date of birth must include a month and a year."),
}
PROBLEM_MESSAGES = {
    DateProblem.DAY: _l("The day of your date of birth must be a number from 1 to 31."),
    DateProblem.MONTH: _l(
        "The month of your date of birth must be a number from 1 to 12, or its name."
    ),
    DateProblem.YEAR: _l("The year of your date of birth must have 4 digits, like 2007."),
    DateProblem.NOT_A_DATE: _l("Date of birth must be a real date, for example 27 3 2007."),
}


@cache
def month_names() -> dict[str, int]:
    names = {}
    for code in _LANGUAGES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[month_key(name)] = number
    return names


class BirthDateField(Field):
    """`data` is the date or None; `typed` holds each box as typed (shown again with the
    error); `problem_parts` the boxes the error is in (none named: all of them)."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(None, data, extra_filters)
        self.posted = None
        self.problem_parts = ()
        if formdata is None:
            return
        self.posted = {part: formdata.get(f"{self.name}-{part}", "") for part in PARTS}
        answer = read_date(*(self.posted[part] for part in PARTS), month_names())
        self.data = answer.value
        # InputRequired looks at raw_data: nothing typed in any box is an empty answer.
        typed = any(value.strip() for value in self.posted.values())
        self.raw_data = ["-".join(self.posted[part] for part in PARTS)] if typed else []
        self.problem_parts = answer.parts
        if answer.problem is DateProblem.MISSING:
            self.process_errors.append(MISSING_MESSAGES[answer.parts])
        elif answer.problem in PROBLEM_MESSAGES:
            self.process_errors.append(PROBLEM_MESSAGES[answer.problem])

    def _value(self):
        return ""

    @property
    def typed(self) -> dict[str, str]:
        """What each box shows: as typed when posted, else the date the view set."""
        return self.posted if self.posted is not None else _boxes(self.data)

    @property
    def marked_parts(self) -> tuple[str, ...]:
        """The boxes shown in error: those named by the problem, else all three."""
        if not self.errors:
            return ()
        return self.problem_parts or PARTS

    @property
    def first_box_id(self) -> str:
        """Where the error summary's link goes: the first box in error."""
        return f"{self.id}-{(self.marked_parts or PARTS)[0]}"


def _boxes(value) -> dict[str, str]:
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return dict.fromkeys(PARTS, "")
