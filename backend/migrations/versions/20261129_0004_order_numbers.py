"""Orders get a number for people: SP- and six random letters and digits, unique.

Existing orders get one each, drawn the same way.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 13:55:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# As bookstore.orders draws them (copied: a migration never depends on the app's code).
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def upgrade() -> None:
    """Add orders.number (unique), filled in for existing rows."""
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("number", sa.String(length=16), nullable=True))

    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("number", sa.String))
    connection = op.get_bind()
    taken: set[str] = set()
    for (order_id,) in connection.execute(sa.select(orders.c.id)).all():
        number = _draw(taken)
        taken.add(number)
        connection.execute(orders.update().where(orders.c.id == order_id).values(number=number))

    with op.batch_alter_table("orders") as batch:
        batch.alter_column("number", existing_type=sa.String(length=16), nullable=False)
        batch.create_unique_constraint(batch.f("uq_orders_number"), ["number"])


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint(batch.f("uq_orders_number"), type_="unique")
        batch.drop_column("number")


def _draw(taken: set[str]) -> str:
    """A number no other order of this database has."""
    while True:
        number = "SP-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if number not in taken:
            return number
