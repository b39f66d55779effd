"""A bookshop's checkout: email, shipping address, delivery, subtotal, shipping and tax.

Orders keep what the shopper gave and what the server quoted. `intent_amount` becomes
`intent_fingerprint`, a digest of everything the PaymentIntent was told (amount, shipping,
receipt email, tax calculation); existing orders get NULL, which makes their next checkout
tell the PaymentIntent again. Demo PaymentIntents keep shipping and receipt email as Stripe's do.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the checkout's columns to orders and demo PaymentIntents."""
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("subtotal", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("shipping_amount", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("tax_amount", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("tax_calculation", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("shipping_address", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("delivery_method", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("delivery_min_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("delivery_max_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("quote_fingerprint", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("intent_fingerprint", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("payment_method", sa.String(length=100), nullable=True))
        batch.drop_column("intent_amount")
    # Orders made before: their total was their subtotal.
    op.execute("UPDATE orders SET subtotal = amount")
    with op.batch_alter_table("orders") as batch:
        for column in ("subtotal", "shipping_amount", "tax_amount"):
            batch.alter_column(column, existing_type=sa.Integer(), server_default=None)

    with op.batch_alter_table("demo_payment_intents") as batch:
        batch.add_column(sa.Column("shipping", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("receipt_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("payment_method", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("return_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    """Drop them again (intent_amount comes back empty)."""
    with op.batch_alter_table("demo_payment_intents") as batch:
        batch.drop_column("return_url")
        batch.drop_column("payment_method")
        batch.drop_column("receipt_email")
        batch.drop_column("shipping")
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("intent_amount", sa.Integer(), nullable=True))
        for column in (
            "payment_method",
            "intent_fingerprint",
            "quote_fingerprint",
            "delivery_max_days",
            "delivery_min_days",
            "delivery_method",
            "shipping_address",
            "email",
            "tax_calculation",
            "tax_amount",
            "shipping_amount",
            "subtotal",
        ):
            batch.drop_column(column)
