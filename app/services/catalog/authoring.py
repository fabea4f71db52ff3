"""Staff changes to courses, chapters and Learning Paths, checked as a whole."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain.errors import DomainError
from app.domain.launch import Precision, estimate_in_past, launch_period
from app.domain.pricing import (
    PriceProblem,
    PriceRefused,
    check_path_price,
    path_offer,
    price_for,
)
from app.extensions import db
from app.models import (
    Availability,
    Certification,
    Chapter,
    Course,
    LearningPath,
    Level,
    PathStep,
    Price,
    StepKind,
    User,
)
from app.models.catalog import PATH_TEXTS
from app.services.catalog.launch_watch import tell_watchers
from app.services.catalog.listing import search_text
from app.services.catalog.pages import period_of
from app.services.catalog.prices import PRICE_MESSAGES, price_points
from app.services.catalog.version import bump_version

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
    course.search_text = search_text(
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
    path.search_text = search_text(
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
    tell_watchers(path, was_upcoming)
    bump_version()
    return path


def _check_price(field_name: str, cents: int, duration: int) -> None:
    try:
        check_path_price(cents, duration)
    except PriceRefused as error:
        field_for = "duration_months" if error.field == "duration_months" else field_name
        raise DomainError(field_for, PRICE_MESSAGES[error.problem]) from error


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title_en)))


def all_paths() -> list[LearningPath]:
    return list(db.session.scalars(select(LearningPath).order_by(LearningPath.title_en)))


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
