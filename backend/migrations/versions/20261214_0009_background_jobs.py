"""Background work in a worker of its own: the jobs table, alerts, refunds that can be retried.

- jobs: work the worker process does after a commit (a refund to send, a demo event to
  deliver, the cleanup of expired holds), written in the transaction that makes it due and
  claimed by one worker at a time (bookstore.jobs). Emails stay in outbox_messages.
- alerts: problems the owner must fix at once (a Stripe key refused), raised by whichever
  process met them and shown by /readyz and the owner's commands.
- orders.refund_attempt: which idempotency key the order's refund goes under; a new one after
  the gateway refused the last request (Stripe keeps a refusal under its key).
- orders.refund_failed_reason: why a refund the gateway accepted failed later (refund.failed).
- demo_refunds.open_payment_intent_id: the PaymentIntent a refund still counts against; None
  once it failed, so the payment can be refunded again, as on Stripe.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the tables and columns; the demo's refunds keep counting against their payments."""
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_jobs_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_jobs_dedupe_key")),
    )
    op.create_index("ix_jobs_due", "jobs", ["kind", "status", "next_attempt_at"])
    op.create_index(op.f("ix_jobs_order_id"), "jobs", ["order_id"])
    op.create_table(
        "alerts",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("orders") as batch:
        batch.add_column(
            sa.Column("refund_attempt", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("refund_failed_reason", sa.String(length=500), nullable=True))
    # Refunds still to be sent when this runs were sent by the web servers' threads; now the
    # worker sends them, as jobs.
    op.execute(
        "INSERT INTO jobs (kind, order_id, payload, status, attempts, next_attempt_at, "
        "created_at) SELECT 'refund', id, '{}', 'pending', 0, CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP FROM orders WHERE status = 'refunding' AND refund_id IS NULL "
        "AND refund_error IS NULL"
    )
    with op.batch_alter_table("demo_refunds") as batch:
        batch.add_column(sa.Column("open_payment_intent_id", sa.String(length=64), nullable=True))
    op.execute("UPDATE demo_refunds SET open_payment_intent_id = payment_intent_id")
    with op.batch_alter_table("demo_refunds") as batch:
        batch.drop_constraint("uq_demo_refunds_payment_intent_id", type_="unique")
        batch.create_unique_constraint(
            "uq_demo_refunds_open_payment_intent_id", ["open_payment_intent_id"]
        )


def downgrade() -> None:
    """Drop them again (a payment refunded twice in the demo keeps only its open refund)."""
    op.execute("DELETE FROM demo_refunds WHERE open_payment_intent_id IS NULL")
    with op.batch_alter_table("demo_refunds") as batch:
        batch.drop_constraint("uq_demo_refunds_open_payment_intent_id", type_="unique")
        batch.create_unique_constraint("uq_demo_refunds_payment_intent_id", ["payment_intent_id"])
        batch.drop_column("open_payment_intent_id")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("refund_failed_reason")
        batch.drop_column("refund_attempt")
    op.drop_table("alerts")
    op.drop_index(op.f("ix_jobs_order_id"), table_name="jobs")
    op.drop_index("ix_jobs_due", table_name="jobs")
    op.drop_table("jobs")
