"""contract requests (a subscriber's path change or force majeure request and the written decision), terms answers; payment_methods.expiry_notice_sent_at

Revision ID: b7c41e9d2f55
Revises: c6834c4f049a
Create Date: 2026-12-01 13:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = 'b7c41e9d2f55'
down_revision = 'c6834c4f049a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('path_change', 'force_majeure', name='requestkind', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'approved', 'refused', name='requeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('new_path_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('document_name', sa.String(length=200), nullable=True),
    sa.Column('document_type', sa.String(length=40), nullable=True),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('document', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contract_requests_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_contract_requests_subscription_id_subscriptions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['new_path_id'], ['learning_paths.id'], name=op.f('fk_contract_requests_new_path_id_learning_paths'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_contract_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_requests'))
    )
    with op.batch_alter_table('contract_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_requests_subscription_id'), ['subscription_id'], unique=False)
    op.create_table('terms_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.Enum('accepted', 'cancelled', 'continued_use', name='termsresponse', native_enum=False, length=20), nullable=False),
    sa.Column('answered_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_terms_answers_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_terms_answers_version_id_document_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_answers')),
    sa.UniqueConstraint('user_id', 'version_id', name=op.f('uq_terms_answers_user_id'))
    )
    with op.batch_alter_table('terms_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_answers_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiry_notice_sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('terms_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_answers_user_id'))
    op.drop_table('terms_answers')
    with op.batch_alter_table('payment_methods', schema=None) as batch_op:
        batch_op.drop_column('expiry_notice_sent_at')
    with op.batch_alter_table('contract_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_requests_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_contract_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_contract_requests_status'))
    op.drop_table('contract_requests')
