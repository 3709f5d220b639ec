"""merges the two 0006 heads (account security; idempotency claims); changes nothing

Revision ID: 0007_security_heads_merged
Revises: 0006_account_security, 0006_idempotency_in_progress
Create Date: 2026-12-07

Both were written in the same session for issue #15 and touch different tables, so they apply
in either order; this revision gives the schema one head again.
"""

from __future__ import annotations

revision = "0007_security_heads_merged"
down_revision = ("0006_account_security", "0006_idempotency_in_progress")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the two branches."""


def downgrade() -> None:
    """Nothing to change: downgrading splits the branches again."""
