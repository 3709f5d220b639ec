"""Synthetic candidates for the shipped protocols: one who passes everything, and changes that
make a single criterion fail or lose its data. Only invented data."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.assessment import Assessment, RaJointAssessment
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Diagnosis, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.patient_record import PatientRecord, build_patient_record
from lupus_sct.domain.records.people import Patient, Sex
from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem

AS_OF = date(2026, 6, 1)
W = WorkupItem

SLE_DESCRIPTORS = [
    D.ARTHRITIS,
    D.PROTEINURIA,
    D.HEMATURIA,
    D.PYURIA,
    D.RASH,
    D.LOW_COMPLEMENT,
    D.INCREASED_DNA_BINDING,
]  # 4+4+4+4+2+2+2 = 22 (Gladman 2002 weights)


@dataclasses.dataclass
class Candidate:
    """A mutable description of a candidate, turned into a PatientRecord by ``record``."""

    disease: Disease = Disease.SLE
    sex: Sex = Sex.FEMALE
    age_years: int = 40
    criteria: tuple[ClassificationCriteria, ...] = (ClassificationCriteria.EULAR_ACR_2019,)
    has_diagnosis: bool = True
    descriptors: list[D] | Missing = dataclasses.field(
        default_factory=lambda: list(SLE_DESCRIPTORS)
    )
    bilag: dict[BilagDomain, BilagGrade] | Missing = dataclasses.field(
        default_factory=lambda: {
            BilagDomain.RENAL: BilagGrade.A,
            BilagDomain.MUSCULOSKELETAL: BilagGrade.B,
        }
    )
    ra: RaJointAssessment = dataclasses.field(default_factory=RaJointAssessment)
    # drug name -> (RxCUI, class, months taken, months since it stopped (0 = ongoing))
    drugs: dict[str, tuple[str, DrugClass, float, float]] = dataclasses.field(
        default_factory=lambda: {
            "cyclophosphamide": ("3002", DrugClass.IMMUNOSUPPRESSANT, 6, 2),
            "mycophenolate mofetil": ("68149", DrugClass.IMMUNOSUPPRESSANT, 12, 0),
            "azathioprine": ("1256", DrugClass.IMMUNOSUPPRESSANT, 6, 14),
            "hydroxychloroquine": ("5521", DrugClass.ANTIMALARIAL, 24, 0),
        }
    )
    # LOINC -> (value, unit, upper limit of normal or None, days before AS_OF)
    labs: dict[str, tuple[float, str, float | None, int]] = dataclasses.field(
        default_factory=lambda: {
            "2160-0": (0.8, "mg/dL", 1.1, 5),
            "1975-2": (10.0, "umol/L", 21.0, 5),
            "1920-8": (25.0, "U/L", 40.0, 5),
            "1742-6": (30.0, "U/L", 40.0, 5),
            "6690-2": (5.0, "10*9/L", 11.0, 5),
            "718-7": (11.0, "g/dL", 15.0, 5),
            "777-3": (200.0, "10*9/L", 400.0, 5),
            "4537-7": (60.0, "mm/h", 20.0, 5),
        }
    )
    # work-up item -> (value, days before AS_OF)
    findings: dict[WorkupItem, tuple[float | bool | str, int]] = dataclasses.field(
        default_factory=lambda: {
            W.LVEF_PCT: (60, 20),
            W.FEV1_PCT_PREDICTED: (80, 20),
            W.FVC_PCT_PREDICTED: (85, 20),
            W.DLCO_PCT_PREDICTED: (75, 20),
            W.SPO2_PCT_ROOM_AIR: (97, 20),
            W.ECOG: (1, 20),
            W.KPS: (80, 20),
            W.CD3_PER_UL: (800, 10),
            W.CREATININE_CLEARANCE_ML_MIN: (90, 20),
            W.PASP_MMHG: (25, 20),
            W.HIV_POSITIVE: (False, 20),
            W.HBV_POSITIVE: (False, 20),
            W.HCV_POSITIVE: (False, 20),
            W.TB_POSITIVE: (False, 20),
            W.ACTIVE_INFECTION: (False, 5),
            W.PREGNANT: (False, 5),
            W.ACTIVE_MALIGNANCY: (False, 20),
            W.ACTIVE_CNS_LUPUS: (False, 20),
            W.LUPUS_MYOCARDITIS: (False, 20),
            W.UNSTABLE_ANGINA: (False, 20),
            W.GILBERT_SYNDROME: (False, 20),
            W.DIALYSIS: (False, 20),
        }
    )

    def changed(self, change: Callable[[Candidate], None]) -> Candidate:
        other = copy.deepcopy(self)
        change(other)
        return other


def ra_candidate() -> Candidate:
    """An RA candidate with DAS28-ESR 6.67 (Prevoo 1995 formula, by hand):
    0.56*sqrt(12) + 0.28*sqrt(10) + 0.70*ln(60) + 0.014*70."""
    return Candidate(
        disease=Disease.RA,
        sex=Sex.MALE,
        criteria=(ClassificationCriteria.ACR_EULAR_2010_RA,),
        descriptors=Missing.NOT_EVALUATED,
        bilag=Missing.NOT_EVALUATED,
        ra=RaJointAssessment(tjc28=12, sjc28=10, patient_global_mm=70.0),
        drugs={
            "methotrexate": ("6851", DrugClass.IMMUNOSUPPRESSANT, 24, 0),
            "adalimumab": ("999001", DrugClass.BIOLOGIC, 6, 8),  # local code: matched by name
            "etanercept": ("999002", DrugClass.BIOLOGIC, 6, 0),  # local code: matched by name
        },
    )


def _days(months: float) -> int:
    return round(months * 365.25 / 12)


def record(c: Candidate) -> PatientRecord:
    """The PatientRecord of a candidate as of AS_OF."""
    birth = AS_OF.replace(year=AS_OF.year - c.age_years) - timedelta(days=30)
    patient = Patient("p1", "TEST-0001", c.sex, birth, "centre")
    icd, sct = ("M32.14", "55464009") if c.disease is Disease.SLE else ("M06.9", "69896004")
    diagnoses = (
        [Diagnosis("d1", "p1", c.disease, icd, sct, date(2018, 3, 1), c.criteria)]
        if c.has_diagnosis
        else []
    )
    assessment = Assessment(
        "a1",
        "p1",
        AS_OF - timedelta(days=10),
        sledai_descriptors=c.descriptors
        if isinstance(c.descriptors, Missing)
        else tuple(c.descriptors),
        pga=1.5,
        bilag=c.bilag,
        ra=c.ra,
    )
    medications = []
    for index, (name, (code, kind, months, stopped_months_ago)) in enumerate(c.drugs.items()):
        stop = AS_OF - timedelta(days=_days(stopped_months_ago)) if stopped_months_ago else None
        start = (stop or AS_OF) - timedelta(days=_days(months) - 1)
        medications.append(
            MedicationExposure(
                f"m{index}",
                "p1",
                name,
                code,
                kind,
                1.0,
                "g",
                Route.ORAL,
                Frequency.DAILY,
                start,
                stop,
            )
        )
    labs = [
        LabResult(
            f"l-{code}",
            "p1",
            code,
            value,
            unit,
            datetime.combine(AS_OF - timedelta(days=age), datetime.min.time(), UTC),
            reference_high=uln,
        )
        for code, (value, unit, uln, age) in c.labs.items()
    ]
    findings = [
        WorkupFinding(f"w-{item.value}", "p1", item, value, AS_OF - timedelta(days=age))
        for item, (value, age) in c.findings.items()
    ]
    return build_patient_record(
        patient,
        as_of=AS_OF,
        diagnoses=diagnoses,
        assessments=[assessment],
        labs=labs,
        medications=medications,
        findings=findings,
    )


def drop_findings(*items: WorkupItem) -> Callable[[Candidate], None]:
    def change(c: Candidate) -> None:
        for item in items:
            c.findings.pop(item, None)

    return change


def set_finding(item: WorkupItem, value: Any, age_days: int = 5) -> Callable[[Candidate], None]:
    def change(c: Candidate) -> None:
        c.findings[item] = (value, age_days)

    return change


def set_lab(code: str, value: float, unit: str, uln: float | None) -> Callable[[Candidate], None]:
    def change(c: Candidate) -> None:
        c.labs[code] = (value, unit, uln, 3)

    return change


def drop_labs(*codes: str) -> Callable[[Candidate], None]:
    def change(c: Candidate) -> None:
        for code in codes:
            c.labs.pop(code, None)

    return change


def set_fields(**values: Any) -> Callable[[Candidate], None]:
    def change(c: Candidate) -> None:
        for name, value in values.items():
            setattr(c, name, copy.deepcopy(value))

    return change
