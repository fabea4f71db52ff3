"""Catalog use cases: listing and searching, the pages' data, staff changes, prices
with their history, and telling people when an upcoming path opens or moves."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from math import ceil

from flask import current_app, g, has_request_context
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.domain.errors import DomainError
from app.domain.launch import LaunchPeriod, Precision, estimate_in_past, launch_period
from app.domain.numbers import parse_whole_number
from app.domain.pricing import (
    ADVANCE_PAYMENT_PERCENT,
    SOLO,
    PricePoint,
    PriceProblem,
    PriceRefused,
    check_path_price,
    indicative_amount,
    next_price,
    path_offer,
    price_for,
)
from app.domain.text import without_control_characters
from app.extensions import db
from app.links import public_url
from app.models import (
    Availability,
    CatalogState,
    Certification,
    Chapter,
    Course,
    CurrencyRate,
    LaunchWatch,
    LearningPath,
    Level,
    PathStep,
    Price,
    StepKind,
    User,
)
from app.models.catalog import PATH_TEXTS
from app.services import data_cache, mail, tokens

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PAGE_CHOICES = (12, 24, 48)

# Duration filters: (upper bound inclusive or None) per bucket.
COURSE_DURATIONS = {"short": (1, 8), "medium": (9, 15), "long": (16, None)}  # hours
PATH_DURATIONS = {"short": (1, 6), "medium": (7, 12), "long": (13, None)}  # months

PRICE_MESSAGES = {
    PriceProblem.NOT_POSITIVE: _l("Enter a price greater than zero."),
    PriceProblem.DURATION_NOT_POSITIVE: _l("Enter an average duration of at least 1 month."),
    PriceProblem.ADVANCE_OVER_LIMIT: _l(
        "The monthly price must be at most %(limit)s%% of the contract price (the monthly price "
        "times the average duration, first 12 months only). Lower the price or lengthen the path.",
        limit=ADVANCE_PAYMENT_PERCENT,
    ),
}


def fold(text: str) -> str:
    """Lower case without accents, so "developpeur" finds "Développeur"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _search_text(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))


# --- the catalog version (for HTTP caching) -------------------------------------------


_VERSION_SQL = "SELECT version FROM catalog_state WHERE id = 1"


def catalog_version() -> int:
    """The catalog's version, raised in the transaction of every catalog change: public
    catalog pages put it in their ETag (app.web.http_caching) and the data cache in its
    keys (app.services.data_cache). Read once per request, which both ask."""
    if has_request_context() and "catalog_version" in g:
        return g.catalog_version
    version = db.session.connection().exec_driver_sql(_VERSION_SQL).scalar() or 0
    if has_request_context():
        g.catalog_version = version
    return version


def bump_version() -> None:
    """Called in the transaction of every catalog change."""
    if has_request_context():
        g.pop("catalog_version", None)
    changed = db.session.execute(
        update(CatalogState).where(CatalogState.id == 1).values(version=CatalogState.version + 1)
    ).rowcount
    if not changed:
        db.session.add(CatalogState(id=1, version=2))
        db.session.flush()


# --- listing and search ---------------------------------------------------------------


@dataclass(frozen=True)
class CatalogQuery:
    q: str = ""
    level: str = ""
    language: str = ""
    duration: str = ""
    certification: str = ""
    availability: str = ""
    page: int = 1
    per_page: int = PER_PAGE_CHOICES[0]

    @property
    def words(self) -> list[str]:
        return fold(self.q).split()[:MAX_WORDS]

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.q,
                self.level,
                self.language,
                self.duration,
                self.certification,
                self.availability,
            )
        )


def parse_query(args, *, for_paths: bool) -> CatalogQuery:
    """Read filters from a query string; values that are not on the lists are ignored."""

    def pick(name: str, allowed) -> str:
        value = (args.get(name) or "").strip()
        return value if value in allowed else ""

    def number(name: str, default: int) -> int:
        found = parse_whole_number(args.get(name), max_digits=6)
        return default if found is None else found

    per_page = number("per_page", PER_PAGE_CHOICES[0])
    durations = PATH_DURATIONS if for_paths else COURSE_DURATIONS
    return CatalogQuery(
        q=" ".join(without_control_characters(args.get("q") or "").split())[:MAX_QUERY_LENGTH],
        level=pick("level", {lvl.value for lvl in Level}),
        language=pick("language", set(current_app.config["LANGUAGES"])),
        duration=pick("duration", durations),
        certification=pick("certification", {c.value for c in Certification}) if for_paths else "",
        availability=pick("availability", {a.value for a in Availability}),
        page=max(1, number("page", 1)),
        per_page=per_page if per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0],
    )


@dataclass
class Results:
    items: list
    total: int
    page: int
    per_page: int
    prices: dict[str, PricePoint] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(model, query: CatalogQuery, durations: dict, duration_column):
    conditions = [model.search_text.like(_like(word), escape="\\") for word in query.words]
    if query.level:
        conditions.append(model.level == Level(query.level))
    if query.language:
        conditions.append(model.language == query.language)
    if query.availability:
        conditions.append(model.availability == Availability(query.availability))
    if query.duration:
        low, high = durations[query.duration]
        conditions.append(duration_column >= low)
        if high is not None:
            conditions.append(duration_column <= high)
    if query.certification:
        conditions.append(model.certification == Certification(query.certification))
    return conditions


@dataclass(frozen=True)
class CourseCard:
    """What a course's card in a list shows, as plain data: the list reads these
    columns only, not the whole course (its chapters, exercises, search text)."""

    id: int
    slug: str
    title_en: str
    title_fr: str
    summary_en: str
    summary_fr: str
    level: Level
    language: str
    duration_hours: int
    availability: Availability


@dataclass(frozen=True)
class PathCard:
    """What a Learning Path's card shows, without the dozen texts of its page."""

    id: int
    slug: str
    title_en: str
    title_fr: str
    summary_en: str
    summary_fr: str
    level: Level
    language: str
    certification: Certification
    certification_code: str | None
    duration_months: int
    availability: Availability


def _page(model, card, conditions, query: CatalogQuery, locale: str) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    title = model.title_fr if locale == "fr" else model.title_en
    columns = [getattr(model, column.name) for column in fields(card)]
    rows = db.session.execute(
        select(*columns)
        .where(*conditions)
        .order_by(title, model.id)
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )
    return [card(*row) for row in rows], total


def results_key(name: str, *parts: object) -> str:
    """The key of a list's rendered results (catalog/courses.html, paths.html): the
    catalog version and what the list's query and language are."""
    return data_cache.key_for(catalog_version(), f"{name}-html", *parts)


def search_courses(query: CatalogQuery, locale: str) -> Results:
    return data_cache.by_catalog_version(
        catalog_version(), "courses", lambda: _search_courses(query, locale), query, locale
    )


def _search_courses(query: CatalogQuery, locale: str) -> Results:
    conditions = _filtered(Course, query, COURSE_DURATIONS, Course.duration_hours)
    items, total = _page(Course, CourseCard, conditions, query, locale)
    return Results(items, total, query.page, query.per_page)


def search_paths(query: CatalogQuery, locale: str, today: date) -> Results:
    """Prices start at midnight: `today` is part of the key."""
    return data_cache.by_catalog_version(
        catalog_version(),
        "paths",
        lambda: _search_paths(query, locale, today),
        query,
        locale,
        today,
    )


def _search_paths(query: CatalogQuery, locale: str, today: date) -> Results:
    conditions = _filtered(LearningPath, query, PATH_DURATIONS, LearningPath.duration_months)
    items, total = _page(LearningPath, PathCard, conditions, query, locale)
    offers = [path_offer(p.id) for p in items]
    points = price_points(offers, today) if offers else []
    prices = {offer: price_for(points, offer, today) for offer in offers}
    return Results(items, total, query.page, query.per_page, prices)


# --- single pages ---------------------------------------------------------------------


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(
        select(Course)
        .where(Course.slug == slug)
        .options(selectinload(Course.chapters), selectinload(Course.exercises))
    )


def path_by_slug(slug: str) -> LearningPath | None:
    return db.session.scalar(
        select(LearningPath)
        .where(LearningPath.slug == slug)
        .options(selectinload(LearningPath.steps).selectinload(PathStep.course))
    )


def period_of(path: LearningPath, previous: bool = False) -> LaunchPeriod | None:
    estimate = path.previous_launch_estimate if previous else path.launch_estimate
    precision = path.previous_launch_precision if previous else path.launch_precision
    if estimate is None or precision is None:
        return None
    return launch_period(estimate, precision)


def opened_relative_to_estimate(path: LearningPath) -> str | None:
    """'earlier' or 'later' when an open path opened outside the announced period."""
    period = period_of(path)
    if path.availability is not Availability.OPEN or path.opened_on is None or period is None:
        return None
    start, end = period_bounds(path.launch_estimate, path.launch_precision)
    if path.opened_on < start:
        return "earlier"
    if path.opened_on > end:
        return "later"
    return None


def period_bounds(estimate: date, precision: Precision) -> tuple[date, date]:
    """First and last day of the announced period."""
    if precision is Precision.MONTH:
        start = estimate.replace(day=1)
        months = 1
    else:
        # The season's first month: Dec, Mar, Jun or Sep.
        first_month = {12: 12, 1: 12, 2: 12, 3: 3, 4: 3, 5: 3, 6: 6, 7: 6, 8: 6}.get(
            estimate.month, 9
        )
        year = estimate.year - 1 if estimate.month in (1, 2) else estimate.year
        start = date(year, first_month, 1)
        months = 3
    year, month = divmod(start.month - 1 + months, 12)
    end_exclusive = date(start.year + year, month + 1, 1)
    return start, date.fromordinal(end_exclusive.toordinal() - 1)


# --- prices ---------------------------------------------------------------------------


def _point(price: Price) -> PricePoint:
    return PricePoint(price.offer, price.amount_cents, price.effective_from, price.currency)


def price_points(offers: Sequence[str], today: date | None = None) -> list[PricePoint]:
    """Every price of these offers (history included): few rows per offer."""
    rows = db.session.scalars(select(Price).where(Price.offer.in_(list(offers)))).all()
    return [_point(row) for row in rows]


def current_price(offer: str, today: date) -> PricePoint | None:
    return price_for(price_points([offer]), offer, today)


def price_history(offer: str) -> list[Price]:
    return list(
        db.session.scalars(
            select(Price).where(Price.offer == offer).order_by(Price.effective_from.desc())
        )
    )


def scheduled_price(offer: str, today: date) -> PricePoint | None:
    return next_price(price_points([offer]), offer, today)


def offer_path(offer: str) -> LearningPath | None:
    if offer == SOLO:
        return None
    path_id = parse_whole_number(offer[5:]) if offer.startswith("path:") else None
    if path_id is None:
        raise DomainError("offer", _l("Choose an offer from the list."))
    path = db.session.get(LearningPath, path_id)
    if path is None:
        raise DomainError("offer", _l("Choose an offer from the list."))
    return path


def add_price(
    offer: str, amount_cents: int | None, effective_from: date, staff: User | None, today: date
) -> Price:
    """Schedule a price. Earlier prices stay in the history; a price never changes the past."""
    path = offer_path(offer)
    if amount_cents is None or amount_cents <= 0:
        raise DomainError("amount", PRICE_MESSAGES[PriceProblem.NOT_POSITIVE])
    if effective_from < today:
        raise DomainError("effective_from", _l("The date must be today or later."))
    if path is not None:
        try:
            check_path_price(amount_cents, path.duration_months)
        except PriceRefused as refused:
            raise DomainError("amount", PRICE_MESSAGES[refused.problem]) from refused
    exists = db.session.scalar(
        select(Price.id).where(Price.offer == offer, Price.effective_from == effective_from)
    )
    if exists:
        raise DomainError("effective_from", _l("This offer already has a price from that date."))
    price = Price(
        offer=offer,
        amount_cents=amount_cents,
        effective_from=effective_from,
        created_by_id=staff.id if staff else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(price)
    except IntegrityError as error:  # a concurrent insert of the same date
        raise DomainError(
            "effective_from", _l("This offer already has a price from that date.")
        ) from error
    bump_version()
    return price


# --- indicative amounts in the visitor's currency -------------------------------------


@dataclass(frozen=True)
class Indicative:
    amount: int
    currency: str


def rate_for(country: str | None) -> CurrencyRate | None:
    if not country:
        return None
    rate = db.session.scalar(select(CurrencyRate).where(CurrencyRate.country == country.upper()))
    return rate if rate is not None and rate.currency != "EUR" else None


def indicative(euro_cents: int, rate: CurrencyRate | None) -> Indicative | None:
    if rate is None:
        return None
    return Indicative(indicative_amount(euro_cents, Decimal(rate.rate)), rate.currency)


def set_rate(country: str, currency: str, rate: Decimal) -> CurrencyRate:
    if rate <= 0:
        raise DomainError("rate", _l("Enter a rate greater than zero."))
    row = db.session.scalar(select(CurrencyRate).where(CurrencyRate.country == country))
    if row is None:
        row = CurrencyRate(country=country, currency=currency, rate=rate)
        db.session.add(row)
    else:
        row.currency, row.rate, row.updated_at = currency, rate, clock.now()
    bump_version()
    return row


def rates() -> list[CurrencyRate]:
    return list(db.session.scalars(select(CurrencyRate).order_by(CurrencyRate.country)))


# --- staff: courses and paths --------------------------------------------------------


def _slug_taken(model, slug: str, own_id: int | None) -> bool:
    found = db.session.scalar(select(model.id).where(model.slug == slug))
    return found is not None and found != own_id


COURSE_FIELDS = (
    "slug",
    "title_en",
    "title_fr",
    "summary_en",
    "summary_fr",
    "level",
    "language",
    "duration_hours",
    "availability",
)


def save_course(course: Course | None, values: dict) -> Course:
    if _slug_taken(Course, values["slug"], course.id if course else None):
        raise DomainError("slug", _l("Another course already uses this web address."))
    if values["duration_hours"] is None or values["duration_hours"] <= 0:
        raise DomainError("duration_hours", _l("Enter a duration of at least 1 hour."))
    course = course or Course()
    for name in COURSE_FIELDS:
        setattr(course, name, values[name])
    course.level = Level(values["level"])
    course.availability = Availability(values["availability"])
    course.search_text = _search_text(
        course.title_en, course.title_fr, course.summary_en, course.summary_fr
    )
    db.session.add(course)
    bump_version()
    return course


@dataclass(frozen=True)
class StepLine:
    kind: StepKind
    course_slug: str | None = None
    title_en: str | None = None
    title_fr: str | None = None


def parse_programme(text: str) -> list[StepLine]:
    """One step a line: `course: <slug>` or `project: <English title> | <French title>`."""
    steps = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        kind, _, rest = line.partition(":")
        kind, rest = kind.strip().lower(), rest.strip()
        if kind == "course" and rest:
            steps.append(StepLine(StepKind.COURSE, course_slug=rest))
        elif kind == "project" and rest:
            english, _, french = rest.partition("|")
            english, french = english.strip(), french.strip()
            if not english or not french:
                raise DomainError(
                    "programme",
                    _l(
                        "Line %(n)s: give the project's English and French titles, separated by |.",
                        n=number,
                    ),
                )
            steps.append(StepLine(StepKind.PROJECT, title_en=english, title_fr=french))
        else:
            raise DomainError(
                "programme",
                _l(
                    "Line %(n)s: start the line with “course:” or “project:”.",
                    n=number,
                ),
            )
    if not steps:
        raise DomainError("programme", _l("Enter the programme, one course or project a line."))
    return steps


def programme_text(path: LearningPath) -> str:
    lines = []
    for step in path.steps:
        if step.kind is StepKind.COURSE and step.course is not None:
            lines.append(f"course: {step.course.slug}")
        else:
            lines.append(f"project: {step.title_en} | {step.title_fr}")
    return "\n".join(lines)


PATH_FIELDS = (
    "slug",
    "level",
    "language",
    "certification",
    "certification_code",
    "duration_months",
    "min_projects",
    *(f"{name}_{lang}" for name in ("title", *PATH_TEXTS) for lang in ("en", "fr")),
)


def save_path(
    path: LearningPath | None,
    values: dict,
    programme: str,
    today: date,
    first_price_cents: int | None = None,
    staff: User | None = None,
) -> LearningPath:
    """Create or change a path. Changing its availability or estimated launch tells the
    people waiting for it, in the same transaction."""
    own_id = path.id if path else None
    if _slug_taken(LearningPath, values["slug"], own_id):
        raise DomainError("slug", _l("Another path already uses this web address."))
    duration = values["duration_months"]
    if duration is None or duration <= 0:
        raise DomainError("duration_months", PRICE_MESSAGES[PriceProblem.DURATION_NOT_POSITIVE])
    certification = Certification(values["certification"])
    code = (values.get("certification_code") or "").strip().upper()
    if certification is not Certification.NONE and not code:
        raise DomainError("certification_code", _l("Enter the registration code, like RNCP37273."))
    availability = Availability(values["availability"])
    estimate: date | None = values.get("launch_estimate")
    precision = Precision(values["launch_precision"]) if values.get("launch_precision") else None
    if availability is Availability.UPCOMING:
        if estimate is None:
            raise DomainError("launch_estimate", _l("Enter the estimated launch month."))
        if estimate_in_past(estimate, today):
            raise DomainError(
                "launch_estimate", _l("The estimated launch must be this month or later.")
            )
        estimate = estimate.replace(day=1)
        precision = precision or Precision.MONTH
    steps = parse_programme(programme)
    slugs = [s.course_slug for s in steps if s.course_slug]
    courses = {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    missing = [slug for slug in slugs if slug not in courses]
    if missing:
        raise DomainError(
            "programme", _l("No course has the web address %(slug)s.", slug=missing[0])
        )
    if path is None:
        if first_price_cents is None:
            raise DomainError("monthly_price", PRICE_MESSAGES[PriceProblem.NOT_POSITIVE])
        _check_price("monthly_price", first_price_cents, duration)
    else:
        # Every price in force or scheduled must still meet the 30 % rule.
        points = price_points([path_offer(path.id)])
        current = price_for(points, path_offer(path.id), today)
        for point in [p for p in points if p.effective_from >= today] + (
            [current] if current else []
        ):
            try:
                check_path_price(point.amount_cents, duration)
            except PriceRefused as error:
                raise DomainError("duration_months", PRICE_MESSAGES[error.problem]) from error

    was_upcoming = path is not None and path.availability is Availability.UPCOMING
    old_period = period_of(path) if path is not None else None
    path = path or LearningPath()
    for name in PATH_FIELDS:
        setattr(path, name, values[name])
    path.level = Level(values["level"])
    path.certification = certification
    path.certification_code = code if certification is not Certification.NONE else None
    if availability is Availability.UPCOMING:
        new_period = launch_period(estimate, precision)
        if old_period is not None and was_upcoming and old_period.key != new_period.key:
            path.previous_launch_estimate = path.launch_estimate
            path.previous_launch_precision = path.launch_precision
        path.launch_estimate, path.launch_precision = estimate, precision
        path.opened_on = None
    elif was_upcoming:
        path.opened_on = today
    path.availability = availability
    path.search_text = _search_text(
        path.title_en, path.title_fr, path.summary_en, path.summary_fr, path.job_en, path.job_fr
    )
    path.steps.clear()
    db.session.add(path)
    db.session.flush()
    for position, step in enumerate(steps, start=1):
        path.steps.append(
            PathStep(
                position=position,
                kind=step.kind,
                course=courses.get(step.course_slug) if step.course_slug else None,
                title_en=step.title_en,
                title_fr=step.title_fr,
            )
        )
    if own_id is None:
        db.session.add(
            Price(
                offer=path_offer(path.id),
                amount_cents=first_price_cents,
                effective_from=today,
                created_by_id=staff.id if staff else None,
            )
        )
    _tell_watchers(path, was_upcoming)
    bump_version()
    return path


def _check_price(field_name: str, cents: int, duration: int) -> None:
    try:
        check_path_price(cents, duration)
    except PriceRefused as error:
        field_for = "duration_months" if error.field == "duration_months" else field_name
        raise DomainError(field_for, PRICE_MESSAGES[error.problem]) from error


# --- waiting for a path to open ------------------------------------------------------


def watch(path: LearningPath, email: str, locale: str) -> None:
    """Remember someone who wants to hear when `path` opens. Asking twice is harmless and
    answers the same, so the form does not reveal who is already on the list."""
    if path.availability is not Availability.UPCOMING:
        raise DomainError("email", _l("This path is already open."))
    email = email.strip().lower()
    exists = db.session.scalar(
        select(LaunchWatch.id).where(LaunchWatch.path_id == path.id, LaunchWatch.email == email)
    )
    if exists:
        return
    period = period_of(path)
    watcher = LaunchWatch(
        path=path, email=email, locale=locale, told_period=period.key if period else None
    )
    try:
        with db.session.begin_nested():
            db.session.add(watcher)
    except IntegrityError:
        pass  # the same address, sent twice at once: one row is enough


def _tell_watchers(path: LearningPath, was_upcoming: bool) -> None:
    if not was_upcoming:
        return
    watchers = db.session.scalars(
        select(LaunchWatch).where(
            LaunchWatch.path_id == path.id, LaunchWatch.opened_notified_at.is_(None)
        )
    ).all()
    path_url = public_url("catalog.path", slug=path.slug)
    if path.availability is Availability.OPEN:
        timing = opened_relative_to_estimate(path)
        for watcher in watchers:
            mail.send_template(
                watcher.email,
                "path_opened",
                watcher.locale,
                path_title=_title_in(path, watcher.locale),
                path_url=path_url,
                timing=timing,
            )
            watcher.opened_notified_at = clock.now()
        return
    period = period_of(path)
    earlier = (
        path.previous_launch_estimate is not None
        and path.launch_estimate < path.previous_launch_estimate
    )
    for watcher in watchers:
        if period is not None and watcher.told_period != period.key:
            with force_locale(watcher.locale):
                period_text = period_label(period)
            mail.send_template(
                watcher.email,
                "path_launch_moved",
                watcher.locale,
                path_title=_title_in(path, watcher.locale),
                path_url=path_url,
                period_text=period_text,
                earlier=earlier,
                stop_url=stop_link(watcher),
            )
            watcher.told_period = period.key


STOP_WATCHING = "launch-watch-stop"


def stop_link(watcher: LaunchWatch) -> str:
    """A link in the emails that stops them, for this address and this path only: it
    names the watch and a digest of its address (a watch id alone could be guessed)."""
    token = tokens.make(
        STOP_WATCHING,
        {"w": watcher.id, "p": watcher.path_id, "e": tokens.fingerprint(watcher.email)},
    )
    return public_url("catalog.stop_watching", token=token)


@dataclass(frozen=True)
class StopRequest:
    path: LearningPath | None
    watcher: LaunchWatch | None  # None once stopped (the link keeps working)


def stop_request(token: str) -> StopRequest:
    """Raises tokens.InvalidToken for a link that was altered or is too old."""
    data = tokens.read(STOP_WATCHING, token, current_app.config["LAUNCH_WATCH_STOP_MAX_AGE"])
    watcher = db.session.get(LaunchWatch, data.get("w"))
    if watcher is not None and tokens.fingerprint(watcher.email) != data.get("e"):
        watcher = None
    return StopRequest(db.session.get(LearningPath, data.get("p")), watcher)


def stop_watching(watcher: LaunchWatch) -> None:
    db.session.delete(watcher)
    db.session.flush()


def _title_in(path: LearningPath, locale: str) -> str:
    return (path.title_fr if locale == "fr" else path.title_en) or path.title_en


def period_label(period: LaunchPeriod) -> str:
    """ "March 2027" / "spring 2027" in the current locale (emails; pages use a macro)."""
    if period.precision is Precision.MONTH:
        return gettext(
            "in %(month)s", month=format_date(date(period.year, period.month, 1), "MMMM yyyy")
        )
    names = {
        "winter": gettext("in winter %(year)s", year=period.year),
        "spring": gettext("in spring %(year)s", year=period.year),
        "summer": gettext("in summer %(year)s", year=period.year),
        "autumn": gettext("in autumn %(year)s", year=period.year),
    }
    return names[period.season]


def watchers_count(path: LearningPath) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(LaunchWatch).where(LaunchWatch.path_id == path.id)
        )
        or 0
    )


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title_en)))


def all_paths() -> list[LearningPath]:
    return list(db.session.scalars(select(LearningPath).order_by(LearningPath.title_en)))


def price_for_rows(rows: list[Price], offer: str, today: date) -> PricePoint | None:
    return price_for([_point(row) for row in rows], offer, today)


CHAPTER_FIELDS = (
    "position",
    "title_en",
    "title_fr",
    "body_en",
    "body_fr",
    "video_url",
    "captions_url",
    "subtitles_url",
    "video_language",
    "transcript_en",
    "transcript_fr",
)


def save_chapter(course: Course, chapter: Chapter | None, values: dict) -> Chapter:
    taken = db.session.scalar(
        select(Chapter.id).where(
            Chapter.course_id == course.id, Chapter.position == values["position"]
        )
    )
    if taken is not None and (chapter is None or taken != chapter.id):
        raise DomainError("position", _l("Another chapter of this course has this position."))
    chapter = chapter or Chapter(course=course)
    for name in CHAPTER_FIELDS:
        value = values[name]
        setattr(
            chapter,
            name,
            value.strip() if isinstance(value, str) and value.strip() else value or None,
        )
    chapter.body_en, chapter.body_fr = chapter.body_en or "", chapter.body_fr or ""
    if not chapter.video_url:
        chapter.captions_url = chapter.subtitles_url = chapter.video_language = None
    db.session.add(chapter)
    bump_version()
    return chapter
