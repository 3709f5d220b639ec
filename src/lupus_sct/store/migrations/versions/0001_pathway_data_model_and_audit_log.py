"""pathway data model and audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Tables derived from the domain dataclasses (store/schema.py) plus the append-only audit log,
which triggers protect against UPDATE and DELETE on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("centre_ids", sa.JSON(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "centre",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre")),
        sa.UniqueConstraint("code", name=op.f("uq_centre_code")),
    )
    op.create_table(
        "patient_identity",
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("given_name", sa.Text(), nullable=False),
        sa.Column("hospital_number", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_identity")),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("pseudonym", sa.Text(), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_patient_centre_id_centre")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_patient_pseudonym")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("sledai_window_days", sa.Integer(), nullable=False),
        sa.Column("sledai_descriptors", sa.JSON(), nullable=False),
        sa.Column("sledai_not_attributed", sa.JSON(), nullable=False),
        sa.Column("pga", sa.Float(), nullable=True),
        sa.Column("pga_missing", sa.String(length=20), nullable=True),
        sa.Column("bilag", sa.JSON(), nullable=False),
        sa.Column("damage_items", sa.JSON(), nullable=False),
        sa.Column("hemolytic_anemia", sa.Boolean(), nullable=True),
        sa.Column("hemolytic_anemia_missing", sa.String(length=20), nullable=True),
        sa.Column("gi_activity", sa.Boolean(), nullable=True),
        sa.Column("gi_activity_missing", sa.String(length=20), nullable=True),
        sa.Column("ra", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_assessment_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "course",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("protocol_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("day0", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_course_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_protocol_id"), ["protocol_id"], unique=False)

    op.create_table(
        "diagnosis",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("disease", sa.String(length=40), nullable=False),
        sa.Column("icd10_code", sa.Text(), nullable=False),
        sa.Column("snomed_code", sa.Text(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("criteria_met", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_diagnosis_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnosis")),
    )
    with op.batch_alter_table("diagnosis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_diagnosis_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "lab_result",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("loinc_code", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference_low", sa.Float(), nullable=True),
        sa.Column("reference_high", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_lab_result_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_result")),
    )
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_result_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "medication_exposure",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("drug_name", sa.Text(), nullable=False),
        sa.Column("rxnorm_code", sa.Text(), nullable=False),
        sa.Column("drug_class", sa.String(length=40), nullable=False),
        sa.Column("dose", sa.Float(), nullable=False),
        sa.Column("dose_unit", sa.Text(), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_medication_exposure_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_exposure")),
    )
    with op.batch_alter_table("medication_exposure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medication_exposure_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "adverse_event",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=True),
        sa.Column("ctcae_term", sa.Text(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("attribution", sa.String(length=40), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("ctcae_version", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_adverse_event_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_adverse_event_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adverse_event_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_adverse_event_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "course_event",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_event_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_event")),
    )
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_event_course_id"), ["course_id"], unique=False)

    op.create_table(
        "follow_up_timepoint",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("target_day", sa.Integer(), nullable=False),
        sa.Column("window_before_days", sa.Integer(), nullable=False),
        sa.Column("window_after_days", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_follow_up_timepoint_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_timepoint")),
    )
    with op.batch_alter_table("follow_up_timepoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_timepoint_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "gvhd_episode",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("max_grade", sa.Integer(), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_gvhd_episode_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_gvhd_episode_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gvhd_episode")),
    )
    with op.batch_alter_table("gvhd_episode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gvhd_episode_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_gvhd_episode_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "infection",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("organism", sa.Text(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_infection_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_infection_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infection")),
    )
    with op.batch_alter_table("infection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_infection_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_infection_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "outcome_event",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_outcome_event_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outcome_event_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_event")),
    )
    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_event_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outcome_event_patient_id"), ["patient_id"], unique=False
        )
    _protect_audit_log()


def downgrade() -> None:
    _unprotect_audit_log()
    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_event_patient_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_event_course_id"))

    op.drop_table("outcome_event")
    with op.batch_alter_table("infection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_infection_patient_id"))
        batch_op.drop_index(batch_op.f("ix_infection_course_id"))

    op.drop_table("infection")
    with op.batch_alter_table("gvhd_episode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gvhd_episode_patient_id"))
        batch_op.drop_index(batch_op.f("ix_gvhd_episode_course_id"))

    op.drop_table("gvhd_episode")
    with op.batch_alter_table("follow_up_timepoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_timepoint_course_id"))

    op.drop_table("follow_up_timepoint")
    with op.batch_alter_table("course_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_event_course_id"))

    op.drop_table("course_event")
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_event_patient_id"))
        batch_op.drop_index(batch_op.f("ix_adverse_event_course_id"))

    op.drop_table("adverse_event")
    with op.batch_alter_table("medication_exposure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_exposure_patient_id"))

    op.drop_table("medication_exposure")
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_result_patient_id"))

    op.drop_table("lab_result")
    with op.batch_alter_table("diagnosis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diagnosis_patient_id"))

    op.drop_table("diagnosis")
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_protocol_id"))
        batch_op.drop_index(batch_op.f("ix_course_patient_id"))

    op.drop_table("course")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_patient_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_centre_id"))

    op.drop_table("patient")
    op.drop_table("patient_identity")
    op.drop_table("centre")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_id"))

    op.drop_table("audit_log")
    op.drop_table("app_user")


_SQLITE_TRIGGERS = {
    "audit_log_no_update": "BEFORE UPDATE ON audit_log",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log",
}


def _protect_audit_log() -> None:
    """Make the audit log append-only in the database itself (defence in depth)."""
    if op.get_bind().dialect.name == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def _unprotect_audit_log() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
