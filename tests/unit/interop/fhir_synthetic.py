"""The synthetic full-record patient (:mod:`lupus_sct.synthetic.full_record`) on the tests' clock.

Values are invented for testing: plausible ranges only, no expected clinical result.
"""

from __future__ import annotations

import json
from typing import Any

from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.interop.fhir import bundle_json, export_patient_bundle
from lupus_sct.services.exports.stored_records import read_patient_records
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.store.memory import MemoryDatabase, MemoryUnitOfWork
from lupus_sct.synthetic import full_record
from support import ACTOR, NOW, seed_centre


def seed_full_record(uow: UnitOfWork, centre: Centre | None = None) -> Patient:
    """Enrol a synthetic SLE patient with a course, labs, assessments, drugs and adverse events."""
    return full_record.seed_full_record(uow, centre or seed_centre(uow), by=ACTOR, now=NOW)


def exported_bundles(count: int) -> list[dict[str, Any]]:
    """``count`` patients from :func:`seed_full_record`, each exported as a Bundle (parsed JSON).

    Built in a fresh in-memory store, whose queries scan whole tables: callers wanting
    thousands build them a hundred at a time.
    """
    source = MemoryDatabase()
    with MemoryUnitOfWork(source) as uow:
        centre = seed_centre(uow)
        ids = [seed_full_record(uow, centre).id for _ in range(count)]
        uow.commit()
    with MemoryUnitOfWork(source) as uow:
        return [
            json.loads(bundle_json(export_patient_bundle(read_patient_records(uow, pid))))
            for pid in ids
        ]
