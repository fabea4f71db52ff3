"""The site's form base class, and field validators shared by several forms, with
messages that say what to do."""

from datetime import date
from functools import cache

from babel import support
from flask import current_app, g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.i18n import messages_path
from wtforms.validators import Email, InputRequired, Length

from app.domain.eligibility import BirthDateProblem, birth_date_problem
from app.domain.errors import DomainError
from app.domain.passwords import MAX_LENGTH, MIN_LENGTH, PasswordProblem, password_problem
from app.domain.text import has_control_characters
from app.web.date_input import BirthDateField

PASSWORD_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l(
        "Your password must be at least %(n)s characters long.", n=MIN_LENGTH
    ),
    PasswordProblem.TOO_LONG: _l("Your password must be %(n)s characters or fewer.", n=MAX_LENGTH),
    PasswordProblem.COMMON: _l(
        "This password is too common and easy to guess. Choose another one, for example three or four random words."
    ),
    PasswordProblem.CONTAINS_EMAIL: _l("Your password must not contain your email address."),
}

BIRTH_DATE_MESSAGES = {
    BirthDateProblem.IN_FUTURE: _l("Date of birth must be in the past."),
    BirthDateProblem.TOO_OLD: _l("Date of birth must be after 1 January 1900."),
}


# Set by the CSRF error handler when a form came back after its session ended.
SESSION_LOST = "atelier_session_lost"
SESSION_LOST_MESSAGE = _l(
    "Your session had ended, so this was not sent. What you typed is kept below: check it "
    "and send it again."
)
# Views whose form is shown again, with what was typed, when the session ended while it
# was open (a long-open contact form): their POST acts only through Form.validate.
_KEEPS_TEXT: set = set()


def keeps_text_when_the_session_ends(view):
    _KEEPS_TEXT.add(view)
    return view


def keeps_text(view) -> bool:
    return view in _KEEPS_TEXT


def no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError(
            _l(
                "This answer contains an invisible control character (a null byte, for "
                "example, which pasting can bring). Remove it and try again."
            )
        )


class Form(FlaskForm):
    """Every form of the site: Flask-WTF's (with its CSRF token), where no text answer
    may hold a control character (one check for every text field, so that none reaches
    the database, which may refuse it)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            """WTForms' own messages in the page's language, as Flask-WTF gives them, from
            a catalogue loaded once per language and process: Flask-WTF reads it from
            disk again in every request that builds a form."""
            if not has_request_context() or not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations(
                str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
            )

    def validate(self, extra_validators=None) -> bool:
        if g.get(SESSION_LOST):
            # Shown again with what was typed (app.web.errors): nothing is acted on.
            self.form_errors.append(SESSION_LOST_MESSAGE)
            return False
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for field in self:
            if isinstance(field, StringField):
                extra.setdefault(field.name, []).append(no_control_characters)
        return super().validate(extra_validators=extra)


@cache
def wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_field(label) -> EmailField:
    """An email input that forgives spaces pasted around the address."""
    return EmailField(label, validators=email_validators(), filters=[strip])


def email_validators():
    return [
        InputRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("Email address must be 254 characters or fewer.")),
        Email(
            _l("Enter an email address in the correct format, like name@example.com."),
            check_deliverability=False,
        ),
    ]


class StrongPassword:
    """Checks the password policy; `email_field` names the field holding the address."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = form[self.email_field].data if self.email_field else None
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(PASSWORD_MESSAGES[problem])


class PlausibleBirthDate:
    def __call__(self, form, field):
        if field.data is None:
            return
        problem = birth_date_problem(field.data, date.today())
        if problem:
            raise ValidationError(BIRTH_DATE_MESSAGES[problem])


def populate_errors(form, error: DomainError, fallback: str | None = None) -> None:
    """Put every (field, message) of a service's refusal onto the form's fields (FlaskBB's
    populate_errors). A message for a field the form lacks, or for no field, goes on
    `fallback`; without one it is a bug, and raises."""
    for name, message in error.errors:
        target = name if name and name in form else fallback
        if target is None:
            raise error
        form[target].errors = [*form[target].errors, message]


def select_choices(pairs, placeholder: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices, with an optional empty first option."""
    choices = [SelectChoice(value, label) for value, label in pairs]
    return [SelectChoice("", placeholder), *choices] if placeholder else choices


# The personal details asked at registration, in the profile and (later) at checkout.


def full_name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter your full name.")),
            Length(max=120, message=_l("Full name must be 120 characters or fewer.")),
        ],
        filters=[strip],
    )


def birth_date_field() -> BirthDateField:
    return BirthDateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Enter your date of birth.")), PlausibleBirthDate()],
    )


def country_field() -> SelectField:
    """Choices are set per request, in the visitor's language (app.web.i18n.countries)."""
    return SelectField(
        _l("Country of residence"),
        validators=[InputRequired(_l("Select your country of residence."))],
    )


def legal_protection_field() -> RadioField:
    return RadioField(
        _l("Are you under a legal protection measure?"),
        choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))],
        validators=[InputRequired(_l("Select yes if you are under a legal protection measure."))],
    )
