"""The owners' sign-in for the dashboard: accounts, sessions, recovery codes, sign-in
attempts and the activity log.

- owners: email, argon2id password hash, TOTP secret and the last time step accepted, when
  enrolment finished, and the one-time enrolment link's token (a digest) with its expiry.
- owner_sessions: one row per signed-in browser, keyed by the digest of the cookie's id, with
  its CSRF token, when it began and was last seen, and the client's address.
- owner_recovery_codes: the digests of ten single-use codes, and when each was used.
- owner_sign_in_attempts: each attempt's email, client and outcome, for the throttle.
- owner_activity: sign-ins, failures, sign-outs, enrolments, changes made from the command
  line and the dashboard's actions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-15 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the owners' tables."""
    op.create_table(
        "owners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrolment_token_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolment_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owners")),
        sa.UniqueConstraint("email", name=op.f("uq_owners_email")),
        sa.UniqueConstraint("enrolment_token_hash", name=op.f("uq_owners_enrolment_token_hash")),
    )
    op.create_table(
        "owner_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["owners.id"],
            name=op.f("fk_owner_sessions_owner_id_owners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_owner_sessions")),
    )
    op.create_index(op.f("ix_owner_sessions_owner_id"), "owner_sessions", ["owner_id"])
    op.create_table(
        "owner_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["owners.id"],
            name=op.f("fk_owner_recovery_codes_owner_id_owners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_owner_recovery_codes_code_hash")),
    )
    op.create_index(op.f("ix_owner_recovery_codes_owner_id"), "owner_recovery_codes", ["owner_id"])
    op.create_table(
        "owner_sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_sign_in_attempts")),
    )
    op.create_index(op.f("ix_owner_sign_in_attempts_at"), "owner_sign_in_attempts", ["at"])
    op.create_index(
        "ix_owner_sign_in_attempts_client",
        "owner_sign_in_attempts",
        ["client_key", "email", "at"],
    )
    op.create_table(
        "owner_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["owners.id"],
            name=op.f("fk_owner_activity_owner_id_owners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_activity")),
    )
    op.create_index(op.f("ix_owner_activity_owner_id"), "owner_activity", ["owner_id"])


def downgrade() -> None:
    """Drop them again (every owner, session and log entry with them)."""
    op.drop_index(op.f("ix_owner_activity_owner_id"), table_name="owner_activity")
    op.drop_table("owner_activity")
    op.drop_index("ix_owner_sign_in_attempts_client", table_name="owner_sign_in_attempts")
    op.drop_index(op.f("ix_owner_sign_in_attempts_at"), table_name="owner_sign_in_attempts")
    op.drop_table("owner_sign_in_attempts")
    op.drop_index(op.f("ix_owner_recovery_codes_owner_id"), table_name="owner_recovery_codes")
    op.drop_table("owner_recovery_codes")
    op.drop_index(op.f("ix_owner_sessions_owner_id"), table_name="owner_sessions")
    op.drop_table("owner_sessions")
    op.drop_table("owners")
