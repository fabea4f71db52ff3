"""Settings → Payment: the method the subscriptions are charged to, and a new card."""

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.blueprints.account import bp
from app.blueprints.account.premium import _user
from app.blueprints.account.premium_forms import CardForm
from app.blueprints.checkout.payment import TEST_CARD_ROWS
from app.domain.errors import DomainError
from app.services import payment_methods
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render


@bp.route("/account/payment", methods=["GET", "POST"])
@login_required
def payment():
    user = _user()
    held = payment_methods.current_methods(user)
    form = CardForm()
    if held and form.validate_on_submit():
        try:
            method = payment_methods.change_card(user, request.form.to_dict())
        except DomainError as error:
            populate_errors(form, error, fallback="card_number")
        else:
            flash(
                _(
                    "From the next payment, your subscriptions are charged to the %(brand)s "
                    "card ending %(last4)s.",
                    brand=(method.brand or "").title(),
                    last4=method.last4,
                )
            )
            return redirect_to(url_for("account.payment"))
    config = current_app.config
    sandbox = config["CARD_GATEWAY"] == "sandbox"
    return render(
        "account/payment.html",
        "content",
        held=held,
        form=form,
        adyen=config["CARD_GATEWAY"] == "adyen",
        test_cards=TEST_CARD_ROWS if sandbox else (),
        status=422 if form.errors else 200,
    )
