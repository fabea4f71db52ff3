"""method changes: a subscription moved to a PayPal agreement from Settings → Payment

Revision ID: b4d2f6a8c0e1
Revises: a3e5c7d9f1b2
Create Date: 2026-12-01 17:40:00

"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "b4d2f6a8c0e1"
down_revision = "a3e5c7d9f1b2"
branch_labels = None
depends_on = None

STATUSES = ("pending", "action_required", "completing", "done", "cancelled", "failed")


def upgrade():
    op.create_table(
        "method_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="changestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("monthly_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("first_charge_on", sa.Date(), nullable=False),
        sa.Column("gateway_reference", sa.String(length=100), nullable=True),
        sa.Column("action_url", sa.Text(), nullable=True),
        sa.Column("payment_method_id", sa.Integer(), nullable=True),
        sa.Column("decline_code", sa.String(length=40), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_method_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_method_changes_subscription_id_subscriptions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_method_id"],
            ["payment_methods.id"],
            name=op.f("fk_method_changes_payment_method_id_payment_methods"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_method_changes")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_method_changes_idempotency_key")),
        sa.UniqueConstraint(
            "subscription_id", "attempt", name=op.f("uq_method_changes_subscription_id")
        ),
    )
    with op.batch_alter_table("method_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_method_changes_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_method_changes_gateway_reference"), ["gateway_reference"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_method_changes_payment_method_id"), ["payment_method_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("method_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_method_changes_payment_method_id"))
        batch_op.drop_index(batch_op.f("ix_method_changes_gateway_reference"))
        batch_op.drop_index(batch_op.f("ix_method_changes_user_id"))
    op.drop_table("method_changes")
