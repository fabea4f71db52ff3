"""Staff page for the half-yearly legal interest rates (§3.2): the table late payments
accrue interest from, and a warning when the current half-year has no rate yet."""

from datetime import date

from flask import flash, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app import clock
from app.blueprints.staff import bp
from app.domain.errors import DomainError
from app.services.billing import rates
from app.web.forms import Form, strip
from app.web.rendering import redirect_to

RATE_ERRORS = {
    "not_half_year_start": _l("Choose a half-year."),
    "rate_range": _l("Enter a rate between 0 and 100, like 2.62."),
}


def half_year_choices(today: date) -> list[tuple[str, str]]:
    """From H1 2025 to the next half-year, newest first."""
    choices, year, month = [], today.year + (today.month > 6), 1 if today.month > 6 else 7
    while (year, month) >= (2025, 1):
        start = date(year, month, 1)
        label = (
            _l("First half of %(year)s", year=year)
            if month == 1
            else _l("Second half of %(year)s", year=year)
        )
        choices.append((start.isoformat(), label))
        year, month = (year, 1) if month == 7 else (year - 1, 7)
    return choices


class InterestRateForm(Form):
    starts_on = SelectField(_l("Half-year"), validators=[InputRequired(_l("Choose a half-year."))])
    rate = StringField(
        _l("Rate in percent (all other cases)"),
        filters=[strip],
        validators=[
            InputRequired(_l("Enter a rate between 0 and 100, like 2.62.")),
            Length(max=8, message=_l("Enter a rate between 0 and 100, like 2.62.")),
        ],
    )
    source = StringField(
        _l("Source (the arrêté and its date in the Journal officiel)"),
        filters=[strip],
        validators=[Optional(), Length(max=300, message=_l("This is too long."))],
    )


def _basis_points(text: str) -> int | None:
    """'2.62' or '2,62' → 262; None when it is not a percentage with ≤ 2 decimals."""
    from app.domain.money import parse_euros

    return parse_euros(text.replace("%", ""))


@bp.route("/interest-rates", methods=["GET", "POST"])
def interest_rates():
    today = clock.today()
    form = InterestRateForm()
    form.starts_on.choices = half_year_choices(today)
    if form.validate_on_submit():
        rate_bp = _basis_points(form.rate.data)
        try:
            if rate_bp is None:
                raise DomainError("rate", "rate_range")
            rates.set_rate(
                date.fromisoformat(form.starts_on.data),
                rate_bp,
                form.source.data or "",
                current_user._get_current_object(),
            )
        except DomainError as error:
            for field, message in error.errors:
                getattr(form, field).errors.append(RATE_ERRORS[message])
        else:
            flash(_("The rate is saved."))
            return redirect_to(url_for("staff.interest_rates"))
    elif not form.is_submitted() and (missing := rates.missing_now(today)):
        form.starts_on.data = missing.isoformat()
    return (
        render_template(
            "staff/interest_rates.html",
            form=form,
            rows=rates.all_rates(),
            missing=rates.missing_now(today),
        ),
        422 if form.errors else 200,
    )
