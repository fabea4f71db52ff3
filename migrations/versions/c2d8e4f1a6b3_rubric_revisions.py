"""rubric revisions: rubric_criteria.revision, submissions.rubric_revision

Revision ID: c2d8e4f1a6b3
Revises: a3f9c1d7e2b4
Create Date: 2026-12-01 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2d8e4f1a6b3'
down_revision = 'a3f9c1d7e2b4'
branch_labels = None
depends_on = None


def upgrade():
    # Every rubric so far is its exercise's first revision, and all work was submitted
    # under it.
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_rubric_criteria_exercise_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_rubric_criteria_exercise_id'), ['exercise_id', 'revision', 'position']
        )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('rubric_revision', sa.Integer(), server_default='1', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('rubric_revision')
    op.execute('DELETE FROM rubric_criteria WHERE revision <> 1')
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.drop_constraint('uq_rubric_criteria_exercise_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_rubric_criteria_exercise_id'), ['exercise_id', 'position']
        )
        batch_op.drop_column('revision')
