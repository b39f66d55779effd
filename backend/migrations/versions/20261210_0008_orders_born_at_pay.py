"""The order is born at Pay: its paying lease, who holds its copies, and demo ConfirmationTokens.

- orders.paying_until: while in the future, a Pay for the order is under way and another Pay
  for its cart is refused (bookstore.checkout).
- orders.client_key: the client (an IPv4 address or an IPv6 /64) whose holds the order's are,
  indexed to count the copies one client holds across its unpaid orders.
- demo_confirmation_tokens: the offline demo's ConfirmationTokens: each one's outcome and
  payment method preview, never a card number; used once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns, their index and the demo's table."""
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("paying_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch.create_index("ix_orders_client_key", ["client_key"])

    op.create_table(
        "demo_confirmation_tokens",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("decline_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.String(length=255), nullable=True),
        sa.Column("payment_method", sa.JSON(), nullable=False),
        sa.Column("return_url", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payment_intent_id", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_confirmation_tokens")),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("demo_confirmation_tokens")
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_client_key")
        batch.drop_column("client_key")
        batch.drop_column("paying_until")
