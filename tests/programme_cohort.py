"""A small synthetic programme cohort seeded through the services (no real patient data).

Two centres, NWU (four patients) and OTH (five), every day 0 in 2024, followed to 2026-05-31.
The expected numbers of the tests that use it are worked by hand from this table:

- N1 (NWU, day 0 2024-02-01, HCT-CI 1, KPS 90): engrafts day 9; infection day 10; CTCAE grade 3
  on day 5; SLEDAI-2K 10 -> 0; prednisone stopped on day 60.
- N2 (NWU, 2024-04-15, HCT-CI 3, KPS 70): engrafts day 9; infections days 20 and 50; CTCAE
  grade 4 on day 70; dies on day 80 without relapse.
- N3 (NWU, 2024-06-01, HCT-CI 0, KPS 100): engrafts day 9; UPCR 2.0 -> 0.3 g/g; relapse day 300.
- N4 (NWU, 2024-09-01, HCT-CI 2, KPS 80): engrafts day 9; secondary autoimmune disease day 200.
- O1-O5 (OTH, day 0 in 2024, HCT-CI 0-3, KPS 70-80): O1, O3, O4 and O5 die on days 609, 366,
  308 and 370.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.pathway.course import CourseKind, EventKind, Infusion
from lupus_sct.domain.records.adverse_events import (
    AdverseEvent,
    Attribution,
    Infection,
    InfectionKind,
)
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Centre, Patient, Sex
from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem
from lupus_sct.services.clinic import clinical_records, courses, patients
from lupus_sct.services.ports import UnitOfWork
from support import NOW

AS_OF = date(2026, 5, 31)
PERIOD = (date(2024, 1, 1), date(2024, 12, 31))
ACTOR = "test:data-manager"
LLDAS_FLAGS = dict(
    hemolytic_anemia=False,
    gi_activity=False,
    maintenance_therapy_tolerated=True,
    investigational_drug=False,
    hospitalised_for_sle=False,
)


def _id() -> str:
    return str(uuid.uuid4())


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


class _Seeder:
    def __init__(self, uow: UnitOfWork, patient: Patient, day0: date) -> None:
        self.uow, self.patient, self.day0 = uow, patient, day0
        self.course = courses.start_course(
            uow,
            patient_id=patient.id,
            kind=CourseKind.AUTOLOGOUS_HSCT,
            protocol_id="auto-hsct-sle",
            start_date=day0 - timedelta(days=60),
            by=ACTOR,
            now=NOW,
        )
        courses.record_course_event(
            uow,
            course_id=self.course.id,
            kind=EventKind.INFUSION,
            event_date=day0,
            details=Infusion(cd34_x10e6_per_kg=4.0),
            by=ACTOR,
            now=NOW,
        )

    def on(self, day: int) -> date:
        return self.day0 + timedelta(days=day)

    def workup(self, hct_ci: int, kps: int) -> None:
        for item, value in ((WorkupItem.HCT_CI, hct_ci), (WorkupItem.KPS, kps)):
            finding = WorkupFinding(_id(), self.patient.id, item, value, self.on(-20))
            clinical_records.record_workup_finding(self.uow, finding, by=ACTOR, now=NOW)

    def lab(self, loinc: str, day: int, value: float, unit: str) -> None:
        lab = LabResult(_id(), self.patient.id, loinc, value, unit, _at(self.on(day)))
        clinical_records.record_lab(self.uow, lab, by=ACTOR, now=NOW)

    def engrafts_on_day_9(self) -> None:
        for day, anc in ((1, 0.1), (3, 0.05), (5, 0.1), (7, 0.2), (9, 0.8), (10, 1.2), (11, 2.0)):
            self.lab("751-8", day, anc, "10*9/L")

    def visit(
        self,
        day: int,
        descriptors: tuple[D, ...],
        pga: float,
        bilag: dict[BilagDomain, BilagGrade],
    ) -> None:
        assessment = Assessment(
            id=_id(),
            patient_id=self.patient.id,
            visit_date=self.on(day),
            sledai_descriptors=descriptors,
            pga=pga,
            bilag=bilag,
            **LLDAS_FLAGS,  # type: ignore[arg-type]
        )
        clinical_records.record_assessment(self.uow, assessment, by=ACTOR, now=NOW)

    def prednisone(self, mg: float, first: int, last: int | None) -> None:
        exposure = MedicationExposure(
            _id(),
            self.patient.id,
            "prednisone",
            "8640",
            DrugClass.GLUCOCORTICOID,
            mg,
            "mg",
            Route.ORAL,
            Frequency.DAILY,
            self.on(first),
            None if last is None else self.on(last),
        )
        clinical_records.record_medication(self.uow, exposure, by=ACTOR, now=NOW)

    def outcome(self, kind: OutcomeKind, day: int, detail: str = "") -> None:
        event = OutcomeEvent(_id(), self.patient.id, self.course.id, kind, self.on(day), detail)
        clinical_records.record_outcome(self.uow, event, by=ACTOR, now=NOW)

    def infection(self, day: int) -> None:
        infection = Infection(
            _id(),
            self.patient.id,
            self.course.id,
            InfectionKind.BACTERIAL,
            "E. coli",
            "blood",
            self.on(day),
        )
        clinical_records.record_infection(self.uow, infection, by=ACTOR, now=NOW)

    def adverse_event(self, day: int, term: str, grade: int) -> None:
        event = AdverseEvent(
            _id(),
            self.patient.id,
            self.course.id,
            term,
            grade,
            self.on(day),
            True,
            Attribution.PROBABLE,
        )
        clinical_records.record_adverse_event(self.uow, event, by=ACTOR, now=NOW)


def _patient(uow: UnitOfWork, centre: Centre, born: date) -> Patient:
    return patients.enrol_patient(
        uow, centre_id=centre.id, sex=Sex.FEMALE, birth_date=born, by=ACTOR, now=NOW
    )


ACTIVE = (D.ARTHRITIS, D.RASH, D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING)  # 4+2+2+2 = 10
B = BilagGrade
ACTIVE_BILAG = {BilagDomain.MUSCULOSKELETAL: B.B, BilagDomain.MUCOCUTANEOUS: B.B}
QUIET_BILAG = {BilagDomain.MUSCULOSKELETAL: B.D, BilagDomain.MUCOCUTANEOUS: B.D}


def _seed_nwu(uow: UnitOfWork, centre: Centre) -> None:
    n1 = _Seeder(uow, _patient(uow, centre, date(1990, 3, 1)), date(2024, 2, 1))
    n1.workup(1, 90)
    n1.engrafts_on_day_9()
    n1.prednisone(20, -60, 60)
    n1.visit(-10, ACTIVE, 2.0, ACTIVE_BILAG)
    for day in (91, 183, 365):
        n1.visit(day, (), 0.2, QUIET_BILAG)
    n1.infection(10)
    n1.adverse_event(5, "Febrile neutropenia", 3)

    n2 = _Seeder(uow, _patient(uow, centre, date(1975, 7, 9)), date(2024, 4, 15))
    n2.workup(3, 70)
    n2.engrafts_on_day_9()
    n2.infection(20)
    n2.infection(50)
    n2.adverse_event(70, "Sepsis", 4)
    n2.outcome(OutcomeKind.DEATH, 80, "sepsis")

    n3 = _Seeder(uow, _patient(uow, centre, date(1995, 1, 20)), date(2024, 6, 1))
    n3.workup(0, 100)
    n3.engrafts_on_day_9()
    n3.prednisone(10, -60, None)
    n3.visit(-5, (D.PROTEINURIA, D.LOW_COMPLEMENT), 1.5, {BilagDomain.RENAL: B.A})
    n3.visit(183, (), 0.3, {BilagDomain.RENAL: B.C})
    n3.visit(365, (D.ARTHRITIS, D.RASH), 1.2, {BilagDomain.RENAL: B.C})
    for day, upcr, egfr in ((-5, 2.0, 70.0), (183, 0.3, 75.0)):
        n3.lab("2890-2", day, upcr, "g/g")
        n3.lab("98979-8", day, egfr, "mL/min/{1.73_m2}")
    n3.outcome(OutcomeKind.RELAPSE_OR_FLARE, 300, "renal flare")

    n4 = _Seeder(uow, _patient(uow, centre, date(1988, 11, 2)), date(2024, 9, 1))
    n4.workup(2, 80)
    n4.engrafts_on_day_9()
    n4.outcome(OutcomeKind.SECONDARY_AUTOIMMUNE_DISEASE, 200, "autoimmune thyroiditis")


def _seed_oth(uow: UnitOfWork, centre: Centre) -> None:
    table = (
        (date(1967, 1, 1), date(2024, 3, 10), 1, 80, 609),
        (date(1996, 1, 1), date(2024, 10, 1), 0, 80, None),
        (date(1969, 1, 1), date(2024, 5, 20), 2, 70, 366),
        (date(1970, 1, 1), date(2024, 7, 7), 3, 80, 308),
        (date(1995, 1, 1), date(2024, 8, 1), 1, 80, 370),
    )
    for born, day0, hct_ci, kps, death in table:
        seeder = _Seeder(uow, _patient(uow, centre, born), day0)
        seeder.workup(hct_ci, kps)
        if death is not None:
            seeder.outcome(OutcomeKind.DEATH, death, "unknown")


def seed_programme_cohort(uow: UnitOfWork) -> tuple[Centre, Centre]:
    """Seed both centres and their patients; the caller commits."""
    nwu = patients.create_centre(
        uow, code="NWU", name="North West Unit", country="GB", by=ACTOR, now=NOW
    )
    oth = patients.create_centre(
        uow, code="OTH", name="Other Unit", country="GB", by=ACTOR, now=NOW
    )
    _seed_nwu(uow, nwu)
    _seed_oth(uow, oth)
    return nwu, oth
