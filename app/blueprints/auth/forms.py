from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    StringField,
)
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


class RegisterForm(Form):
    name = full_name_field()
    email = email_field(_l("Email address"))
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter a password.")), StrongPassword(email_field="email")],
    )
    date_of_birth = birth_date_field()
    country = country_field()
    legal_protection = legal_protection_field()


class SignInForm(Form):
    email = email_field(_l("Email address"))
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class TwoFactorForm(Form):
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


class ForgotPasswordForm(Form):
    email = email_field(_l("Email address"))


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Enter a new password.")), StrongPassword()],
    )


class EmptyForm(Form):
    """A form with only its CSRF token, for buttons that change something."""
