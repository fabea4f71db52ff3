"""terms prices: a material Terms version's new monthly price per plan and path

Revision ID: 9d3b6e1f7a20
Revises: c2d8e4f1a6b3
Create Date: 2026-12-01 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3b6e1f7a20'
down_revision = 'c2d8e4f1a6b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('terms_prices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('plan', sa.Enum('solo', 'plus', name='plan', native_enum=False, length=20), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=True),
    sa.Column('monthly_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['path_id'], ['learning_paths.id'], name=op.f('fk_terms_prices_path_id_learning_paths'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_terms_prices_version_id_document_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_prices')),
    sa.UniqueConstraint('version_id', 'plan', 'path_id', name=op.f('uq_terms_prices_version_id'))
    )
    with op.batch_alter_table('terms_prices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_prices_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('terms_prices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_prices_version_id'))

    op.drop_table('terms_prices')
