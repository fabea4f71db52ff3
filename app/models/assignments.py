"""Peer-assessed assignments: the rubric of an assignment (criteria with levels worth
points), learners' submissions, and the assessments peers give them."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class RubricCriterion(db.Model):
    """One criterion of one revision of an assignment's rubric. A revision is never
    edited: staff's edit adds the next one and the exercise points at it
    (Exercise.published_revision); work keeps the revision it was submitted under, and
    its assessments the levels they chose."""

    __tablename__ = "rubric_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    position: Mapped[int] = mapped_column(Integer)
    title_en: Mapped[str] = mapped_column(Text)
    title_fr: Mapped[str] = mapped_column(Text)

    levels: Mapped[list["RubricLevel"]] = relationship(
        back_populates="criterion", order_by="RubricLevel.points", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("exercise_id", "revision", "position"),)

    @property
    def max_points(self) -> int:
        return max((level.points for level in self.levels), default=0)


class RubricLevel(db.Model):
    __tablename__ = "rubric_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(Integer)
    label_en: Mapped[str] = mapped_column(Text)
    label_fr: Mapped[str] = mapped_column(Text)

    criterion: Mapped[RubricCriterion] = relationship(back_populates="levels")

    __table_args__ = (
        UniqueConstraint("criterion_id", "points"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )


class Submission(db.Model):
    """A learner's work for an assignment: text in Markdown (shown sanitized) and/or a
    link. One per learner and assignment."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    # The rubric revision the work is assessed with (the one offered when submitted).
    rubric_revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    grade: Mapped[int | None] = mapped_column(Integer)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when staff graded it (their grade is final).
    staff_grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessments: Mapped[list["Assessment"]] = relationship(
        back_populates="submission", order_by="Assessment.id", cascade="all, delete-orphan"
    )
    files: Mapped[list["SubmissionFile"]] = relationship(
        order_by="SubmissionFile.id", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("exercise_id", "user_id"),)


class SubmissionFile(db.Model):
    """A file attached to a submission, kept as submitted (there is no way to change
    it). The bytes are in the upload folder under `stored_name`, a random name: the
    learner's name for the file is only shown (cleaned) to the author and staff."""

    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(100))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    # app.domain.uploads.FileKind, told from the bytes.
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)


class AssessmentOffer(db.Model):
    """A submission shown to a peer to assess (what lets them download its files)."""

    __tablename__ = "assessment_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("submission_id", "assessor_id"),)


class Assessment(db.Model):
    """One peer's assessment. Reported as abusive by the author, it stops counting until
    staff dismiss the report; removed by staff, it never counts again."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The exercise again, so that what an assessor gave is counted in one indexed read.
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_reason: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="assessments")
    scores: Mapped[list["AssessmentScore"]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("submission_id", "assessor_id"),)

    @property
    def counts(self) -> bool:
        return self.reported_at is None and self.removed_at is None


class AssessmentScore(db.Model):
    __tablename__ = "assessment_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"))
    level_id: Mapped[int] = mapped_column(ForeignKey("rubric_levels.id", ondelete="CASCADE"))
    points: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)
