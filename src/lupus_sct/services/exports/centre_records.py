"""A centre's stored records, patient by patient, read a page of patients at a time.

Notes
-----
The bulk FHIR export (:mod:`lupus_sct.interop.fhir.ndjson`) translates these records with the
mapping of the per-patient export. Each page of patients costs one query per kind of record
(``find_in`` on the page's patient or course ids), never one per patient, and only one page of
records is held at a time; the patients of the centre themselves (small records) are read once.
Records of other centres are never read: every query is keyed by the centre's patients.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator, Sequence
from typing import Any

from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.services.exports.stored_records import PatientRecords
from lupus_sct.services.imports.fhir_bundles import UnknownCentreError
from lupus_sct.services.ports import UnitOfWork

DEFAULT_PAGE_PATIENTS = 500


def find_centre_by_code(uow: UnitOfWork, centre_code: str) -> Centre:
    """The centre whose code is ``centre_code`` (:class:`UnknownCentreError` when none is)."""
    found = uow.centres.find(code=centre_code)
    if not found:
        raise UnknownCentreError(centre_code)
    centre: Centre = found[0]
    return centre


def read_centre_records(
    uow: UnitOfWork,
    centre: Centre,
    *,
    include_identity: bool = False,
    page_patients: int = DEFAULT_PAGE_PATIENTS,
) -> Iterator[PatientRecords]:
    """The records of each patient of ``centre``, by patient id, as ``read_patient_records``.

    ``page_patients`` (at least 1) bounds how many patients' records are held at once.
    """
    if page_patients < 1:
        raise ValueError(f"page_patients: {page_patients} is not accepted; at least 1")
    patients: list[Patient] = uow.patients.find(centre_id=centre.id)
    for start in range(0, len(patients), page_patients):
        yield from _read_page(
            uow, centre, patients[start : start + page_patients], include_identity
        )


def _read_page(
    uow: UnitOfWork, centre: Centre, patients: Sequence[Patient], include_identity: bool
) -> Iterator[PatientRecords]:
    ids = [p.id for p in patients]
    courses = _by(uow.courses.find_in("patient_id", ids), "patient_id")
    events = _by(
        uow.course_events.find_in("course_id", [c.id for cs in courses.values() for c in cs]),
        "course_id",
    )
    diagnoses = _by(uow.diagnoses.find_in("patient_id", ids), "patient_id")
    labs = _by(uow.labs.find_in("patient_id", ids), "patient_id")
    assessments = _by(uow.assessments.find_in("patient_id", ids), "patient_id")
    medications = _by(uow.medications.find_in("patient_id", ids), "patient_id")
    adverse = _by(uow.adverse_events.find_in("patient_id", ids), "patient_id")
    identities = {i.patient_id: i for i in uow.identities.get_many(ids)} if include_identity else {}
    for patient in patients:
        own_courses = tuple(courses.get(patient.id, ()))
        yield PatientRecords(
            patient=patient,
            centre=centre,
            identity=identities.get(patient.id),
            diagnoses=tuple(diagnoses.get(patient.id, ())),
            courses=own_courses,
            course_events=tuple(e for c in own_courses for e in events.get(c.id, ())),
            labs=tuple(labs.get(patient.id, ())),
            assessments=tuple(assessments.get(patient.id, ())),
            medications=tuple(medications.get(patient.id, ())),
            adverse_events=tuple(adverse.get(patient.id, ())),
        )


def _by(records: list[Any], field: str) -> dict[str, list[Any]]:
    """``records`` grouped by the value of ``field``, each group in the order given (by id)."""
    groups: dict[str, list[Any]] = collections.defaultdict(list)
    for record in records:
        groups[getattr(record, field)].append(record)
    return groups
