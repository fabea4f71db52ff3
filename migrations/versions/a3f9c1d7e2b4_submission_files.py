"""submission files and assessment offers

Revision ID: a3f9c1d7e2b4
Revises: a3d5e7f9b2c1
Create Date: 2026-12-01 16:40:00

"""

from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = "a3f9c1d7e2b4"
down_revision = "a3d5e7f9b2c1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_submission_files_size_positive")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_submission_files_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_submission_files_stored_name")),
    )
    with op.batch_alter_table("submission_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_files_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "assessment_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("offered_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_assessment_offers_assessor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_assessment_offers_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_offers")),
        sa.UniqueConstraint(
            "submission_id", "assessor_id", name=op.f("uq_assessment_offers_submission_id")
        ),
    )


def downgrade():
    op.drop_table("assessment_offers")
    with op.batch_alter_table("submission_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_files_submission_id"))
    op.drop_table("submission_files")
