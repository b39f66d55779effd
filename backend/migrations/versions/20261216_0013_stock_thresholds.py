"""Low-stock thresholds per title and emails to the owners.

- book.low_stock_threshold: the owner's line (none by default); low_stock_reported and
  low_stock_alerts: whether the present fall to it was reported, and how many falls have been
  (bookstore.catalogue.low_stock).
- outbox_messages: an email may be about no order (order_id NULL); dedupe_key with the
  recipient is unique, so each fall emails each owner once.
- stock_changes: every new count of a shelf, with its reason and who made it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-16 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the stock history."""
    with op.batch_alter_table("book") as batch:
        batch.add_column(sa.Column("low_stock_threshold", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("low_stock_reported", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("low_stock_alerts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_check_constraint(
            op.f("ck_book_low_stock_threshold_not_negative"), "low_stock_threshold >= 0"
        )
    with op.batch_alter_table("book") as batch:
        batch.alter_column("low_stock_reported", existing_type=sa.Boolean(), server_default=None)
        batch.alter_column("low_stock_alerts", existing_type=sa.Integer(), server_default=None)

    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("order_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("dedupe_key", sa.String(length=150), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_outbox_messages_dedupe_key"), ["dedupe_key", "recipient"]
        )

    op.create_table(
        "stock_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_count", sa.Integer(), nullable=False),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["book.id"], name=op.f("fk_stock_changes_book_id_book"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_changes")),
    )
    op.create_index(op.f("ix_stock_changes_book_id"), "stock_changes", ["book_id"])


def downgrade() -> None:
    """Drop them again, with the owners' emails (they have no order to keep them by)."""
    op.drop_index(op.f("ix_stock_changes_book_id"), table_name="stock_changes")
    op.drop_table("stock_changes")

    outbox = sa.table("outbox_messages", sa.column("order_id", sa.Integer()))
    op.execute(outbox.delete().where(outbox.c.order_id.is_(None)))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f("uq_outbox_messages_dedupe_key"), type_="unique")
        batch.drop_column("dedupe_key")
        batch.alter_column("order_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("book") as batch:
        batch.drop_constraint(op.f("ck_book_low_stock_threshold_not_negative"), type_="check")
        batch.drop_column("low_stock_alerts")
        batch.drop_column("low_stock_reported")
        batch.drop_column("low_stock_threshold")
