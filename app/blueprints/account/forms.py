from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.web.forms import (
    Form,
    StrongPassword,
    birth_date_field,
    country_field,
    email_field,
    full_name_field,
    legal_protection_field,
)


class ProfileForm(Form):
    name = full_name_field()
    date_of_birth = birth_date_field()
    country = country_field()
    legal_protection = legal_protection_field()


class PreferencesForm(Form):
    locale = RadioField(
        _l("Language of the site and of our emails"),
        choices=[SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        validators=[InputRequired(_l("Select a language."))],
    )
    timezone = SelectField(
        _l("Time zone"), validators=[InputRequired(_l("Select your time zone."))]
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password.")), StrongPassword()],
    )


class ChangeEmailForm(Form):
    email = email_field(_l("New email address"))
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password."))]
    )


class TwoFactorSetupForm(Form):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[
            InputRequired(_l("Enter the 6-digit code shown in your authenticator app.")),
            Length(max=10, message=_l("Enter the 6-digit code shown in your authenticator app.")),
        ],
    )


class TwoFactorDisableForm(Form):
    password = PasswordField(
        _l("Your password"), validators=[InputRequired(_l("Enter your password."))]
    )
