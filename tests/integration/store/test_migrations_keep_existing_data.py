"""Migration 0002 gives existing assessments "not evaluated" for the new LLDAS/SFI fields."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from lupus_sct.domain.missing import Missing
from lupus_sct.store import database
from lupus_sct.store.sql import SqlUnitOfWork


def test_assessments_recorded_before_0002_read_back_as_not_evaluated(tmp_path: Path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = database._alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO centre (id, code, name, country, version) "
            "VALUES ('c', 'NWU', 'N', 'GB', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO patient (id, pseudonym, sex, birth_date, centre_id, version) "
            "VALUES ('p', 'NWU-1', 'female', '1990-01-01', 'c', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO assessment (id, patient_id, visit_date, sledai_window_days, "
            "sledai_descriptors, sledai_not_attributed, pga, pga_missing, bilag, damage_items, "
            "hemolytic_anemia, hemolytic_anemia_missing, gi_activity, gi_activity_missing, ra, "
            "version) VALUES ('a', 'p', '2026-01-01', 30, '[]', '[]', 0.5, NULL, "
            "'{\"missing\": \"not_evaluated\"}', '[]', 0, NULL, NULL, 'unknown', '{}', 1)"
        )
    command.upgrade(config, "heads")
    with SqlUnitOfWork(engine) as uow:
        assessment = uow.assessments.get("a")
    assert assessment.investigational_drug is Missing.NOT_EVALUATED
    assert assessment.maintenance_therapy_tolerated is Missing.NOT_EVALUATED
    assert assessment.hospitalised_for_sle is Missing.NOT_EVALUATED
    assert assessment.gi_activity is Missing.UNKNOWN
    assert assessment.pga == 0.5
    engine.dispose()


def test_courses_recorded_before_0003_get_a_phase_from_their_status(tmp_path: Path) -> None:
    from lupus_sct.domain.pathway.phases import CoursePhase

    engine = database.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = database._alembic_config(engine)
    command.upgrade(config, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO centre (id, code, name, country, version) "
            "VALUES ('c', 'NWU', 'N', 'GB', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO patient (id, pseudonym, sex, birth_date, centre_id, version) "
            "VALUES ('p', 'NWU-1', 'female', '1990-01-01', 'c', 1)"
        )
        for course_id, status, day0 in [
            ("planned", "planned", None),
            ("working-up", "active", None),
            ("infused", "active", "2026-02-06"),
            ("stopped", "ended_early", None),
        ]:
            connection.exec_driver_sql(
                "INSERT INTO course (id, patient_id, kind, protocol_id, status, start_date, day0, "
                "end_reason, version) VALUES (?, 'p', 'autologous_hsct', 'x', ?, '2026-01-01', ?, "
                "'', 1)",
                (course_id, status, day0),
            )
    command.upgrade(config, "heads")
    with SqlUnitOfWork(engine) as uow:
        phases = {c.id: c.phase for c in uow.courses.find()}
    assert phases == {
        "planned": CoursePhase.REFERRAL,
        "working-up": CoursePhase.EVALUATION,
        "infused": CoursePhase.FOLLOW_UP,
        "stopped": CoursePhase.WITHDRAWN,
    }
    engine.dispose()
