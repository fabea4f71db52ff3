"""document_pdfs.render_key: a PDF is rendered again when its template or translations change

Revision ID: 8c3d1e5f7a20
Revises: 5b1f0c2a7e41
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '8c3d1e5f7a20'
down_revision = '5b1f0c2a7e41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_pdfs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('render_key', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('document_pdfs', schema=None) as batch_op:
        batch_op.drop_column('render_key')
