"""Learning records (§10): chapters marked done, quizzes (in revisions, so that a past
attempt keeps the questions it answered), attempts with their answers, and
Certificates of Achievement with their rendered PDFs."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.grading import QuestionKind
from app.extensions import db
from app.models.types import UTCDateTime, str_enum, utcnow


class ChapterCompletion(db.Model):
    """A chapter a member marked done (a button at the end of the chapter)."""

    __tablename__ = "chapter_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"))
    # The chapter's course, so that a course's progress is one indexed read.
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "chapter_id"),
        Index("ix_chapter_completions_user_course", "user_id", "course_id"),
    )


class QuizRevision(db.Model):
    """One version of a quiz's questions. Never edited once answered: an edit adds a
    revision and the exercise points at it (Exercise.published_revision)."""

    __tablename__ = "quiz_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list["QuizQuestion"]] = relationship(
        back_populates="revision", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("exercise_id", "number"),)


class QuizQuestion(db.Model):
    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("quiz_revisions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 16))
    points: Mapped[int] = mapped_column(Integer, default=1)
    prompt_en: Mapped[str] = mapped_column(Text)
    prompt_fr: Mapped[str] = mapped_column(Text)
    # Shown after submitting, whatever the answer: why the right answer is right.
    feedback_en: Mapped[str] = mapped_column(Text, default="")
    feedback_fr: Mapped[str] = mapped_column(Text, default="")
    # Short answers: the accepted answers, one a line (both languages' words).
    accepted: Mapped[str] = mapped_column(Text, default="")
    number_answer: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    tolerance: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=Decimal(0))

    revision: Mapped[QuizRevision] = relationship(back_populates="questions")
    options: Mapped[list["QuizOption"]] = relationship(
        back_populates="question", order_by="QuizOption.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("revision_id", "position"),
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("tolerance >= 0", name="tolerance_not_negative"),
    )


class QuizOption(db.Model):
    __tablename__ = "quiz_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label_en: Mapped[str] = mapped_column(Text)
    label_fr: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)

    question: Mapped[QuizQuestion] = relationship(back_populates="options")

    __table_args__ = (UniqueConstraint("question_id", "position"),)


class QuizAttempt(db.Model):
    """One submitted attempt. `token` comes with the form the learner was shown, so the
    same form sent twice (a double click, a retried request) is one attempt."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("quiz_revisions.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(32))
    earned_milli: Mapped[int] = mapped_column(Integer)
    possible_milli: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)
    # Against the course's required grade when submitted.
    pass_mark: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )
    revision: Mapped[QuizRevision] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "token"),
        Index("ix_quiz_attempts_user_exercise", "user_id", "exercise_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
    )


class AttemptAnswer(db.Model):
    __tablename__ = "attempt_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    # The chosen options' ids, comma-separated and sorted; empty for typed answers.
    option_ids: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    earned_milli: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")

    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    @property
    def chosen(self) -> frozenset[int]:
        return frozenset(int(i) for i in self.option_ids.split(",") if i)


class Certificate(db.Model):
    """A Certificate of Achievement. What it states (the learner's name, the course's
    title) is copied when it is issued: the certificate says what was true that day."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    learner_name: Mapped[str] = mapped_column(String(200))
    course_title_en: Mapped[str] = mapped_column(String(200))
    course_title_fr: Mapped[str] = mapped_column(String(200))
    grade: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)


class CertificatePdf(db.Model):
    """A certificate rendered once per language, kept and served as is."""

    __tablename__ = "certificate_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(5))
    render_key: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("certificate_id", "locale"),)
