"""outbox delivery: status, attempts, retries and the deliverer's lease

Revision ID: 5b0e2c7d9a41
Revises: 237d781531c4
Create Date: 2026-12-01 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '5b0e2c7d9a41'
down_revision = '237d781531c4'
branch_labels = None
depends_on = None


def upgrade():
    # The rows already there were kept by the development backend, which counted them as
    # delivered: they become sent, and nothing delivers them again.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='mailstatus', native_enum=False, length=20), nullable=False, server_default='sent'))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('last_error', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox_messages SET sent_at = created_at")
    # The application always gives both; the defaults were only for the rows above.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('attempts', server_default=None)
        batch_op.create_index('ix_outbox_messages_due', ['next_attempt_at'], unique=False, sqlite_where=sa.text("status = 'queued'"), postgresql_where=sa.text("status = 'queued'"))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due', sqlite_where=sa.text("status = 'queued'"), postgresql_where=sa.text("status = 'queued'"))
        batch_op.drop_column('sent_at')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')
