"""forum follows, notifications and the email choice

Revision ID: a3d5e7f9b2c1
Revises: 9a2c5e7f1b34
Create Date: 2026-12-01 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'a3d5e7f9b2c1'
down_revision = '9a2c5e7f1b34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forum_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_choice', sa.Enum('immediate', 'daily', 'none', name='emailchoice', native_enum=False, length=10), server_default='daily', nullable=False))

    op.create_table('forum_follows',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'], name=op.f('fk_forum_follows_thread_id_forum_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_forum_follows'))
    )
    with op.batch_alter_table('forum_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_follows_thread_id'), ['thread_id'], unique=False)

    op.create_table('forum_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reply', 'mention', name='noticekind', native_enum=False, length=10), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_notifications_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['forum_threads.id'], name=op.f('fk_forum_notifications_thread_id_forum_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_notifications')),
    sa.UniqueConstraint('user_id', 'post_id', name=op.f('uq_forum_notifications_user_id'))
    )
    with op.batch_alter_table('forum_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_forum_notifications_user_id_created_at', ['user_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_forum_notifications_thread_id'), ['thread_id'], unique=False)


def downgrade():
    with op.batch_alter_table('forum_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_notifications_thread_id'))
        batch_op.drop_index('ix_forum_notifications_user_id_created_at')

    op.drop_table('forum_notifications')
    with op.batch_alter_table('forum_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_follows_thread_id'))

    op.drop_table('forum_follows')
    with op.batch_alter_table('forum_profiles', schema=None) as batch_op:
        batch_op.drop_column('email_choice')
