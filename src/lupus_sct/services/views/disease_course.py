"""Use case: a patient's disease states over time, aligned at the day 0 of their latest course."""

from __future__ import annotations

from datetime import date

from lupus_sct.domain.pathway.disease_course import DiseaseCourse, derive_disease_course
from lupus_sct.services.ports import UnitOfWork


def patient_disease_course(uow: UnitOfWork, patient_id: str, *, as_of: date) -> DiseaseCourse:
    """Derive the visit states of a patient up to ``as_of``.

    Day 0 is that of the patient's most recent course infused on or before ``as_of``; without one,
    the states are derived but not tied to a day 0.
    """
    with uow:
        uow.patients.get(patient_id)
        infused = [
            c.day0 for c in uow.courses.find(patient_id=patient_id) if c.day0 and c.day0 <= as_of
        ]
        return derive_disease_course(
            uow.assessments.find(patient_id=patient_id),
            uow.labs.find(patient_id=patient_id),
            uow.medications.find(patient_id=patient_id),
            day0=max(infused) if infused else None,
            as_of=as_of,
        )
