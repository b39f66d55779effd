"""Partial refunds, each its own row, amount and idempotency key.

- order_refunds: one row per partial refund the owner asks for: its amount, the copies and
  shipping it covers, reason, restock and notify, its status (requested, sent, succeeded,
  failed), the gateway's refund id or the error, its own idempotency key and who asked.
- orders.gateway_refunded_amount: what the gateway's charge.refunded events say went back so
  far, which tells the partial refunds that have gone through.
- demo_payment_intents.amount_refunded: what the demo's refunds of a payment gave back, up to
  what it received; demo_refunds.open_payment_intent_id goes, since a payment may now have
  several refunds (in parts) that count against it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-16 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add order_refunds and the refunded amounts; the demo's refunds keep counting."""
    op.create_table(
        "order_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("shipping", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("restock", sa.Boolean(), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gateway_refund_id", sa.String(length=255), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("requested_by", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_refunds_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
        # Each refund goes under a key of its own, never reused.
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_order_refunds_idempotency_key")),
    )
    op.create_index(op.f("ix_order_refunds_order_id"), "order_refunds", ["order_id"])
    op.create_index(
        op.f("ix_order_refunds_gateway_refund_id"), "order_refunds", ["gateway_refund_id"]
    )
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("gateway_refunded_amount", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("demo_payment_intents") as batch:
        batch.add_column(
            sa.Column("amount_refunded", sa.Integer(), nullable=False, server_default="0")
        )
    # Until now a payment had at most one refund that counted: the one still open.
    op.execute(
        "UPDATE demo_payment_intents SET amount_refunded = COALESCE((SELECT SUM(amount) FROM "
        "demo_refunds WHERE demo_refunds.payment_intent_id = demo_payment_intents.id AND "
        "demo_refunds.open_payment_intent_id IS NOT NULL), 0)"
    )
    with op.batch_alter_table("demo_refunds") as batch:
        batch.drop_constraint("uq_demo_refunds_open_payment_intent_id", type_="unique")
        batch.drop_column("open_payment_intent_id")


def downgrade() -> None:
    """Drop them again (a demo payment refunded in parts keeps one of its refunds open)."""
    with op.batch_alter_table("demo_refunds") as batch:
        batch.add_column(sa.Column("open_payment_intent_id", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE demo_refunds SET open_payment_intent_id = payment_intent_id WHERE status = "
        "'succeeded' AND id = (SELECT MAX(other.id) FROM demo_refunds AS other WHERE "
        "other.payment_intent_id = demo_refunds.payment_intent_id AND other.status = "
        "'succeeded')"
    )
    with op.batch_alter_table("demo_refunds") as batch:
        batch.create_unique_constraint(
            "uq_demo_refunds_open_payment_intent_id", ["open_payment_intent_id"]
        )
    with op.batch_alter_table("demo_payment_intents") as batch:
        batch.drop_column("amount_refunded")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("gateway_refunded_amount")
    op.drop_index(op.f("ix_order_refunds_gateway_refund_id"), table_name="order_refunds")
    op.drop_index(op.f("ix_order_refunds_order_id"), table_name="order_refunds")
    op.drop_table("order_refunds")
