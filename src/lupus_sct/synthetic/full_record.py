"""A synthetic patient with every kind of record the FHIR export carries (no real data).

Values are invented for tests and benchmarks: plausible ranges only, no expected clinical result.
Everything is written through the use cases, so validation and the audit trail run as for any
entered record. A patient gives 26 FHIR resources: Patient, Condition, EpisodeOfCare,
6 Procedures, 10 Observations, 5 MedicationStatements and 2 AdverseEvents.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import (
    AgentDose,
    Apheresis,
    Conditioning,
    Consent,
    CourseKind,
    Engraftment,
    EngraftmentLineage,
    EventDetails,
    EventKind,
    GraftProcessing,
    Infusion,
    Mobilisation,
    TherapyCourse,
)
from lupus_sct.domain.records.adverse_events import AdverseEvent, Attribution
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.people import Centre, Patient, Sex
from lupus_sct.services.clinic import clinical_records, courses, patients
from lupus_sct.services.clinic.patients import new_id
from lupus_sct.services.ports import UnitOfWork

_EVENTS: tuple[tuple[EventKind, date, EventDetails], ...] = (
    (EventKind.CONSENT, date(2026, 1, 6), Consent(registry_data_transfer=True)),
    (
        EventKind.MOBILISATION,
        date(2026, 1, 10),
        Mobilisation(
            agents=(
                AgentDose("cyclophosphamide", 2.0, "g/m2", (0,), "3002"),
                AgentDose("filgrastim", 10.0, "ug/kg", (1, 2, 3, 4, 5), "68442"),
            ),
            peak_cd34_per_ul=45.5,
        ),
    ),
    (
        EventKind.APHERESIS,
        date(2026, 1, 20),
        Apheresis(cd34_x10e6_per_kg=4.2, volume_processed_l=Missing.UNKNOWN),
    ),
    (EventKind.APHERESIS, date(2026, 1, 21), Apheresis(cd34_x10e6_per_kg=3.0)),
    (
        EventKind.GRAFT_PROCESSING,
        date(2026, 1, 22),
        GraftProcessing(cd34_selected=True, cryopreserved=True, product="CD34-selected PBSC"),
    ),
    (
        EventKind.CONDITIONING,
        date(2026, 2, 10),
        Conditioning(
            agents=(
                AgentDose("cyclophosphamide", 50.0, "mg/kg", (-5, -4, -3, -2), "3002"),
                AgentDose("rabbit ATG", 2.5, "mg/kg", (-4, -3, -2)),
            )
        ),
    ),
    (
        EventKind.INFUSION,
        date(2026, 2, 15),
        Infusion(cd34_x10e6_per_kg=5.1, tnc_x10e8_per_kg=Missing.UNKNOWN, viability_pct=98.5),
    ),
    (
        EventKind.ENGRAFTMENT,
        date(2026, 2, 26),
        Engraftment(lineage=EngraftmentLineage.NEUTROPHIL_0_5),
    ),
)


def seed_full_record(uow: UnitOfWork, centre: Centre, *, by: str, now: datetime) -> Patient:
    """Enrol a synthetic SLE patient with a course, labs, assessments, drugs and adverse events."""
    patient = _enrol(uow, centre, by=by, now=now)
    patients.record_diagnosis(
        uow,
        patient_id=patient.id,
        disease=Disease.SLE,
        icd10_code="M32.14",
        snomed_code="55464009",
        onset_date=date(2015, 3, 1),
        criteria_met=(ClassificationCriteria.SLICC_2012, ClassificationCriteria.EULAR_ACR_2019),
        by=by,
        now=now,
    )
    course = courses.start_course(
        uow,
        patient_id=patient.id,
        kind=CourseKind.AUTOLOGOUS_HSCT,
        protocol_id="auto-hsct-sle",
        start_date=date(2026, 1, 5),
        by=by,
        now=now,
    )
    for kind, day, details in _EVENTS:
        courses.record_course_event(
            uow, course_id=course.id, kind=kind, event_date=day, details=details, by=by, now=now
        )
    _seed_labs(uow, patient, by=by, now=now)
    _seed_assessments(uow, patient, by=by, now=now)
    _seed_medications(uow, patient, by=by, now=now)
    _seed_adverse_events(uow, patient, uow.courses.get(course.id), by=by, now=now)
    return patient


def _enrol(uow: UnitOfWork, centre: Centre, *, by: str, now: datetime) -> Patient:
    # A hospital number names one patient per centre: H0000001, H0000002... within each centre.
    number = f"H{len(uow.patients.find(centre_id=centre.id)) + 1:07d}"
    return patients.enrol_patient(
        uow,
        centre_id=centre.id,
        sex=Sex.FEMALE,
        birth_date=date(1990, 4, 12),
        identity=patients.IdentityDetails("Synthetic", "Alice", number),
        by=by,
        now=now,
    )


def _seed_labs(uow: UnitOfWork, patient: Patient, *, by: str, now: datetime) -> None:
    at = datetime(2026, 1, 3, 8, 15, tzinfo=UTC)
    for loinc, value, unit, low, high in (
        ("2160-0", 1.1, "mg/dL", 0.5, 1.1),
        ("2160-0", 97.0, "umol/L", 45.0, 90.0),
        ("777-3", 150.0, "10*9/L", 150.0, 400.0),
        ("4485-9", 0.62, "g/L", 0.9, None),
        ("8310-5", 37.2, "Cel", None, None),
        ("2890-2", 0.8, "g/g", None, None),
    ):
        lab = LabResult(new_id(), patient.id, loinc, value, unit, at, low, high)
        clinical_records.record_lab(uow, lab, by=by, now=now)


def _seed_assessments(uow: UnitOfWork, patient: Patient, *, by: str, now: datetime) -> None:
    for assessment in (
        Assessment(
            id=new_id(),
            patient_id=patient.id,
            visit_date=date(2026, 1, 3),
            sledai_descriptors=(D.RASH, D.ARTHRITIS, D.LOW_COMPLEMENT, D.PROTEINURIA),
            sledai_not_attributed=(D.FEVER,),
            pga=1.5,
        ),
        Assessment(
            id=new_id(),
            patient_id=patient.id,
            visit_date=date(2026, 5, 20),
            sledai_window_days=10,
            sledai_descriptors=(),
        ),
        Assessment(id=new_id(), patient_id=patient.id, visit_date=date(2026, 3, 1), pga=0.5),
        Assessment(
            id=new_id(),
            patient_id=patient.id,
            visit_date=date(2026, 4, 1),
            sledai_descriptors=Missing.UNKNOWN,
        ),
    ):
        clinical_records.record_assessment(uow, assessment, by=by, now=now)


def _seed_medications(uow: UnitOfWork, patient: Patient, *, by: str, now: datetime) -> None:
    for name, rxcui, drug_class, dose, unit, route, frequency, start, stop in (
        ("prednisone", "8640", DrugClass.GLUCOCORTICOID, 10.0, "mg", Route.ORAL,
         Frequency.DAILY, date(2025, 6, 1), date(2026, 1, 31)),
        ("hydroxychloroquine", "5521", DrugClass.ANTIMALARIAL, 200.0, "mg", Route.ORAL,
         Frequency.TWICE_DAILY, date(2020, 1, 1), None),
        ("rituximab", "121191", DrugClass.BIOLOGIC, 1.0, "g", Route.INTRAVENOUS,
         Frequency.SINGLE_DOSE, date(2024, 9, 1), date(2024, 9, 1)),
        ("methotrexate", "6851", DrugClass.IMMUNOSUPPRESSANT, 15.0, "mg", Route.SUBCUTANEOUS,
         Frequency.WEEKLY, date(2023, 2, 1), date(2024, 8, 1)),
        ("study supplement", "1000001", DrugClass.OTHER, 1.0, "g", Route.OTHER,
         Frequency.EVERY_SIX_MONTHS, date(2025, 1, 1), None),
    ):  # fmt: skip
        exposure = MedicationExposure(
            new_id(), patient.id, name, rxcui, drug_class, dose, unit, route, frequency, start, stop
        )
        clinical_records.record_medication(uow, exposure, by=by, now=now)


def _seed_adverse_events(
    uow: UnitOfWork, patient: Patient, course: TherapyCourse, *, by: str, now: datetime
) -> None:
    for event in (
        AdverseEvent(
            id=new_id(),
            patient_id=patient.id,
            course_id=course.id,
            ctcae_term="Febrile neutropenia",
            grade=3,
            onset_date=date(2026, 2, 18),
            serious=True,
            attribution=Attribution.PROBABLE,
            resolution_date=date(2026, 2, 24),
        ),
        AdverseEvent(
            id=new_id(),
            patient_id=patient.id,
            course_id=None,
            ctcae_term="Fatigue",
            grade=1,
            onset_date=date(2026, 4, 2),
            serious=False,
            attribution=Attribution.UNLIKELY,
        ),
    ):
        clinical_records.record_adverse_event(uow, event, by=by, now=now)
