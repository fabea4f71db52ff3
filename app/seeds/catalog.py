"""Demo catalog for `flask demo-data`: fourteen courses and five Learning Paths with their
texts in English and French, prices (one scheduled change), currency rates. Running it
again adds nothing. The certification codes are examples, not real registrations."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.launch import Precision
from app.domain.pricing import SOLO, path_offer
from app.extensions import db
from app.models import (
    Availability,
    Chapter,
    Course,
    CurrencyRate,
    Exercise,
    ExerciseKind,
    LearningPath,
    PathStep,
    Price,
    StepKind,
)
from app.seeds.assignments import seed_assignments
from app.seeds.catalog_courses import COURSES, VIDEOS, chapters_for
from app.seeds.catalog_paths import PATHS
from app.seeds.learning import seed_quizzes
from app.services.catalog.listing import search_text
from app.services.catalog.version import bump_version


def _add_videos(courses: dict[str, Course]) -> None:
    """Also on a demo database made before the videos existed: a chapter without one."""
    for (slug, position), video in VIDEOS.items():
        course = courses.get(slug)
        chapter = (
            next((c for c in course.chapters if c.position == position), None) if course else None
        )
        if chapter is not None and not chapter.video_url:
            for name, value in video.items():
                setattr(chapter, name, value)


RATES = [
    ("GB", "GBP", "0.85"),
    ("CH", "CHF", "0.94"),
    ("US", "USD", "1.08"),
    ("CA", "CAD", "1.49"),
    ("MA", "MAD", "10.90"),
    ("TN", "TND", "3.38"),
    ("SN", "XOF", "655.957"),
    ("CI", "XOF", "655.957"),
    ("JP", "JPY", "162"),
    ("FR", "EUR", "1"),
    ("BE", "EUR", "1"),
]


def _first_of_month_after(today: date, months: int) -> date:
    year, month = divmod(today.month - 1 + months, 12)
    return date(today.year + year, month + 1, 1)


def seed_catalog(today: date) -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were added."""
    added = {"courses": 0, "paths": 0, "prices": 0, "rates": 0, "quizzes": 0, "assignments": 0}
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    for slug, titles, summaries, level, language, hours, upcoming in COURSES:
        if slug in courses:
            continue
        course = Course(
            slug=slug,
            title_en=titles[0],
            title_fr=titles[1],
            summary_en=summaries[0],
            summary_fr=summaries[1],
            level=level,
            language=language,
            duration_hours=hours,
            availability=Availability.UPCOMING if upcoming else Availability.OPEN,
            search_text=search_text(*titles, *summaries),
        )
        for position, (t_en, t_fr, b_en, b_fr) in enumerate(chapters_for(slug, *titles), 1):
            course.chapters.append(
                Chapter(position=position, title_en=t_en, title_fr=t_fr, body_en=b_en, body_fr=b_fr)
            )
        course.exercises.append(
            Exercise(
                position=1,
                kind=ExerciseKind.QUIZ,
                title_en="Check what you learnt",
                title_fr="Vérifiez vos acquis",
            )
        )
        course.exercises.append(
            Exercise(
                position=2,
                kind=ExerciseKind.ASSIGNMENT,
                title_en="Put it into practice",
                title_fr="Mettez en pratique",
            )
        )
        db.session.add(course)
        courses[slug] = course
        added["courses"] += 1
    db.session.flush()
    _add_videos(courses)
    # Every demo course's quiz gets its questions (app/seeds/learning.py).
    added["quizzes"] = seed_quizzes()
    added["assignments"] = seed_assignments()

    existing_paths = {p.slug: p for p in db.session.scalars(select(LearningPath))}
    for spec in PATHS:
        path = existing_paths.get(spec["slug"])
        if path is None:
            path = LearningPath(
                slug=spec["slug"],
                title_en=spec["title"][0],
                title_fr=spec["title"][1],
                summary_en=spec["summary"][0],
                summary_fr=spec["summary"][1],
                level=spec["level"],
                language=spec["language"],
                certification=spec["certification"],
                certification_code=spec["code"],
                duration_months=spec["months"],
                min_projects=spec["min_projects"],
            )
            for name, (en, fr) in spec["texts"].items():
                setattr(path, f"{name}_en", en)
                setattr(path, f"{name}_fr", fr)
            if spec.get("upcoming"):
                path.availability = Availability.UPCOMING
                path.launch_estimate = _first_of_month_after(today, 5)
                path.launch_precision = Precision.SEASON
            path.search_text = search_text(*spec["title"], *spec["summary"], *spec["texts"]["job"])
            for position, line in enumerate(spec["programme"], 1):
                kind, _, rest = line.partition(":")
                if kind == "course":
                    path.steps.append(
                        PathStep(position=position, kind=StepKind.COURSE, course=courses[rest])
                    )
                else:
                    en, _, fr = rest.partition("|")
                    path.steps.append(
                        PathStep(position=position, kind=StepKind.PROJECT, title_en=en, title_fr=fr)
                    )
            db.session.add(path)
            db.session.flush()
            added["paths"] += 1
        prices = [(path_offer(path.id), spec["price"], date(2026, 1, 1))]
        if spec.get("scheduled_price"):
            prices.append(
                (path_offer(path.id), spec["scheduled_price"], _first_of_month_after(today, 2))
            )
        added["prices"] += _add_prices(prices, existing_only_if_empty=True)

    added["prices"] += _add_prices(
        [(SOLO, 1800, date(2025, 1, 1)), (SOLO, 2000, date(2026, 1, 1))],
        existing_only_if_empty=True,
    )
    known = set(db.session.scalars(select(CurrencyRate.country)))
    for country, currency, rate in RATES:
        if country not in known:
            db.session.add(CurrencyRate(country=country, currency=currency, rate=Decimal(rate)))
            added["rates"] += 1
    if any(added.values()):
        bump_version()
    db.session.flush()
    return added


def _add_prices(prices, existing_only_if_empty: bool) -> int:
    """Add an offer's demo prices only if it has none yet (so a rerun on another day
    does not schedule a second change)."""
    offer = prices[0][0]
    if existing_only_if_empty and db.session.scalar(
        select(Price.id).where(Price.offer == offer).limit(1)
    ):
        return 0
    for offer, cents, effective_from in prices:
        db.session.add(Price(offer=offer, amount_cents=cents, effective_from=effective_from))
    return len(prices)
