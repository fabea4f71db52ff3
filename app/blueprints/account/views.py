from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.blueprints.account import bp
from app.blueprints.account.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    PreferencesForm,
    ProfileForm,
    TwoFactorDisableForm,
    TwoFactorSetupForm,
)
from app.blueprints.auth.forms import EmptyForm
from app.domain.eligibility import assess
from app.domain.errors import DomainError
from app.extensions import limiter
from app.services import accounts, promotions, subscriptions, two_factor
from app.services.checkout import orders
from app.services.tokens import InvalidToken
from app.web.forms import populate_errors, select_choices
from app.web.i18n import countries, country_name, remember_locale, timezone_choices, timezones
from app.web.rendering import redirect_to, render
from app.web.security import log_security_event, safe_next
from app.web.templating import money

SETUP_SECRET = "two_factor_setup_secret"  # noqa: S105 (a session key name)


def _user():
    return current_user._get_current_object()


def _password_rechecks():
    """Each wrong current password costs a slow hash: limited per account like sign-in,
    counting only the attempts that were refused."""
    return limiter.limit(
        lambda: current_app.config["RATELIMIT_PASSWORD_RECHECK"],
        key_func=lambda: f"password-recheck:{current_user.get_id()}",
        deduct_when=lambda response: response.status_code == 422,
    )


def _today_for(user):
    return datetime.now(ZoneInfo(user.timezone)).date()


@bp.route("/account")
@login_required
def profile():
    user = _user()
    held = subscriptions.subscriptions_of(user)
    return render_template(
        "account/profile.html",
        assessment=assess(
            user.date_of_birth, user.country, user.legal_protection, _today_for(user)
        ),
        country=country_name(user.country, str(get_locale())),
        resend_form=EmptyForm(),
        referral=_referral(user),
        subscriptions=held,
        next_charges={sub.id: subscriptions.next_charge_of(sub) for sub in held},
        waiting_orders=orders.waiting_orders_of(user),
    )


def _referral(user) -> dict:
    config = current_app.config
    return {
        "code": promotions.referral_code_for(user),
        "percent": format_percent(config["REFERRAL_PERCENT_OFF"] / 100),
        "months": config["REFERRAL_MONTHS"],
        "credit": money(config["REFERRAL_CREDIT_CENTS"]),
    }


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    user = _user()
    form = ProfileForm(obj=user)
    if not form.is_submitted():
        form.legal_protection.data = "yes" if user.legal_protection else "no"
    form.country.choices = select_choices(countries(str(get_locale())), _("Select a country"))
    if form.validate_on_submit():
        accounts.update_profile(
            user,
            form.name.data,
            form.date_of_birth.data,
            form.country.data,
            form.legal_protection.data == "yes",
        )
        flash(_("Your profile has been updated."))
        return redirect_to(url_for("account.profile"))
    status = 422 if form.errors else 200
    return render("account/edit_profile.html", "form", form=form, status=status)


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    user = _user()
    form = PreferencesForm(
        data={"locale": user.locale or str(get_locale()), "timezone": user.timezone}
    )
    offered = timezone_choices(str(get_locale()))
    # An alias kept by an older account (or sent by an older page) is still a valid zone.
    kept = {user.timezone, form.timezone.data} - {zone for zone, _label in offered}
    form.timezone.choices = select_choices(
        [*offered, *((zone, zone.replace("_", " ")) for zone in sorted(kept & set(timezones())))]
    )
    if form.validate_on_submit():
        accounts.update_preferences(user, form.locale.data, form.timezone.data)
        # Said in the language just chosen: the next page is shown in it.
        with force_locale(form.locale.data):
            flash(_("Your preferences have been saved."))
        response = redirect_to(url_for("account.preferences"))
        remember_locale(response, form.locale.data)  # still theirs once signed out
        return response
    status = 422 if form.errors else 200
    return render("account/preferences.html", "form", form=form, status=status)


def _back_to_order() -> str | None:
    """Review's Change link for the email address comes here with `next`: the way back
    to the order (a checkout page on this host, nothing else)."""
    target = safe_next(request.args.get("next"))
    return target if target and target.startswith("/checkout/") else None


def _security_page(password_form=None, email_form=None, status=200):
    return render_template(
        "account/security.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        email_form=email_form or ChangeEmailForm(formdata=None),
        disable_form=TwoFactorDisableForm(formdata=None),
        back_to_order=_back_to_order(),
    ), status


@bp.route("/account/security")
@login_required
def security():
    return _security_page()


@bp.route("/account/password", methods=["POST"])
@login_required
@_password_rechecks()
def change_password():
    user = _user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            # Other sessions are now signed out; this one continues under the new version.
            login_user(user)
            log_security_event("password.changed", user_id=user.id)
            flash(_("Your password has been changed. You have been signed out everywhere else."))
            return redirect(url_for("account.security"))
    return _security_page(password_form=form, status=422)


@bp.route("/account/email", methods=["POST"])
@login_required
@_password_rechecks()
def change_email():
    user = _user()
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(user, form.password.data, form.email.data)
        except DomainError as error:
            populate_errors(form, error)
        else:
            log_security_event("email.change_requested", user_id=user.id)
            flash(
                _(
                    "We have sent a link to %(email)s. Your email address will change when you "
                    "open it.",
                    email=accounts.normalise_email(form.email.data),
                )
            )
            return redirect(url_for("account.security", next=_back_to_order()))
    return _security_page(email_form=form, status=422)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        user = accounts.confirm_email_change(token)
    except (InvalidToken, DomainError) as error:
        expired = getattr(error, "expired", False)
        return render_template(
            "auth/link_problem.html", kind="email", expired=expired, form=EmptyForm()
        ), 400
    log_security_event("email.changed", user_id=user.id)
    flash(_("Your email address is now %(email)s.", email=user.email))
    return redirect(url_for("account.security" if current_user.is_authenticated else "auth.signin"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = _user()
    if user.has_two_factor:
        return redirect(url_for("account.security"))
    secret = session.get(SETUP_SECRET) or two_factor.new_secret()
    session[SETUP_SECRET] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        if two_factor.confirm_setup_code(user, secret, form.code.data):
            codes = two_factor.enable(user, secret)
            session.pop(SETUP_SECRET, None)
            log_security_event("two_factor.enabled", user_id=user.id)
            return render_template("account/recovery_codes.html", codes=codes)
        form.code.errors.append(
            _(
                "This code is not correct. Check the time on your phone is "
                "right and enter the code currently shown."
            )
        )
    uri = two_factor.provisioning_uri(secret, user.email, current_app.config["PLATFORM_NAME"])
    return render_template(
        "account/two_factor.html",
        form=form,
        secret=secret,
        qr=two_factor.qr_svg(
            uri,
            _(
                "QR code to add %(brand)s to your authenticator app",
                brand=current_app.config["PLATFORM_NAME"],
            ),
        ),
    ), (422 if form.errors else 200)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@_password_rechecks()
def two_factor_disable():
    user = _user()
    form = TwoFactorDisableForm()
    if user.requires_two_factor:
        flash(_("Two-factor sign-in is required for your role and cannot be turned off."))
        return redirect(url_for("account.security"))
    if form.validate_on_submit() and accounts.authenticate(user.email, form.password.data):
        two_factor.disable(user)
        log_security_event("two_factor.disabled", user_id=user.id)
        flash(_("Two-factor sign-in is now off."))
        return redirect(url_for("account.security"))
    form.password.errors.append(_("Your password is not correct."))
    return render_template(
        "account/security.html",
        password_form=ChangePasswordForm(formdata=None),
        email_form=ChangeEmailForm(formdata=None),
        disable_form=form,
    ), 422
