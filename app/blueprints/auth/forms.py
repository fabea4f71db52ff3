from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length

from app.forms import BirthDateField, PlausibleBirthDate, StrongPassword, email_field


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter your full name.")),
            Length(max=120, message=_l("Full name must be 120 characters or fewer.")),
        ],
    )
    email = email_field(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter a password.")), StrongPassword(email_field="email")],
    )
    date_of_birth = BirthDateField(
        _l("Date of birth"),
        validators=[InputRequired(_l("Enter your date of birth.")), PlausibleBirthDate()],
    )
    country = SelectField(
        _l("Country of residence"),
        validators=[InputRequired(_l("Select your country of residence."))],
    )
    legal_protection = RadioField(
        _l("Are you under a legal protection measure?"),
        choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))],
        validators=[InputRequired(_l("Select yes if you are under a legal protection measure."))],
    )


class SignInForm(FlaskForm):
    email = email_field(_l("Email address"))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class TwoFactorForm(FlaskForm):
    code = StringField(
        _l("Security code"),
        validators=[
            InputRequired(
                _l("Enter the 6-digit code from your authenticator app, or a recovery code.")
            ),
            Length(
                max=20,
                message=_l(
                    "Enter the 6-digit code from your authenticator app, or a recovery code."
                ),
            ),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("Email address"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password.")), StrongPassword()],
    )


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""
