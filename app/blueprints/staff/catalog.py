"""Staff pages for the catalog: courses, Learning Paths, prices and currency rates."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.blueprints.staff import bp
from app.blueprints.staff.catalog_forms import (
    TEXT_LABELS,
    ChapterForm,
    CourseForm,
    NewPathForm,
    PathForm,
    PriceForm,
    RateForm,
)
from app.domain.errors import DomainError
from app.domain.pricing import SOLO, path_offer, price_for
from app.extensions import db
from app.models import Chapter, Course, LearningPath
from app.models.catalog import PATH_TEXTS
from app.services import catalog
from app.web.forms import populate_errors, select_choices
from app.web.i18n import countries


@bp.route("/catalog")
def catalog_index():
    today = clock.today()
    paths = catalog.all_paths()
    offers = [SOLO, *(path_offer(p.id) for p in paths)]
    points = catalog.price_points(offers)
    current = {offer: price_for(points, offer, today) for offer in offers}
    return render_template(
        "staff/catalog/index.html",
        courses=catalog.all_courses(),
        paths=paths,
        current=current,
        path_offer=path_offer,
    )


def _course_values(form) -> dict:
    return {name: form[name].data for name in catalog.COURSE_FIELDS}


@bp.route("/catalog/courses/new", methods=["GET", "POST"])
@bp.route("/catalog/courses/<int:course_id>", methods=["GET", "POST"])
def course_form(course_id: int | None = None):
    course = db.session.get(Course, course_id) or abort(404) if course_id else None
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        try:
            saved = catalog.save_course(course, _course_values(form))
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("The course “%(title)s” has been saved.", title=saved.title_en))
            return redirect(url_for("staff.catalog_index"))
    status = 422 if form.errors else 200
    return render_template("staff/catalog/course_form.html", form=form, course=course), status


@bp.route("/catalog/courses/<int:course_id>/chapters/new", methods=["GET", "POST"])
@bp.route("/catalog/courses/<int:course_id>/chapters/<int:chapter_id>", methods=["GET", "POST"])
def chapter_form(course_id: int, chapter_id: int | None = None):
    course = db.session.get(Course, course_id) or abort(404)
    chapter = None
    if chapter_id is not None:
        chapter = db.session.get(Chapter, chapter_id)
        if chapter is None or chapter.course_id != course.id:
            abort(404)
    form = ChapterForm(obj=chapter)
    if chapter is None and not form.is_submitted():
        form.position.data = len(course.chapters) + 1
        form.video_language.data = course.language
    if form.validate_on_submit():
        try:
            catalog.save_chapter(
                course, chapter, {name: form[name].data for name in catalog.CHAPTER_FIELDS}
            )
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("The chapter has been saved."))
            return redirect(url_for("staff.course_form", course_id=course.id))
    status = 422 if form.errors else 200
    return render_template(
        "staff/catalog/chapter_form.html", form=form, course=course, chapter=chapter
    ), status


def _path_values(form) -> dict:
    values = {name: form[name].data for name in catalog.PATH_FIELDS}
    values.update(
        availability=form.availability.data,
        launch_estimate=form.launch_estimate.data,
        launch_precision=form.launch_precision.data,
    )
    for name in PATH_TEXTS:
        for lang in ("en", "fr"):
            values[f"{name}_{lang}"] = (values[f"{name}_{lang}"] or "").strip()
    return values


@bp.route("/catalog/paths/new", methods=["GET", "POST"])
@bp.route("/catalog/paths/<int:path_id>", methods=["GET", "POST"])
def path_form(path_id: int | None = None):
    path = db.session.get(LearningPath, path_id) or abort(404) if path_id else None
    form = (PathForm if path else NewPathForm)(obj=path)
    if path is not None and not form.is_submitted():
        form.programme.data = catalog.programme_text(path)
        form.launch_precision.data = path.launch_precision or "month"
    if form.validate_on_submit():
        try:
            saved = catalog.save_path(
                path,
                _path_values(form),
                form.programme.data,
                clock.today(),
                first_price_cents=getattr(form.monthly_price, "cents", None),
                staff=current_user._get_current_object(),
            )
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("The path “%(title)s” has been saved.", title=saved.title_en))
            return redirect(url_for("staff.catalog_index"))
    status = 422 if form.errors else 200
    return render_template(
        "staff/catalog/path_form.html",
        form=form,
        path=path,
        texts=PATH_TEXTS,
        text_labels=TEXT_LABELS,
        watchers=catalog.watchers_count(path) if path else 0,
    ), status


def _offer_choices(paths) -> list:
    return select_choices(
        [(SOLO, _("Premium Solo")), *((path_offer(p.id), p.title_en) for p in paths)],
        _("Choose an offer"),
    )


@bp.route("/catalog/prices", methods=["GET", "POST"])
def prices():
    paths = catalog.all_paths()
    form = PriceForm()
    form.offer.choices = _offer_choices(paths)
    today = clock.today()
    if form.validate_on_submit():
        try:
            catalog.add_price(
                form.offer.data,
                form.amount.cents,
                form.effective_from.data,
                current_user._get_current_object(),
                today,
            )
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("The price has been saved."))
            return redirect(url_for("staff.prices"))
    offers = [(SOLO, _("Premium Solo")), *((path_offer(p.id), p.title_en) for p in paths)]
    history = {offer: catalog.price_history(offer) for offer, _label in offers}
    current = {
        offer: catalog.price_for_rows(history[offer], offer, today) for offer, _label in offers
    }
    status = 422 if form.errors else 200
    return render_template(
        "staff/catalog/prices.html",
        form=form,
        offers=offers,
        history=history,
        current=current,
        today=today,
    ), status


@bp.route("/catalog/rates", methods=["GET", "POST"])
def rates():
    form = RateForm()
    form.country.choices = select_choices(countries(str(get_locale())), _("Choose a country"))
    if form.validate_on_submit():
        try:
            catalog.set_rate(form.country.data, form.currency.data, form.rate.data)
        except DomainError as error:
            db.session.rollback()
            populate_errors(form, error)
        else:
            flash(_("The rate has been saved."))
            return redirect(url_for("staff.rates"))
    status = 422 if form.errors else 200
    return render_template("staff/catalog/rates.html", form=form, rates=catalog.rates()), status
