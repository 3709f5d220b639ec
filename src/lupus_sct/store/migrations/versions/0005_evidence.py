"""evidence rows stored as records (added and edited with the audit trail); merges the 0004 heads

Revision ID: 0005_evidence
Revises: 0004_auth, 0004_trials
Create Date: 2026-11-24

One table, evidence_row: the studies.csv columns, a row number for ordering, id and version. It
starts empty; ``lupus-sct evidence seed`` (or the first add or edit) fills it from the shipped
table, audited. Existing data is untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_evidence"
down_revision = ("0004_auth", "0004_trials")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_row",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.String(length=64), nullable=False),
        sa.Column("first_author", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("journal", sa.Text(), nullable=False),
        sa.Column("pmid_or_doi", sa.Text(), nullable=False),
        sa.Column("therapy", sa.Text(), nullable=False),
        sa.Column("cell_source", sa.Text(), nullable=False),
        sa.Column("design", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("median_followup_months", sa.Float(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("timepoint_months", sa.Float(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("estimate", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_row")),
    )
    with op.batch_alter_table("evidence_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_row_study_id"), ["study_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_row_study_id"))
    op.drop_table("evidence_row")
