"""Everything eligibility and screening read about one patient, indexed for fast look-ups."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.people import Patient
from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem


@dataclasses.dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient's clinical record as of a date: only what was known on that date."""

    patient: Patient
    as_of: date
    diagnoses: tuple[Diagnosis, ...]
    assessments: tuple[Assessment, ...]  # newest first
    labs_by_code: dict[str, tuple[LabResult, ...]]  # newest first per LOINC code
    medications: tuple[MedicationExposure, ...]
    findings_by_item: dict[WorkupItem, tuple[WorkupFinding, ...]]  # newest first per item
    memo: dict[object, object] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    """Outcomes of rules already evaluated on this record (protocols share many rules)."""


def build_patient_record(
    patient: Patient,
    *,
    as_of: date,
    diagnoses: Iterable[Diagnosis] = (),
    assessments: Iterable[Assessment] = (),
    labs: Iterable[LabResult] = (),
    medications: Iterable[MedicationExposure] = (),
    findings: Iterable[WorkupFinding] = (),
) -> PatientRecord:
    """Index a patient's data, leaving out anything dated after ``as_of``."""
    labs_by_code: dict[str, list[LabResult]] = defaultdict(list)
    for lab in labs:
        if lab.collected_at.date() <= as_of:
            labs_by_code[lab.loinc_code].append(lab)
    findings_by_item: dict[WorkupItem, list[WorkupFinding]] = defaultdict(list)
    for finding in findings:
        if finding.observed_on <= as_of:
            findings_by_item[finding.item].append(finding)
    return PatientRecord(
        patient=patient,
        as_of=as_of,
        diagnoses=tuple(d for d in diagnoses if d.onset_date <= as_of),
        assessments=tuple(
            sorted(
                (a for a in assessments if a.visit_date <= as_of),
                key=lambda a: a.visit_date,
                reverse=True,
            )
        ),
        labs_by_code={
            code: tuple(sorted(items, key=lambda lab: lab.collected_at, reverse=True))
            for code, items in labs_by_code.items()
        },
        medications=tuple(m for m in medications if m.start_date <= as_of),
        findings_by_item={
            item: tuple(sorted(items, key=lambda f: f.observed_on, reverse=True))
            for item, items in findings_by_item.items()
        },
    )
