from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.forms import BirthDateField, PlausibleBirthDate, StrongPassword, email_field


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter your full name.")),
            Length(max=120, message=_l("Full name must be 120 characters or fewer.")),
        ],
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


class PreferencesForm(FlaskForm):
    locale = RadioField(
        _l("Language of the site and of our emails"),
        choices=[SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        validators=[InputRequired(_l("Select a language."))],
    )
    timezone = SelectField(
        _l("Time zone"), validators=[InputRequired(_l("Select your time zone."))]
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password.")), StrongPassword()],
    )


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New email address"))
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password."))]
    )


class TwoFactorSetupForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[
            InputRequired(_l("Enter the 6-digit code shown in your authenticator app.")),
            Length(max=10, message=_l("Enter the 6-digit code shown in your authenticator app.")),
        ],
    )


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password."))]
    )
