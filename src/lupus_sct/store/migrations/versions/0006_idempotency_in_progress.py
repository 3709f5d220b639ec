"""idempotency keys claimed before the request runs: a state column (in progress, answered, released)

Revision ID: 0006_idempotency_in_progress
Revises: 0005_evidence
Create Date: 2026-12-07

Keys stored before this revision were all answered, so existing rows become "answered".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_idempotency_in_progress"
down_revision = "0005_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=40), nullable=False, server_default="answered")
        )
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_key", schema=None) as batch_op:
        batch_op.drop_column("state")
