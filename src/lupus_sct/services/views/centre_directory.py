"""Use cases for the centre directory: procedure volume from the platform's own course records."""

from __future__ import annotations

from collections import Counter

from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.services.ports import UnitOfWork


def procedure_volume(uow: UnitOfWork) -> dict[str, dict[CourseKind, int]]:
    """Courses that reached day 0 (cells infused), per therapy, per centre code.

    A planned or ongoing course without an infusion is not a procedure yet, so it is not counted.
    Every centre on the platform appears, with zero for the therapies it has not given.
    """
    with uow:
        codes = {c.id: c.code for c in uow.centres.find()}
        centre_of = {p.id: p.centre_id for p in uow.patients.find()}
        infused = [c for c in uow.courses.find() if c.day0 is not None]
    counts = Counter((codes[centre_of[c.patient_id]], c.kind) for c in infused)
    return {code: {kind: counts[(code, kind)] for kind in CourseKind} for code in codes.values()}
