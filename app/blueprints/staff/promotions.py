"""Staff pages for promo codes (Terms §4): the list, a new code, changes, and switching a
code off and on."""

from flask import abort, flash, render_template, url_for
from flask_babel import format_percent, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.blueprints.auth.forms import EmptyForm
from app.blueprints.staff import bp
from app.blueprints.staff.promotion_forms import PromoForm
from app.domain.errors import DomainError
from app.domain.promotions import DiscountKind, PromoStatus, promo_status
from app.extensions import db
from app.models import PromoCode
from app.services import promotions
from app.web.forms import populate_errors
from app.web.rendering import redirect_to, render
from app.web.templating import money

STATUS_LABELS = {
    PromoStatus.ACTIVE: _l("Active"),
    PromoStatus.SCHEDULED: _l("Not started yet"),
    PromoStatus.EXPIRED: _l("Expired"),
    PromoStatus.USED_UP: _l("Used up"),
    PromoStatus.DEACTIVATED: _l("Deactivated"),
}
PLAN_LABELS = {"solo": _l("Premium Solo"), "plus": _l("Premium Plus")}


def discount_words(promo: PromoCode) -> str:
    if promo.kind is DiscountKind.PERCENT:
        return gettext("%(percent)s off", percent=format_percent(promo.value / 100))
    return gettext("%(amount)s off", amount=money(promo.value))


def months_words(months: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", months)


def _row(promo: PromoCode, now) -> dict:
    zone = clock.zone()
    return {
        "promo": promo,
        "discount": discount_words(promo),
        "plans": ", ".join(str(PLAN_LABELS[p]) for p in ("solo", "plus") if p in promo.plans),
        "months": months_words(promo.months),
        "starts": promo.starts_at.astimezone(zone),
        "ends": promo.ends_at.astimezone(zone) if promo.ends_at else None,
        "status": STATUS_LABELS[promo_status(promo.terms, now, promo.redemptions)],
    }


@bp.route("/promotions")
def promotions_list():
    now = clock.now()
    return render_template(
        "staff/promotions/index.html",
        rows=[_row(promo, now) for promo in promotions.list_promos()],
    )


@bp.route("/promotions/new", methods=["GET", "POST"])
@bp.route("/promotions/<int:promo_id>", methods=["GET", "POST"])
def promotion_form(promo_id: int | None = None):
    promo = db.session.get(PromoCode, promo_id) or abort(404) if promo_id else None
    form = PromoForm(obj=promo)
    if promo is not None and not form.is_submitted():
        form.fill_from(promo)
    if form.validate_on_submit():
        try:
            saved = promotions.save_promo(promo, form.values(), current_user._get_current_object())
        except DomainError as invalid:
            db.session.rollback()
            populate_errors(form, invalid)
        else:
            flash(gettext("The promo code %(code)s has been saved.", code=saved.code))
            return redirect_to(url_for("staff.promotions_list"))
    status = 422 if form.errors else 200
    return render(
        "staff/promotions/form.html",
        "form",
        form=form,
        promo=promo,
        usage=_row(promo, clock.now()) if promo else None,
        status=status,
    )


@bp.route("/promotions/<int:promo_id>/deactivate", methods=["POST"])
def promotion_deactivate(promo_id: int):
    promo = db.session.get(PromoCode, promo_id) or abort(404)
    if EmptyForm().validate_on_submit():
        promotions.deactivate(promo)
        flash(gettext("The promo code %(code)s is deactivated.", code=promo.code))
    return redirect_to(url_for("staff.promotions_list"))


@bp.route("/promotions/<int:promo_id>/reactivate", methods=["POST"])
def promotion_reactivate(promo_id: int):
    promo = db.session.get(PromoCode, promo_id) or abort(404)
    if EmptyForm().validate_on_submit():
        promotions.reactivate(promo)
        flash(gettext("The promo code %(code)s is reactivated.", code=promo.code))
    return redirect_to(url_for("staff.promotions_list"))
