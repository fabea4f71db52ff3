from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.blueprints.auth import bp
from app.blueprints.auth.forms import (
    EmptyForm,
    ForgotPasswordForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
    TwoFactorForm,
)
from app.domain.errors import DomainError
from app.extensions import db, limiter
from app.models import User
from app.services import accounts, two_factor
from app.services.tokens import InvalidToken
from app.web.forms import keeps_text_when_the_session_ends, populate_errors, select_choices
from app.web.i18n import chosen_locale, countries
from app.web.language_notice import note_sign_in
from app.web.rendering import redirect_to, render
from app.web.security import log_security_event, safe_next

PENDING_SECOND_FACTOR = "pending_second_factor"


def _limit(name: str):
    return lambda: current_app.config[name]


def _email_key() -> str:
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def complete_sign_in(user: User, remember: bool, next_url: str | None, message: str | None = None):
    # A fresh session at sign-in: nothing from before it carries over (a new CSRF token
    # comes with the next page).
    page_locale = str(get_locale())  # still the visitor's: nobody is signed in yet
    session.clear()
    locale = chosen_locale()
    if locale and not user.locale:
        user.locale = locale
    login_user(user, remember=remember)
    note_sign_in(user.locale, page_locale)
    if message:
        flash(message)
    log_security_event("signin.success", user_id=user.id, remember=remember)
    return redirect_to(safe_next(next_url) or url_for("account.profile"))


def new_account_from(form: RegisterForm) -> accounts.NewAccount:
    return accounts.NewAccount(
        name=form.name.data,
        email=form.email.data,
        password=form.password.data,
        date_of_birth=form.date_of_birth.data,
        country=form.country.data,
        legal_protection=form.legal_protection.data == "yes",
        locale=str(get_locale()),
    )


@bp.route("/register", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = RegisterForm()
    form.country.choices = select_choices(countries(str(get_locale())), _("Select a country"))
    if form.validate_on_submit():
        try:
            user = accounts.register(new_account_from(form))
        except DomainError as error:
            populate_errors(form, error)
        else:
            log_security_event("account.created", user_id=user.id)
            message = _(
                "Your account has been created. We have sent a link to %(email)s to "
                "confirm your email address.",
                email=user.email,
            )
            return complete_sign_in(user, False, request.args.get("next"), message)
    status = 422 if form.errors else 200
    return render("auth/register.html", "form", form=form, status=status)


@bp.route("/signin", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN_ACCOUNT"), methods=["POST"], key_func=_email_key)
def signin():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("account.profile"))
    form = SignInForm()
    next_url = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # Who was tried: the account's id when there is one (never the password).
            tried = accounts.find_by_email(form.email.data)
            log_security_event(
                "signin.failure", user_id=tried.id if tried else None, known=tried is not None
            )
            form.email.errors.append(_("The email address or password is not correct."))
        elif user.has_two_factor:
            session[PENDING_SECOND_FACTOR] = {
                "uid": user.id,
                "v": user.session_version,
                "remember": form.remember.data,
                "next": next_url,
            }
            return redirect_to(url_for("auth.second_factor"))
        else:
            return complete_sign_in(user, form.remember.data, next_url)
    status = 422 if form.errors else 200
    return render("auth/signin.html", "form", form=form, next_url=next_url, status=status)


@bp.route("/signin/code", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"])
def second_factor():
    pending = session.get(PENDING_SECOND_FACTOR)
    user = db.session.get(User, pending["uid"]) if pending else None
    if user is None or user.session_version != pending["v"]:
        session.pop(PENDING_SECOND_FACTOR, None)
        return redirect(url_for("auth.signin"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        if two_factor.check_second_factor(user, form.code.data):
            return complete_sign_in(user, pending["remember"], pending["next"])
        log_security_event("signin.second_factor_failure", user_id=user.id)
        form.code.errors.append(
            _(
                "This code is not correct or has expired. Enter the current "
                "code from your app, or one of your recovery codes."
            )
        )
    status = 422 if form.errors else 200
    return render("auth/second_factor.html", "form", form=form, status=status)


@bp.route("/signout", methods=["POST"])
def signout():
    if current_user.is_authenticated:
        log_security_event("signout", user_id=current_user.id)
        # Raising the version kills this cookie even if someone kept a copy of it.
        accounts.end_all_sessions(current_user._get_current_object())
    # Cleared first: Flask-Login's logout_user leaves the mark that makes it delete the
    # remember cookie in this response, and clearing afterwards would wipe that mark.
    session.clear()
    logout_user()
    flash(_("You have signed out."))
    return redirect(url_for("home.index"))


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        accounts.verify_email(token)
    except InvalidToken as error:
        return render_template(
            "auth/link_problem.html", kind="verify", expired=error.expired, form=EmptyForm()
        ), 400
    flash(_("Thank you, your email address is confirmed."))
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    return redirect(url_for("auth.signin"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit(_limit("RATELIMIT_RESET"))
def resend_verification():
    if not current_user.is_verified:
        accounts.send_verification(current_user)
    flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email))
    return redirect(url_for("account.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, str(get_locale() or "en"))
        log_security_event("password.reset_requested")
        return render_template("auth/reset_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render("auth/forgot_password.html", "form", form=form, status=status)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_password(token: str):
    try:
        user = accounts.user_for_reset(token)
    except InvalidToken as error:
        return render_template(
            "auth/link_problem.html", kind="reset", expired=error.expired, form=EmptyForm()
        ), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(token, form.password.data)
        log_security_event("password.reset", user_id=user.id)
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        # No automatic sign-in: the new password (and the second factor, if set) is asked.
        flash(_("Your password has been changed. Sign in with your new password."))
        return redirect_to(url_for("auth.signin"))
    status = 422 if form.errors else 200
    return render("auth/reset_password.html", "form", form=form, token=token, status=status)
