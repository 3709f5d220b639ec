"""sign-in: sessions, API tokens, login attempts, second factors, idempotency keys

Revision ID: 0004_auth
Revises: 0003
Create Date: 2026-11-23

New tables only; existing data is untouched. Sessions and tokens are keyed by the SHA-256 of the
secret the client holds, never by the secret itself.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_auth"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = ("user_session", "api_token", "second_factor", "idempotency_key")


def _key_and_user(table: str) -> list[sa.Column[str]]:
    return [
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
    ]


def _close(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "user_session",
        *_key_and_user("user_session"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("second_factor_passed", sa.Boolean(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        *_close("user_session"),
    )
    op.create_table(
        "api_token",
        *_key_and_user("api_token"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        *_close("api_token"),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        *_close("login_attempt"),
    )
    op.create_table(
        "second_factor",
        *_key_and_user("second_factor"),
        sa.Column("secret_base32", sa.Text(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_close("second_factor"),
    )
    op.create_table(
        "idempotency_key",
        *_key_and_user("idempotency_key"),
        sa.Column("method_and_path", sa.Text(), nullable=False),
        sa.Column("request_sha256", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_close("idempotency_key"),
    )
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_user_id"))
    for table in (*_TABLES, "login_attempt"):
        op.drop_table(table)
