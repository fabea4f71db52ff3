"""The public catalog: courses, Learning Paths, the Premium page, Contact Us on a path
and the list of people waiting for an upcoming path."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.blueprints.catalog import bp
from app.blueprints.catalog.forms import INQUIRY_TYPES, LaunchWatchForm, PathContactForm
from app.blueprints.catalog.labels import card_labels
from app.domain.errors import DomainError
from app.domain.pricing import SOLO, path_offer
from app.extensions import limiter
from app.models import Availability, InquiryKind
from app.services import catalog, inquiries, learning, tokens
from app.web.forms import keeps_text_when_the_session_ends, populate_errors
from app.web.http_caching import public_page
from app.web.rendering import redirect_to, render, wants_fragment


def _limit(name: str):
    return lambda: current_app.config[name]


def _locale() -> str:
    return str(get_locale() or "en")


def visitor_country() -> str | None:
    """The member's country of residence, or the region of the visitor's preferred
    language ("en-GB" → GB). Used only for an indicative amount."""
    if current_user.is_authenticated:
        return current_user.country
    for value, _quality in request.accept_languages:
        parts = value.replace("_", "-").split("-")
        if len(parts) >= 2 and len(parts[1]) == 2 and parts[1].isalpha():
            return parts[1].upper()
    return None


# What public catalog pages show besides the build and the request: the catalog (its
# version goes up with every change), prices that start at midnight, and, where a page
# shows an indicative amount, the visitor's country.
CATALOG = (catalog.catalog_version, clock.today)


# --- lists ----------------------------------------------------------------------------


@bp.route("/courses")
@public_page(*CATALOG)
def courses():
    query = catalog.parse_query(request.args, for_paths=False)
    results = catalog.search_courses(query, _locale())
    return render(
        "catalog/courses.html",
        "results",
        query=query,
        results=results,
        results_key=catalog.results_key("courses", query, _locale()),
        labels=card_labels(),
        fragment=wants_fragment(),
    )


@bp.route("/paths")
@public_page(*CATALOG)
def paths():
    query = catalog.parse_query(request.args, for_paths=True)
    results = catalog.search_paths(query, _locale(), clock.today())
    return render(
        "catalog/paths.html",
        "results",
        query=query,
        results=results,
        results_key=catalog.results_key("paths", query, _locale(), clock.today()),
        labels=card_labels(),
        fragment=wants_fragment(),
        path_offer=path_offer,
    )


# --- courses ---------------------------------------------------------------------------


@bp.route("/courses/<slug>")
@public_page(*CATALOG)
def course(slug: str):
    found = catalog.course_by_slug(slug) or abort(404)
    # A member's own progress: the page is then private (app.web.http_caching).
    mine = learning.course_page(current_user, found) if current_user.is_authenticated else None
    return render("catalog/course.html", "content", course=found, mine=mine)


@bp.route("/courses/<slug>/chapters/<int:position>")
@public_page(*CATALOG)
def chapter(slug: str, position: int):
    found = catalog.course_by_slug(slug) or abort(404)
    chapters = found.chapters
    index = next((i for i, c in enumerate(chapters) if c.position == position), None)
    if index is None:
        abort(404)
    return render(
        "catalog/chapter.html",
        "content",
        course=found,
        chapter=chapters[index],
        number=index + 1,
        previous=chapters[index - 1] if index > 0 else None,
        next_chapter=chapters[index + 1] if index + 1 < len(chapters) else None,
        done=learning.is_done(current_user, chapters[index])
        if current_user.is_authenticated
        else None,
    )


# --- paths -----------------------------------------------------------------------------


def _path_or_404(slug: str):
    return catalog.path_by_slug(slug) or abort(404)


def _path_context(path) -> dict:
    today = clock.today()
    price = catalog.current_price(path_offer(path.id), today)
    rate = catalog.rate_for(visitor_country())
    return {
        "path": path,
        "price": price,
        "local": catalog.indicative(price.amount_cents, rate) if price else None,
        "period": catalog.period_of(path),
        "previous_period": catalog.period_of(path, previous=True),
        "opened_timing": catalog.opened_relative_to_estimate(path),
        "upcoming": path.availability is Availability.UPCOMING,
    }


@bp.route("/paths/<slug>")
@public_page(*CATALOG, visitor_country)
def path(slug: str):
    return render("catalog/path.html", "content", **_path_context(_path_or_404(slug)))


@bp.route("/paths/<slug>/notify", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_LAUNCH_WATCH"), methods=["POST"])
def notify(slug: str):
    """Leave an email address to hear when an upcoming path opens or its date moves."""
    found = _path_or_404(slug)
    if found.availability is not Availability.UPCOMING:
        return redirect(url_for("catalog.path", slug=slug))
    form = LaunchWatchForm()
    if form.validate_on_submit():
        try:
            catalog.watch(found, form.email.data, _locale())
        except DomainError as error:
            populate_errors(form, error)
        else:
            if wants_fragment():
                return render(
                    "catalog/notify.html",
                    "watch",
                    watch_form=form,
                    watched=True,
                    **_path_context(found),
                )
            flash(
                _(
                    "Thank you. We will email %(email)s when %(path)s opens, and if its "
                    "estimated launch changes.",
                    email=form.email.data,
                    path=found.title_fr if _locale() == "fr" else found.title_en,
                )
            )
            return redirect(url_for("catalog.path", slug=slug))
    status = 422 if form.errors else 200
    return render(
        "catalog/notify.html",
        "watch",
        status=status,
        watch_form=form,
        watched=False,
        **_path_context(found),
    )


@bp.route("/launch-notices/<token>", methods=["GET", "POST"])
def stop_watching(token: str):
    """The link in launch notices: asks, then stops them (a POST, so that a mail
    scanner opening the link stops nothing)."""
    try:
        stop = catalog.stop_request(token)
    except tokens.InvalidToken:
        return render_template("catalog/stop_watching.html", stop=None), 404
    if request.method == "POST" and stop.watcher is not None:
        catalog.stop_watching(stop.watcher)
        return redirect(url_for("catalog.stop_watching", token=token))
    return render_template("catalog/stop_watching.html", stop=stop, token=token)


@bp.route("/paths/<slug>/contact", methods=["GET", "POST"])
@keeps_text_when_the_session_ends
@limiter.limit(_limit("RATELIMIT_CONTACT"), methods=["POST"])
def contact(slug: str):
    found = _path_or_404(slug)
    form = PathContactForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = form.name.data or current_user.name
        form.email.data = form.email.data or current_user.email
    if form.validate_on_submit():
        inquiry = inquiries.submit(
            inquiries.NewInquiry(
                kind=InquiryKind.PATH,
                topic=form.inquiry_type.data,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                message=form.message.data,
                locale=_locale(),
                subject_ref=f"path:{found.slug}",
                user_id=current_user.id if current_user.is_authenticated else None,
            )
        )
        session["inquiry_sent"] = {"reference": inquiry.reference, "email": inquiry.email}
        return redirect_to(url_for("catalog.contact_sent", slug=slug))
    status = 422 if form.errors else 200
    return render(
        "catalog/contact.html",
        "form",
        status=status,
        path=found,
        form=form,
        inquiry_types=INQUIRY_TYPES,
    )


@bp.route("/paths/<slug>/contact/sent")
def contact_sent(slug: str):
    found = _path_or_404(slug)
    sent = session.get("inquiry_sent")
    if not sent:
        return redirect(url_for("catalog.contact", slug=slug))
    return render("catalog/contact_sent.html", "content", path=found, sent=sent)


# --- Premium -----------------------------------------------------------------------------


@bp.route("/premium")
@public_page(*CATALOG, visitor_country)
def premium():
    solo = catalog.current_price(SOLO, clock.today())
    rate = catalog.rate_for(visitor_country())
    return render(
        "catalog/premium.html",
        "content",
        solo=solo,
        local=catalog.indicative(solo.amount_cents, rate) if solo else None,
    )
