"""work-up findings, transfusions and course phases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Courses that exist before this revision get a phase from their status: planned -> referral,
active without day 0 -> evaluation, active with day 0 -> follow_up, completed -> follow_up,
ended early -> withdrawn. Each change of phase from now on is recorded in phase_change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workup_finding",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_workup_finding_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workup_finding")),
    )
    with op.batch_alter_table("workup_finding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workup_finding_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "phase_change",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_phase_change_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phase_change")),
    )
    with op.batch_alter_table("phase_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phase_change_course_id"), ["course_id"], unique=False)

    op.create_table(
        "transfusion",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=True),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_transfusion_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_transfusion_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfusion")),
    )
    with op.batch_alter_table("transfusion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfusion_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfusion_patient_id"), ["patient_id"], unique=False)

    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.String(length=40), nullable=True))
    course = sa.table(
        "course",
        sa.column("phase", sa.String),
        sa.column("status", sa.String),
        sa.column("day0", sa.Date),
    )
    phase = sa.case(
        (course.c.status == "planned", "referral"),
        (sa.and_(course.c.status == "active", course.c.day0.is_(None)), "evaluation"),
        (course.c.status == "ended_early", "withdrawn"),
        else_="follow_up",
    )
    op.execute(course.update().values(phase=phase))
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.alter_column("phase", existing_type=sa.String(length=40), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_column("phase")

    with op.batch_alter_table("transfusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfusion_patient_id"))
        batch_op.drop_index(batch_op.f("ix_transfusion_course_id"))

    op.drop_table("transfusion")
    with op.batch_alter_table("phase_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phase_change_course_id"))

    op.drop_table("phase_change")
    with op.batch_alter_table("workup_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workup_finding_patient_id"))

    op.drop_table("workup_finding")
