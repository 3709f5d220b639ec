"""Re-runnable table imports: a row already stored, or repeated in its file, is not written again.

Notes
-----
What makes a row the same record as another (its natural key):

- **Patient**: within the import's centre, the hospital number when the row gives one, then the
  pseudonym when it gives one (a later row of the file with either of them and other values is
  refused: one row per patient). A matched patient is updated (sex, birth date, names; audited
  with the reason "table import, row N") or reported unchanged, never enrolled twice. A row
  with neither identifier is a new patient each time, as there is nothing to match it on. A
  pseudonym that differs from the matched patient's is refused (a pseudonym is never changed by
  an import); two patients of the centre holding the row's hospital number are refused too.
- **Lab**: patient, LOINC code, collection instant (UTC), value and unit (a corrected reference
  range on an otherwise equal row is not applied; correct it in the record).
- **Assessment, medication**: every field of the record but its id and version.

A row whose key was already written from an earlier row of the same file is not written; the
report gives its number and the earlier row's. A row equal to a stored record is reported
unchanged. Neither is a problem: a second run of the same file writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from datetime import datetime
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.people import Patient, PatientIdentity
from lupus_sct.services.clinic import record_updates
from lupus_sct.services.clinic.patients import IdentityDetails, correct_patient
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.ports import UnitOfWork

PatientKey = tuple[str, str]


class AmbiguousPatientError(ServiceError):
    """Several patients of the centre hold the row's identifier (the value is not repeated)."""

    def __init__(self, field: str, holders: int) -> None:
        self.field = field
        super().__init__(
            f"{holders} patients of this centre hold this {field}; merge them before importing"
        )


@dataclasses.dataclass
class ImportLedger:
    """What an import has written, found stored or seen repeated, row by row."""

    uow: UnitOfWork
    repository: str
    unchanged: list[int] = dataclasses.field(default_factory=list)
    updated: list[int] = dataclasses.field(default_factory=list)
    repeats: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    _first_row: dict[Hashable, tuple[int, str]] = dataclasses.field(default_factory=dict)
    _stored: dict[str, set[Hashable]] = dataclasses.field(default_factory=dict)

    def skip(self, row: int, record: Any) -> bool:
        """Whether ``record`` repeats an earlier row or a stored record (and note which)."""
        key = record_key(record)
        if key in self._first_row:
            self.repeats.append((row, self._first_row[key][0]))
            return True
        if key in self._stored_keys(record.patient_id):
            self.unchanged.append(row)
            return True
        return False

    def remember(self, row: int, key: Hashable, content: str = "") -> None:
        """Note that ``row`` wrote the record of ``key``."""
        self._first_row.setdefault(key, (row, content))

    def earlier(self, key: Hashable) -> tuple[int, str] | None:
        """The earlier row of this file with ``key`` and its content, if any."""
        return self._first_row.get(key)

    def _stored_keys(self, patient_id: str) -> set[Hashable]:
        if patient_id not in self._stored:
            found = getattr(self.uow, self.repository).find(patient_id=patient_id)
            self._stored[patient_id] = {record_key(r) for r in found}
        return self._stored[patient_id]


def record_key(record: Any) -> Hashable:
    """The natural key of a lab, assessment or medication record (see the module Notes)."""
    if isinstance(record, LabResult):
        return (
            record.patient_id,
            record.loinc_code,
            record.collected_at,
            record.value,
            record.unit,
        )
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return repr(sorted((k, v) for k, v in fields.items() if k not in ("id", "version")))


def patient_keys(values: dict[str, Any]) -> list[PatientKey]:
    """The row's ("hospital_number", number) and ("pseudonym", pseudonym), those it gives."""
    return [(f, str(values[f])) for f in ("hospital_number", "pseudonym") if values.get(f)]


def match_patient(uow: UnitOfWork, centre_id: str, keys: list[PatientKey]) -> Patient | None:
    """The centre's patient holding the first key that matches one."""
    for key in keys:
        patient = _holder(uow, centre_id, key)
        if patient is not None:
            return patient
    return None


def _holder(uow: UnitOfWork, centre_id: str, key: PatientKey) -> Patient | None:
    """The centre's patient holding ``key``; refused when two patients hold it."""
    field, value = key
    if field == "hospital_number":
        ids = [i.patient_id for i in uow.identities.find(hospital_number=value)]
        candidates: list[Patient] = [uow.patients.get(i) for i in ids]
    else:
        candidates = uow.patients.find(pseudonym=value)
    here = [p for p in candidates if p.centre_id == centre_id]
    if len(here) > 1:
        raise AmbiguousPatientError(field, len(here))
    return here[0] if here else None


def reconcile_patient(
    uow: UnitOfWork,
    patient: Patient,
    values: dict[str, Any],
    identity: IdentityDetails | None,
    *,
    reason: str,
    by: str,
    now: datetime,
) -> bool:
    """Bring a matched patient in line with an import row; whether anything changed."""
    pseudonym = values.get("pseudonym") or patient.pseudonym
    if pseudonym != patient.pseudonym:
        raise InvalidValueError(
            "pseudonym", pseudonym, "the pseudonym of the patient with this hospital number"
        )
    changed = False
    wanted = dataclasses.replace(patient, sex=values["sex"], birth_date=values["birth_date"])
    if wanted != patient:
        correct_patient(uow, wanted, reason=reason, by=by, now=now)
        changed = True
    if identity is not None:
        changed |= _reconcile_identity(uow, patient.id, identity, reason=reason, by=by, now=now)
    return changed


def _reconcile_identity(
    uow: UnitOfWork,
    patient_id: str,
    identity: IdentityDetails,
    *,
    reason: str,
    by: str,
    now: datetime,
) -> bool:
    wanted = PatientIdentity(patient_id, **dataclasses.asdict(identity))
    try:
        stored = uow.identities.get(patient_id)
    except NotFoundError:
        record_updates.add_identity(uow, wanted, by=by, now=now)
        return True
    if dataclasses.replace(stored, version=0) == wanted:
        return False
    corrected = dataclasses.replace(wanted, version=stored.version)
    record_updates.correct_identity(uow, corrected, reason=reason, by=by, now=now)
    return True
