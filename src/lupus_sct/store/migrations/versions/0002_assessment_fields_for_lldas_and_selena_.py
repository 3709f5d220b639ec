"""assessment fields for LLDAS and SELENA flare

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Assessments recorded before this revision get "not evaluated" for the new tri-state fields.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maintenance_therapy_tolerated", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("maintenance_therapy_tolerated_missing", sa.String(length=20), nullable=True)
        )
        batch_op.add_column(sa.Column("investigational_drug", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("investigational_drug_missing", sa.String(length=20), nullable=True)
        )
        batch_op.add_column(sa.Column("hospitalised_for_sle", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("hospitalised_for_sle_missing", sa.String(length=20), nullable=True)
        )
    assessment = sa.table(
        "assessment",
        *(
            sa.column(f"{name}_missing", sa.String)
            for name in (
                "maintenance_therapy_tolerated",
                "investigational_drug",
                "hospitalised_for_sle",
            )
        ),
    )
    op.execute(
        assessment.update().values(
            {column: "not_evaluated" for column in assessment.c.keys()}  # noqa: SIM118
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("hospitalised_for_sle_missing")
        batch_op.drop_column("hospitalised_for_sle")
        batch_op.drop_column("investigational_drug_missing")
        batch_op.drop_column("investigational_drug")
        batch_op.drop_column("maintenance_therapy_tolerated_missing")
        batch_op.drop_column("maintenance_therapy_tolerated")
