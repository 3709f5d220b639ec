"""Trials in the store (memory, SQLite, PostgreSQL): import round trip, audited rule attachment,
re-import keeping rules, matching and candidates through the services, procedure volume."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest

from lupus_sct.domain.pathway.course import CourseKind, EventKind, Infusion
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.trials.matching import ItemVerdict, TrialOverall
from lupus_sct.interop.clinical_trials_gov import shipped_fixtures
from lupus_sct.services.clinic import courses, patients
from lupus_sct.services.eligibility.protocol_parsing import ProtocolError
from lupus_sct.services.eligibility.trials import (
    TrialFile,
    attach_rule,
    get_trial,
    import_trial_files,
    import_trials,
    list_trials,
    match_patient,
    trial_candidates,
)
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.views.centre_directory import procedure_volume
from support import ACTOR, NOW, seed_centre, seed_course, seed_patient
from trial_builders import make_trial

UowFactory = Callable[[], UnitOfWork]
KYSA3 = "NCT06342960"


def _import_fixtures(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        import_trials(uow, shipped_fixtures(), by=ACTOR, now=NOW)
        uow.commit()


def test_imported_trials_read_back_equal_at_version_1(uow_factory: UowFactory) -> None:
    _import_fixtures(uow_factory)
    stored = {t.id: t for t in list_trials(uow_factory())}
    for trial in shipped_fixtures():
        assert stored[trial.id] == dataclasses.replace(trial, version=1)
    assert list_trials(uow_factory())[0].overall_status.value == "RECRUITING"
    recruiting = list_trials(uow_factory(), status=stored[KYSA3].overall_status)
    assert KYSA3 in {t.id for t in recruiting}


def test_importing_files_twice_reports_each_file_and_never_duplicates(
    uow_factory: UowFactory,
) -> None:
    fixtures = shipped_fixtures()
    files = [
        TrialFile("first.json", tuple(fixtures[:3])),
        TrialFile("refused.json", (), ("refused.json: top level: missing; expected a study",)),
        TrialFile("rest.json", tuple(fixtures[3:])),
        TrialFile("repeat.json", (fixtures[0],)),
    ]
    with uow_factory() as uow:
        first = import_trial_files(uow, files, by=ACTOR, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        again = import_trial_files(uow, files, by=ACTOR, now=NOW)
        uow.commit()
    assert len(first.summary.created) == len(fixtures) == first.trial_count - 1
    assert first.files[3][1].unchanged == (fixtures[0].id,)  # repeated in a later file
    assert first.refused == ("refused.json: top level: missing; expected a study",)
    assert (again.summary.created, again.summary.updated) == ((), ())
    assert len(again.summary.unchanged) == len(fixtures) + 1
    assert sorted(t.id for t in list_trials(uow_factory())) == sorted(t.id for t in fixtures)


def test_attaching_a_rule_is_audited_and_round_trips(uow_factory: UowFactory) -> None:
    _import_fixtures(uow_factory)
    rule = {"all": [{"sledai_2k": {"min": 8}}, {"bilag": {"min_a": 1}}]}
    with uow_factory() as uow:
        item = attach_rule(
            uow, nct_id=KYSA3, item="I2", rule=rule, max_age_days=30, by=ACTOR, now=NOW
        )
        uow.commit()
    assert item.text == "Active disease: SLEDAI-2K >= 8"
    stored = get_trial(uow_factory(), KYSA3)
    assert stored.item("I2").rule_source == rule
    assert stored.item("2").max_age_days == 30
    assert stored.version == 2
    with uow_factory() as uow:
        (entry,) = [e for e in uow.audit.entries() if e.action.value == "update"]
    assert entry.entity == "clinical_trial"
    assert entry.reason == "rule attached to I2"
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["items"][1]["rule_source"] is None
    assert entry.after["items"][1]["rule_source"] == rule


def test_an_invalid_rule_or_item_is_refused_and_nothing_is_written(uow_factory: UowFactory) -> None:
    _import_fixtures(uow_factory)
    with (
        uow_factory() as uow,
        pytest.raises(ProtocolError, match=r"NCT06342960 item I2: sledai_2k"),
    ):
        attach_rule(
            uow, nct_id=KYSA3, item="I2", rule={"sledai_2k": {"least": 8}}, by=ACTOR, now=NOW
        )
    with uow_factory() as uow, pytest.raises(Exception, match=r"item: 'E9' is not accepted"):
        attach_rule(uow, nct_id=KYSA3, item="E9", rule={"age": {"min": 18}}, by=ACTOR, now=NOW)
    with uow_factory() as uow, pytest.raises(NotFoundError):
        attach_rule(
            uow, nct_id="NCT00000000", item="I1", rule={"age": {"min": 1}}, by=ACTOR, now=NOW
        )
    assert get_trial(uow_factory(), KYSA3).version == 1


def test_reimport_keeps_rules_of_unchanged_criteria_and_reports_the_others(
    uow_factory: UowFactory,
) -> None:
    original = make_trial()
    with uow_factory() as uow:
        import_trials(uow, [original], by=ACTOR, now=NOW)
        attach_rule(
            uow, nct_id=original.id, item="I2", rule={"sledai_2k": {"min": 8}}, by=ACTOR, now=NOW
        )
        pregnant = {"workup": {"item": "pregnant", "equals": True}}
        attach_rule(uow, nct_id=original.id, item="E2", rule=pregnant, by=ACTOR, now=NOW)
        uow.commit()
    reworded = make_trial(
        criteria=original.eligibility_text.replace("Pregnancy", "Pregnancy or lactation")
    )
    with uow_factory() as uow:
        summary = import_trials(uow, [reworded], by=ACTOR, now=NOW)
        uow.commit()
    assert summary.updated == (original.id,)
    assert [(d.label, d.text) for d in summary.dropped_rules] == [("E2", "Pregnancy")]
    stored = get_trial(uow_factory(), original.id)
    assert stored.item("I2").rule_source == {"sledai_2k": {"min": 8}}
    assert stored.item("E2").rule_source is None


def _sle_patient(uow: UnitOfWork, centre_code: str = "NWU") -> str:
    centre = seed_centre(uow, centre_code)
    patient = seed_patient(uow, centre, birth_date=date(1985, 2, 1))
    patients.record_diagnosis(
        uow,
        patient_id=patient.id,
        disease=Disease.SLE,
        icd10_code="M32.14",
        snomed_code="55464009",
        onset_date=date(2015, 1, 1),
        criteria_met=(ClassificationCriteria.EULAR_ACR_2019,),
        by=ACTOR,
        now=NOW,
    )
    return patient.pseudonym


def test_matching_and_candidates_through_the_services(uow_factory: UowFactory) -> None:
    _import_fixtures(uow_factory)
    with uow_factory() as uow:
        pseudonym = _sle_patient(uow)
        attach_rule(
            uow, nct_id=KYSA3, item="I1", rule={"diagnosis": {"disease": "SLE"}}, by=ACTOR, now=NOW
        )
        uow.commit()
    matches = match_patient(uow_factory(), pseudonym, as_of=date(2026, 6, 1))
    assert matches[0].trial.overall_status.value == "RECRUITING"
    kysa3 = next(m for m in matches if m.trial.id == KYSA3)
    assert kysa3.items[0].verdict is ItemVerdict.MET
    assert kysa3.count(ItemVerdict.NEEDS_REVIEW) == len(kysa3.items) - 1
    assert kysa3.overall is TrialOverall.UNDETERMINED
    (row,) = trial_candidates(uow_factory(), KYSA3, centre_code="NWU", as_of=date(2026, 6, 1))
    assert row[0].pseudonym == pseudonym
    assert row[1].items[0].verdict is ItemVerdict.MET
    with pytest.raises(NotFoundError):
        trial_candidates(uow_factory(), KYSA3, centre_code="NOPE", as_of=date(2026, 6, 1))


def test_procedure_volume_counts_infused_courses_per_therapy_per_centre(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        centre = seed_centre(uow, "NWU")
        patient = seed_patient(uow, centre)
        infused = seed_course(uow, patient, CourseKind.AUTOLOGOUS_HSCT)
        courses.record_course_event(
            uow,
            course_id=infused.id,
            kind=EventKind.INFUSION,
            event_date=date(2026, 3, 2),
            details=Infusion(cd34_x10e6_per_kg=2.5),
            by=ACTOR,
            now=NOW,
        )
        seed_course(uow, patient, CourseKind.CAR_T)  # planned, not infused: not a procedure
        seed_centre(uow, "EMPTY")
        uow.commit()
    volumes = procedure_volume(uow_factory())
    assert volumes["NWU"][CourseKind.AUTOLOGOUS_HSCT] == 1
    assert volumes["NWU"][CourseKind.CAR_T] == 0
    assert set(volumes["EMPTY"].values()) == {0}
