"""chapters.subtitles_url: a video's captions translated into the other language

Revision ID: 9d4e2f6a8b31
Revises: 8c3d1e5f7a20
Create Date: 2026-12-01 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9d4e2f6a8b31'
down_revision = '8c3d1e5f7a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subtitles_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('chapters', schema=None) as batch_op:
        batch_op.drop_column('subtitles_url')
