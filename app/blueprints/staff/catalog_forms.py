"""Staff forms for the catalog: every check that only needs the form happens here; the
rules that need the database (duplicate web address, 30 % rule against the prices in
force) come back from the service as DomainError and land on the right field."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    MonthField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.domain.money import parse_euros
from app.models.catalog import PATH_TEXTS
from app.web.forms import Form, select_choices, strip

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and hyphens only, like web-developer."),
)
LEVELS = [
    ("beginner", _l("Beginner")),
    ("intermediate", _l("Intermediate")),
    ("advanced", _l("Advanced")),
]
LANGUAGES = [("en", _l("English")), ("fr", _l("French"))]
AVAILABILITIES = [("open", _l("Open for enrolment")), ("upcoming", _l("Coming soon"))]
CERTIFICATIONS = [
    ("none", _l("None")),
    ("rncp", _l("RNCP title")),
    ("rs", _l("RS certification")),
]
PRECISIONS = [("month", _l("Show the month")), ("season", _l("Show the season"))]

TEXT_LABELS = {
    "summary": _l("Summary"),
    "job": _l("The job it prepares for"),
    "assignments": _l("Nature and frequency of the assignments"),
    "mentoring": _l("How mentoring works"),
    "support": _l("How support works"),
    "assessments": _l("Assessments"),
    "guidelines": _l("How guidelines reach the learner"),
    "prior_knowledge": _l("Prior knowledge required"),
    "education": _l("Education required"),
    "equipment": _l("Equipment required"),
    "careers": _l("Careers"),
}


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a whole number, like 12.")) from error


class LaunchMonthField(MonthField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a month as year and month, like 2027-03.")) from error


class DayField(DateField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a real date, like 2027-01-01.")) from error


class RateField(DecimalField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip().replace(",", ".")])
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a number, like 0.85.")) from error


class EuroAmount:
    """Parses the amount into `form.<field>_cents`; refuses zero and negative amounts."""

    def __call__(self, form, field):
        cents = parse_euros(field.data)
        if cents is None:
            raise ValidationError(_l("Enter an amount in euros, like 49.90."))
        if cents <= 0:
            raise ValidationError(_l("Enter a price greater than zero."))
        field.cents = cents


def required_text(label, message, max_length=200):
    return StringField(
        label,
        filters=[strip],
        validators=[
            InputRequired(message),
            Length(max=max_length, message=_l("Must be %(max)d characters or fewer.")),
        ],
    )


class CourseForm(Form):
    slug = StringField(
        _l("Web address"),
        filters=[strip],
        validators=[InputRequired(_l("Enter the web address.")), Length(max=80), SLUG],
    )
    title_en = required_text(_l("Title in English"), _l("Enter the title in English."))
    title_fr = required_text(_l("Title in French"), _l("Enter the title in French."))
    summary_en = TextAreaField(
        _l("Summary in English"), validators=[InputRequired(_l("Enter the summary in English."))]
    )
    summary_fr = TextAreaField(
        _l("Summary in French"), validators=[InputRequired(_l("Enter the summary in French."))]
    )
    level = SelectField(_l("Level"), choices=select_choices(LEVELS))
    language = SelectField(_l("Taught in"), choices=select_choices(LANGUAGES))
    duration_hours = WholeNumberField(
        _l("Duration in hours"),
        validators=[
            InputRequired(_l("Enter the duration in hours.")),
            NumberRange(min=1, max=2000, message=_l("Enter a duration between 1 and 2,000 hours.")),
        ],
    )
    availability = SelectField(_l("Availability"), choices=select_choices(AVAILABILITIES))


def _text_pair(name):
    label = TEXT_LABELS[name]
    return (
        TextAreaField(_l("%(label)s (English)", label=label), validators=[Optional()]),
        TextAreaField(_l("%(label)s (French)", label=label), validators=[Optional()]),
    )


class PathForm(Form):
    slug = StringField(
        _l("Web address"),
        filters=[strip],
        validators=[InputRequired(_l("Enter the web address.")), Length(max=80), SLUG],
    )
    title_en = required_text(_l("Title in English"), _l("Enter the title in English."))
    title_fr = required_text(_l("Title in French"), _l("Enter the title in French."))
    level = SelectField(_l("Entry level"), choices=select_choices(LEVELS))
    language = SelectField(_l("Taught in"), choices=select_choices(LANGUAGES))
    certification = SelectField(_l("Certification"), choices=select_choices(CERTIFICATIONS))
    certification_code = StringField(
        _l("Registration code"),
        filters=[strip],
        validators=[
            Optional(),
            Regexp(
                r"^(?:RNCP|RS)[0-9]{1,6}$", message=_l("Enter a code like RNCP37273 or RS5635.")
            ),
        ],
    )
    duration_months = WholeNumberField(
        _l("Average duration in months"),
        validators=[
            InputRequired(_l("Enter the average duration in months.")),
            NumberRange(min=1, max=60, message=_l("Enter a duration between 1 and 60 months.")),
        ],
    )
    min_projects = WholeNumberField(
        _l("Minimum number of projects"),
        validators=[
            InputRequired(_l("Enter the minimum number of projects.")),
            NumberRange(min=0, max=100, message=_l("Enter a number between 0 and 100.")),
        ],
    )
    programme = TextAreaField(
        _l("Programme"), validators=[InputRequired(_l("Enter the programme."))]
    )
    availability = SelectField(_l("Availability"), choices=select_choices(AVAILABILITIES))
    launch_estimate = LaunchMonthField(_l("Estimated launch month"), validators=[Optional()])
    launch_precision = SelectField(_l("Show the launch as"), choices=select_choices(PRECISIONS))
    monthly_price = StringField(_l("Monthly price in euros, all taxes included"), filters=[strip])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for name in PATH_TEXTS:
            english, french = self[f"{name}_en"], self[f"{name}_fr"]
            if not (english.data or "").strip() and not (french.data or "").strip():
                english.errors = [
                    *english.errors,
                    _l("Write this text in English, French or both."),
                ]
                ok = False
        if self.certification.data != "none" and not self.certification_code.data:
            self.certification_code.errors = [
                *self.certification_code.errors,
                _l("Enter the registration code, like RNCP37273."),
            ]
            ok = False
        return ok


for _name in PATH_TEXTS:
    _en, _fr = _text_pair(_name)
    setattr(PathForm, f"{_name}_en", _en)
    setattr(PathForm, f"{_name}_fr", _fr)


class NewPathForm(PathForm):
    monthly_price = StringField(
        _l("Monthly price in euros, all taxes included"),
        filters=[strip],
        validators=[InputRequired(_l("Enter the monthly price.")), EuroAmount()],
    )


class PriceForm(Form):
    offer = SelectField(_l("Offer"), validators=[InputRequired(_l("Choose an offer."))])
    amount = StringField(
        _l("Monthly price in euros, all taxes included"),
        filters=[strip],
        validators=[InputRequired(_l("Enter the monthly price.")), EuroAmount()],
    )
    effective_from = DayField(
        _l("Applies from"),
        validators=[InputRequired(_l("Enter the date the price applies from."))],
    )


class RateForm(Form):
    country = SelectField(_l("Country"), validators=[InputRequired(_l("Choose a country."))])
    currency = StringField(
        _l("Currency code"),
        filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
        validators=[
            InputRequired(_l("Enter the currency code.")),
            Regexp(r"^[A-Z]{3}$", message=_l("Enter a three-letter code, like GBP.")),
        ],
    )
    rate = RateField(
        _l("Units of that currency for one euro"),
        places=None,
        validators=[
            InputRequired(_l("Enter the rate.")),
            NumberRange(min=0.000001, message=_l("Enter a rate greater than zero.")),
        ],
    )


MEDIA_URL = Regexp(
    r"^(?:/[^\s]*|https://[^\s]+)$",
    message=_l("Enter an address on this site (/static/…) or starting with https://."),
)


class ChapterForm(Form):
    position = WholeNumberField(
        _l("Position in the course"),
        validators=[
            InputRequired(_l("Enter the chapter's position.")),
            NumberRange(min=1, max=500, message=_l("Enter a number between 1 and 500.")),
        ],
    )
    title_en = required_text(_l("Title in English"), _l("Enter the title in English."))
    title_fr = required_text(_l("Title in French"), _l("Enter the title in French."))
    body_en = TextAreaField(_l("Text in English"), validators=[Optional()])
    body_fr = TextAreaField(_l("Text in French"), validators=[Optional()])
    video_url = StringField(
        _l("Video address (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=500), MEDIA_URL],
    )
    captions_url = StringField(
        _l("Captions file address (WebVTT)"),
        filters=[strip],
        validators=[Optional(), Length(max=500), MEDIA_URL],
    )
    subtitles_url = StringField(
        _l("Subtitles file address in the other language (WebVTT, optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=500), MEDIA_URL],
    )
    video_language = SelectField(
        _l("Language spoken in the video"), choices=select_choices(LANGUAGES)
    )
    transcript_en = TextAreaField(_l("Transcript in English"), validators=[Optional()])
    transcript_fr = TextAreaField(_l("Transcript in French"), validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.body_en.data or "").strip() and not (self.body_fr.data or "").strip():
            self.body_en.errors = [
                *self.body_en.errors,
                _l("Write the text in English, French or both."),
            ]
            ok = False
        if self.video_url.data:
            # WCAG 2.2: prerecorded video needs captions and a text alternative.
            if not self.captions_url.data:
                self.captions_url.errors = [
                    *self.captions_url.errors,
                    _l("A video needs a captions file."),
                ]
                ok = False
            if (
                not (self.transcript_en.data or "").strip()
                and not (self.transcript_fr.data or "").strip()
            ):
                self.transcript_en.errors = [
                    *self.transcript_en.errors,
                    _l("A video needs a transcript, in English, French or both."),
                ]
                ok = False
        return ok
