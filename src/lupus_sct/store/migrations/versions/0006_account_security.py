"""account security: login attempts by client address and stage, TOTP step replay, code limit

Revision ID: 0006_account_security
Revises: 0005_evidence
Create Date: 2026-12-07

login_attempt gains client_address and stage ("password" or "code"); user_session gains
failed_codes (wrong TOTP codes on a half-signed-in session); second_factor gains last_used_step
(RFC 6238 s5.2: a time step is accepted once). Existing rows get "" / "password" / 0 / NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_account_security"
down_revision = "0005_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("client_address", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("stage", sa.Text(), nullable=False, server_default="password")
        )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_codes", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.drop_column("last_used_step")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_column("failed_codes")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_column("stage")
        batch_op.drop_column("client_address")
