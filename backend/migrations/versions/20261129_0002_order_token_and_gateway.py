"""Orders get a random token (what they go by at Stripe) and the gateway of their PaymentIntent.

Existing orders get a token each. Their gateway is left unknown (NULL): checkout treats an
unknown gateway's PaymentIntent as absent and makes a new one, which is safe for unpaid orders
and never reached for paid ones.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 13:20:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add orders.token (unique, filled in for existing rows) and orders.gateway."""
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("gateway", sa.String(length=20), nullable=True))

    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("token", sa.String))
    connection = op.get_bind()
    for (order_id,) in connection.execute(sa.select(orders.c.id)).all():
        connection.execute(
            orders.update().where(orders.c.id == order_id).values(token=secrets.token_urlsafe(16))
        )

    with op.batch_alter_table("orders") as batch:
        batch.alter_column("token", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(batch.f("uq_orders_token"), ["token"])


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint(batch.f("uq_orders_token"), type_="unique")
        batch.drop_column("gateway")
        batch.drop_column("token")
