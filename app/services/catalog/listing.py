"""Listing and searching the catalog: the query a page asks, its page of plain cards."""

import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date
from math import ceil

from flask import current_app
from sqlalchemy import func, select

from app.domain.numbers import parse_whole_number
from app.domain.pricing import (
    PricePoint,
    path_offer,
    price_for,
)
from app.domain.text import without_control_characters
from app.extensions import db
from app.models import (
    Availability,
    Certification,
    Course,
    LearningPath,
    Level,
)
from app.services import data_cache
from app.services.catalog.prices import price_points
from app.services.catalog.version import catalog_version

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PAGE_CHOICES = (12, 24, 48)

# Duration filters: (upper bound inclusive or None) per bucket.
COURSE_DURATIONS = {"short": (1, 8), "medium": (9, 15), "long": (16, None)}  # hours
PATH_DURATIONS = {"short": (1, 6), "medium": (7, 12), "long": (13, None)}  # months


def fold(text: str) -> str:
    """Lower case without accents, so "developpeur" finds "Développeur"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_text(*parts: str | None) -> str:
    return fold(" ".join(p for p in parts if p))


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
