"""Stock and holds, refunds on orders, and each order's history.

- book.stock: copies on the shelf (never below 0). Titles of the first catalogue get the
  counts a fresh database is seeded with; any other title starts at 0 until the owner sets it
  (`flask --app bookstore stock set ID COUNT`).
- stock_holds, orders.held_until, stock_taken: the copies a checkout holds, until when, and
  whether a paid order took them off the shelf (bookstore.stock).
- orders.refund_*: a full refund, why, and the gateway's refund id.
- order_events: what happened to each order, for `flask --app bookstore orders show`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The seeded counts as they were when stock was introduced (frozen here, as migrations are).
FIRST_STOCK = {
    "the-dream-machine": 250,
    "stubborn-attachments": 120,
    "high-growth-handbook": 40,
    "an-elegant-puzzle": 35,
    "working-in-public": 30,
    "the-revolt-of-the-public": 25,
    "where-is-my-flying-car": 30,
    "scientific-freedom": 20,
    "the-art-of-doing-science-and-engineering": 45,
    "the-big-score": 0,
    "the-making-of-prince-of-persia": 15,
    "poor-charlies-almanack": 3,
    "boom": 120,
    "pieces-of-the-action": 12,
    "the-origins-of-efficiency": 18,
}


def upgrade() -> None:
    """Add the columns and the history table; give existing titles their first counts."""
    with op.batch_alter_table("book") as batch:
        batch.add_column(sa.Column("stock", sa.Integer(), nullable=False, server_default="0"))
        batch.create_check_constraint(op.f("ck_book_stock_not_negative"), "stock >= 0")
    book = sa.table("book", sa.column("id", sa.String()), sa.column("stock", sa.Integer()))
    for book_id, count in FIRST_STOCK.items():
        op.execute(book.update().where(book.c.id == book_id).values(stock=count))
    with op.batch_alter_table("book") as batch:
        batch.alter_column("stock", existing_type=sa.Integer(), server_default=None)

    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("held_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("stock_taken", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("refund_cause", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("refund_note", sa.String(length=500), nullable=True))
        batch.add_column(
            sa.Column("refund_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("refund_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("refund_error", sa.String(length=500), nullable=True))
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("stock_taken", existing_type=sa.Boolean(), server_default=None)

    op.create_table(
        "stock_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name="fk_stock_holds_order_id_orders",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stock_holds"),
    )
    op.create_index("ix_stock_holds_order_id", "stock_holds", ["order_id"])
    op.create_index("ix_stock_holds_book_id_held_until", "stock_holds", ["book_id", "held_until"])

    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name="fk_order_events_order_id_orders",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_order_events"),
    )
    op.create_index("ix_order_events_order_id", "order_events", ["order_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_order_events_order_id", table_name="order_events")
    op.drop_table("order_events")
    op.drop_index("ix_stock_holds_book_id_held_until", table_name="stock_holds")
    op.drop_index("ix_stock_holds_order_id", table_name="stock_holds")
    op.drop_table("stock_holds")
    with op.batch_alter_table("orders") as batch:
        for column in (
            "refund_error",
            "refund_id",
            "refund_requested_at",
            "refund_note",
            "refund_cause",
            "stock_taken",
            "held_until",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("book") as batch:
        batch.drop_constraint(op.f("ck_book_stock_not_negative"), type_="check")
        batch.drop_column("stock")
