"""The catalog: courses with chapters and exercises, Learning Paths with their pedagogy,
prices with their history, people waiting for a path to open, and currency rates.

Texts people read are stored in both languages (`*_en`, `*_fr`); pages show the
visitor's language and fall back to the other one."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.launch import Precision
from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow


def _enum(cls, length=16):
    return str_enum(cls, length)


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Availability(StrEnum):
    OPEN = "open"
    UPCOMING = "upcoming"


class Certification(StrEnum):
    RNCP = "rncp"
    RS = "rs"
    NONE = "none"


class ExerciseKind(StrEnum):
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


class StepKind(StrEnum):
    COURSE = "course"
    PROJECT = "project"


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_fr: Mapped[str] = mapped_column(String(200))
    summary_en: Mapped[str] = mapped_column(Text)
    summary_fr: Mapped[str] = mapped_column(Text)
    level: Mapped[Level] = mapped_column(_enum(Level), index=True)
    # The language the course is taught in.
    language: Mapped[str] = mapped_column(String(5), index=True)
    duration_hours: Mapped[int] = mapped_column(Integer)
    availability: Mapped[Availability] = mapped_column(
        _enum(Availability), default=Availability.OPEN, index=True
    )
    # The grade (percent) each graded exercise needs for the Certificate of Achievement.
    passing_grade: Mapped[int] = mapped_column(Integer, default=70, server_default="70")
    # Both languages' titles and summaries, case-folded, for the catalog search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chapters: Mapped[list["Chapter"]] = relationship(
        back_populates="course", order_by="Chapter.position", cascade="all, delete-orphan"
    )
    exercises: Mapped[list["Exercise"]] = relationship(
        back_populates="course", order_by="Exercise.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("duration_hours > 0", name="duration_positive"),
        CheckConstraint("passing_grade BETWEEN 1 AND 100", name="passing_grade_range"),
    )


class Chapter(db.Model):
    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title_en: Mapped[str] = mapped_column(String(200))
    title_fr: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered sanitized; images from our own static files.
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_fr: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str | None] = mapped_column(String(500))
    captions_url: Mapped[str | None] = mapped_column(String(500))
    # The language of the video's speech and captions.
    video_language: Mapped[str | None] = mapped_column(String(5))
    # The captions translated into the other language (a "subtitles" track).
    subtitles_url: Mapped[str | None] = mapped_column(String(500))
    transcript_en: Mapped[str | None] = mapped_column(Text)
    transcript_fr: Mapped[str | None] = mapped_column(Text)

    course: Mapped[Course] = relationship(back_populates="chapters")

    __table_args__ = (UniqueConstraint("course_id", "position"),)


class Exercise(db.Model):
    """Quizzes and assignments. A quiz can be taken once it has a published revision
    (app.models.learning.QuizRevision), an assignment once its rubric is published
    (app.models.assignments)."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ExerciseKind] = mapped_column(_enum(ExerciseKind))
    title_en: Mapped[str] = mapped_column(String(200))
    title_fr: Mapped[str] = mapped_column(String(200))
    # Quizzes: attempts per round and the wait before the next round (app.domain.attempts);
    # no limit when max_attempts is empty.
    max_attempts: Mapped[int | None] = mapped_column(Integer, default=3, server_default="3")
    retry_wait_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    # The revision learners are given (its number), none while the quiz is being written;
    # for an assignment, set once its rubric is published.
    published_revision: Mapped[int | None] = mapped_column(Integer)
    # Assignments: what to do (Markdown), how many peers assess each submission (and how
    # many each author assesses), and the days after which staff grade instead.
    instructions_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    instructions_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviews_required: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    peer_wait_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")

    course: Mapped[Course] = relationship(back_populates="exercises")

    @property
    def is_open(self) -> bool:
        """Offered to learners: a quiz with published questions, an assignment with a
        published rubric."""
        return self.published_revision is not None

    __table_args__ = (UniqueConstraint("course_id", "position"),)


# The pedagogy block of a path (Terms §2.2d, §5): Markdown in both languages, always shown.
PATH_TEXTS = (
    "summary",
    "job",
    "assignments",
    "mentoring",
    "support",
    "assessments",
    "guidelines",
    "prior_knowledge",
    "education",
    "equipment",
    "careers",
)


class LearningPath(db.Model):
    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_fr: Mapped[str] = mapped_column(String(200))
    summary_en: Mapped[str] = mapped_column(Text)
    summary_fr: Mapped[str] = mapped_column(Text)
    job_en: Mapped[str] = mapped_column(Text)
    job_fr: Mapped[str] = mapped_column(Text)
    level: Mapped[Level] = mapped_column(_enum(Level), index=True)
    language: Mapped[str] = mapped_column(String(5), index=True)
    certification: Mapped[Certification] = mapped_column(_enum(Certification), index=True)
    # e.g. RNCP37273 or RS5635; empty when there is no certification.
    certification_code: Mapped[str | None] = mapped_column(String(20))
    duration_months: Mapped[int] = mapped_column(Integer)
    min_projects: Mapped[int] = mapped_column(Integer)
    assignments_en: Mapped[str] = mapped_column(Text)
    assignments_fr: Mapped[str] = mapped_column(Text)
    mentoring_en: Mapped[str] = mapped_column(Text)
    mentoring_fr: Mapped[str] = mapped_column(Text)
    support_en: Mapped[str] = mapped_column(Text)
    support_fr: Mapped[str] = mapped_column(Text)
    assessments_en: Mapped[str] = mapped_column(Text)
    assessments_fr: Mapped[str] = mapped_column(Text)
    guidelines_en: Mapped[str] = mapped_column(Text)
    guidelines_fr: Mapped[str] = mapped_column(Text)
    prior_knowledge_en: Mapped[str] = mapped_column(Text)
    prior_knowledge_fr: Mapped[str] = mapped_column(Text)
    education_en: Mapped[str] = mapped_column(Text)
    education_fr: Mapped[str] = mapped_column(Text)
    equipment_en: Mapped[str] = mapped_column(Text)
    equipment_fr: Mapped[str] = mapped_column(Text)
    careers_en: Mapped[str] = mapped_column(Text)
    careers_fr: Mapped[str] = mapped_column(Text)
    availability: Mapped[Availability] = mapped_column(
        _enum(Availability), default=Availability.OPEN, index=True
    )
    # Upcoming paths: the first day of the estimated launch month, shown as that month
    # or its season.
    launch_estimate: Mapped[date | None] = mapped_column(Date)
    launch_precision: Mapped[Precision | None] = mapped_column(_enum(Precision))
    # What was announced before the last change of estimate, so the page can say the
    # launch moved; and the day it opened (Terms §1: earlier or later than expected).
    previous_launch_estimate: Mapped[date | None] = mapped_column(Date)
    previous_launch_precision: Mapped[Precision | None] = mapped_column(_enum(Precision))
    opened_on: Mapped[date | None] = mapped_column(Date)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    steps: Mapped[list["PathStep"]] = relationship(
        back_populates="path", order_by="PathStep.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("duration_months > 0", name="duration_positive"),
        CheckConstraint("min_projects >= 0", name="min_projects_not_negative"),
    )


class PathStep(db.Model):
    """One item of a path's programme, in order: a course of the catalog or a project."""

    __tablename__ = "path_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StepKind] = mapped_column(_enum(StepKind))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    # Projects: their title in both languages (courses use the course's own title).
    title_en: Mapped[str | None] = mapped_column(String(200))
    title_fr: Mapped[str | None] = mapped_column(String(200))

    path: Mapped[LearningPath] = relationship(back_populates="steps")
    course: Mapped[Course | None] = relationship()

    __table_args__ = (UniqueConstraint("path_id", "position"),)


class Price(db.Model):
    """Monthly prices with their history: never edited, a new row takes over from its date.
    `offer` is "solo" or "path:<id>" (see app.domain.pricing)."""

    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # A Europe/Paris calendar date.
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("offer", "effective_from"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )


class LaunchWatch(db.Model):
    """Someone who asked to be told when an upcoming path opens (Terms §1)."""

    __tablename__ = "launch_watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    # The launch period they were last told about (LaunchPeriod.key).
    told_period: Mapped[str | None] = mapped_column(String(20))
    opened_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    path: Mapped[LearningPath] = relationship()

    __table_args__ = (UniqueConstraint("path_id", "email"),)


class CurrencyRate(db.Model):
    """Indicative rates by country of residence, kept by staff: units of `currency` per euro."""

    __tablename__ = "currency_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(14, 6))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CatalogState(db.Model):
    """One row whose version goes up with every catalog change, so that the ETag of a
    public catalog page changes with it (see app.web.http_caching)."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
