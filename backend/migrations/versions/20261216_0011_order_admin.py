"""Shipments, owners' notes and review outcomes for the owner's dashboard.

- shipments: a paid order's carrier, tracking number and when it left; one per order.
- order_events.detail: 1000 characters, room for an owner's note (up to 500) after who wrote
  it. Review outcomes and notes are entries of the order's history, as before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-16 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the shipments table and widen the history's detail."""
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=False),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_shipments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_shipments_order_id")),
    )
    with op.batch_alter_table("order_events") as batch:
        batch.alter_column(
            "detail",
            existing_type=sa.String(length=500),
            type_=sa.String(length=1000),
            existing_nullable=False,
        )


def downgrade() -> None:
    """Drop the shipments; details longer than 500 characters are cut to fit again."""
    op.execute("UPDATE order_events SET detail = substr(detail, 1, 500)")
    with op.batch_alter_table("order_events") as batch:
        batch.alter_column(
            "detail",
            existing_type=sa.String(length=1000),
            type_=sa.String(length=500),
            existing_nullable=False,
        )
    op.drop_table("shipments")
