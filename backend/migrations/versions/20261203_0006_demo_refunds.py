"""Demo refunds: the offline demo gateway's record of the refunds it made, as Stripe keeps them.

One row per refund. A demo refund is always of the whole amount, so a PaymentIntent has at most
one (unique), and an idempotency key names at most one refund (unique), whichever server
process is asked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create demo_refunds."""
    op.create_table(
        "demo_refunds",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("payment_intent_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_intent_id"],
            ["demo_payment_intents.id"],
            name=op.f("fk_demo_refunds_payment_intent_id_demo_payment_intents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_refunds")),
        # A full refund is made once: a second one is Stripe's charge_already_refunded.
        sa.UniqueConstraint("payment_intent_id", name=op.f("uq_demo_refunds_payment_intent_id")),
        # One refund per idempotency key, whichever server process is asked.
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_demo_refunds_idempotency_key")),
    )


def downgrade() -> None:
    """Drop it, with the demo's refunds."""
    op.drop_table("demo_refunds")
