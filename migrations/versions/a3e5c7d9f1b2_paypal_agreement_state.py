"""payment methods: the state last set at PayPal for a plan agreement

Revision ID: a3e5c7d9f1b2
Revises: 9d3b6e1f7a20
Create Date: 2026-12-01 17:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "a3e5c7d9f1b2"
down_revision = "9d3b6e1f7a20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paypal_state", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column(
                "paypal_claimed_at", app.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade():
    with op.batch_alter_table("payment_methods", schema=None) as batch_op:
        batch_op.drop_column("paypal_claimed_at")
        batch_op.drop_column("paypal_state")
