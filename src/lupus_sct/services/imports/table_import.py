"""Import rows of patients, assessments, labs or medications: all of them, or with ``partial``.

Notes
-----
Each row arrives with its values already read from the file (``interop.table_import`` applies the
mapping: columns, fixed values, date formats, value maps) and with the problems found while
reading. A row is turned into the same domain record and passed to the same use case as input
typed by a user (:func:`~lupus_sct.services.clinic.patients.enrol_patient`,
:func:`~lupus_sct.services.clinic.clinical_records.record_lab`...), so the same rules refuse it
with the
same message. Every row is tried in one unit of work; the use cases check before they write, so a
refused row leaves nothing behind. The unit of work is committed once, at the end: only when no
row was refused, or with ``partial`` (then the valid rows are written and the others reported),
and never in a dry run. A process killed before that commit leaves the database as it was.
Re-running a file is safe: rows already stored or repeated in the file are reported, not written
again (:mod:`lupus_sct.services.imports.table_matching`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.records.assessment import Assessment, RaJointAssessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DRUGS, DrugClass, MedicationExposure
from lupus_sct.domain.records.people import Centre, Patient
from lupus_sct.services.clinic import clinical_records
from lupus_sct.services.clinic.patients import IdentityDetails, enrol_patient, new_id
from lupus_sct.services.errors import DuplicateError, NotFoundError, ServiceError
from lupus_sct.services.imports.table_fields import (
    ENTITY_FIELDS,
    PATIENT_KEYS,
    FieldKind,
    FieldSpec,
    check_fields,
)
from lupus_sct.services.imports.table_matching import (
    ImportLedger,
    PatientKey,
    match_patient,
    patient_keys,
    reconcile_patient,
    record_key,
)
from lupus_sct.services.ports import UnitOfWork

__all__ = [
    "ENTITY_FIELDS",
    "PATIENT_KEYS",
    "FieldKind",
    "FieldSpec",
    "RowProblem",
    "TableImportReport",
    "TableRow",
    "UnknownCentreCodeError",
    "check_fields",
    "import_rows",
]
_RECORDERS: dict[str, Any] = {
    "assessments": clinical_records.record_assessment,
    "labs": clinical_records.record_lab,
    "medications": clinical_records.record_medication,
}
_RA_FIELDS = tuple(f.name for f in dataclasses.fields(RaJointAssessment))
_IDENTITY_FIELDS = ("family_name", "given_name", "hospital_number")


@dataclasses.dataclass(frozen=True, slots=True)
class RowProblem:
    """One line of the validation report."""

    row: int
    field: str
    value: str
    problem: str


@dataclasses.dataclass(frozen=True, slots=True)
class TableRow:
    """A row as read: its number in the file, typed values, the source text and read problems."""

    number: int
    values: dict[str, Any]
    raw: dict[str, str]
    problems: tuple[RowProblem, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class TableImportReport:
    """What an import found and did."""

    rows_read: int
    rows_valid: int
    problems: tuple[RowProblem, ...]
    written: bool
    dry_run: bool
    partial: bool
    unchanged: tuple[int, ...] = ()  # rows equal to a stored record (table_import_matching)
    updated: tuple[int, ...] = ()  # patient rows that updated the patient they matched
    repeats: tuple[tuple[int, int], ...] = ()  # (row, the earlier row of the file it repeats)

    @property
    def rows_written(self) -> int:
        """Rows stored or updated (0 unless the unit of work was committed)."""
        skipped = len(self.unchanged) + len(self.repeats)
        return self.rows_valid - skipped if self.written else 0

    @property
    def rows_refused(self) -> int:
        """Rows with at least one problem."""
        return self.rows_read - self.rows_valid


class UnknownCentreCodeError(NotFoundError):
    """No centre has the code the table is to be imported into."""

    def __init__(self, centre_code: str) -> None:
        super().__init__("centre", centre_code)
        self.args = (f"no centre with code {centre_code!r}",)


def import_rows(
    uow: UnitOfWork,
    entity: str,
    rows: Iterable[TableRow],
    *,
    centre_code: str,
    patient_key: str = "pseudonym",
    by: str,
    now: datetime,
    dry_run: bool = False,
    partial: bool = False,
) -> TableImportReport:
    """Write the valid rows of a table in one unit of work, committed as the Notes describe.

    ``uow`` is an entered unit of work; ``entity`` is a key of :data:`ENTITY_FIELDS`.
    """
    if entity not in ENTITY_FIELDS:
        raise ValueError(f"entity must be one of {', '.join(ENTITY_FIELDS)}")
    centres = uow.centres.find(code=centre_code)
    if not centres:
        raise UnknownCentreCodeError(centre_code)
    writer = _RowWriter(uow, entity, centres[0], patient_key, by=by, now=now)
    problems: list[RowProblem] = []
    read = valid = 0
    for row in rows:
        read += 1
        found = list(row.problems) or writer.write(row)
        problems += found
        valid += not found
    commit = not dry_run and (partial or not problems)
    if commit:
        uow.commit()
    else:
        uow.rollback()
    ledger = writer.ledger
    return TableImportReport(
        read,
        valid,
        tuple(problems),
        commit,
        dry_run,
        partial,
        unchanged=tuple(ledger.unchanged),
        updated=tuple(ledger.updated),
        repeats=tuple(ledger.repeats),
    )


class _RowWriter:
    def __init__(
        self,
        uow: UnitOfWork,
        entity: str,
        centre: Centre,
        patient_key: str,
        *,
        by: str,
        now: datetime,
    ) -> None:
        if patient_key not in PATIENT_KEYS:
            raise ValueError(f"patient_key must be one of {', '.join(PATIENT_KEYS)}")
        self._uow, self._entity, self._centre = uow, entity, centre
        self._patient_key, self._by, self._now = patient_key, by, now
        self._patients: dict[str, str] = {}
        self.ledger = ImportLedger(uow, entity)

    def write(self, row: TableRow) -> list[RowProblem]:
        try:
            self._write(row)
        except _RowRefusedError as refused:
            return [refused.problem]
        except (DomainError, ServiceError) as exc:
            return [_problem(row, exc, ENTITY_FIELDS[self._entity])]
        return []

    def _write(self, row: TableRow) -> None:
        if self._entity == "patients":
            self._enrol(row)
            return
        record = self._record(row)
        if self.ledger.skip(row.number, record):
            return
        _RECORDERS[self._entity](self._uow, record, by=self._by, now=self._now)
        self.ledger.remember(row.number, record_key(record))

    def _record(self, row: TableRow) -> Any:
        if self._entity == "assessments":
            return _assessment(self._patient(row), row.values)
        if self._entity == "labs":
            return _lab(self._patient(row), row.values)
        return _medication(row, self._patient(row))

    def _enrol(self, row: TableRow) -> None:
        values = row.values
        given = [f for f in _IDENTITY_FIELDS if values.get(f)]
        if given and len(given) < len(_IDENTITY_FIELDS):
            absent = next(f for f in _IDENTITY_FIELDS if not values.get(f))
            raise _RowRefusedError(
                RowProblem(
                    row.number,
                    absent,
                    "",
                    "family_name, given_name and hospital_number are given together or not at all",
                )
            )
        identity = IdentityDetails(*(values[f] for f in _IDENTITY_FIELDS)) if given else None
        keys = patient_keys(values)
        if not (keys and self._matched(row, keys, identity)):
            try:
                self._enrol_one(values, identity)
            except DuplicateError as exc:
                raise _RowRefusedError(
                    RowProblem(row.number, "pseudonym", row.raw.get("pseudonym", ""), str(exc))
                ) from exc
        for key in keys:  # only once the row is written: a refused row is refused again
            self.ledger.remember(row.number, key, _content(row))

    def _matched(
        self, row: TableRow, keys: list[PatientKey], identity: IdentityDetails | None
    ) -> bool:
        """Whether the row's patient was met before (a repeat, updated or unchanged)."""
        for key in keys:
            earlier = self.ledger.earlier(key)
            if earlier is not None and earlier[1] != _content(row):
                raise _RowRefusedError(
                    RowProblem(
                        row.number,
                        key[0],
                        row.raw.get(key[0], ""),
                        f"the patient of row {earlier[0]} again, with other values: "
                        "give each patient once",
                    )
                )
            if earlier is not None:
                self.ledger.repeats.append((row.number, earlier[0]))
                return True
        patient = match_patient(self._uow, self._centre.id, keys)
        if patient is None:
            return False
        reason = f"table import, row {row.number}"
        if reconcile_patient(
            self._uow, patient, row.values, identity, reason=reason, by=self._by, now=self._now
        ):
            self.ledger.updated.append(row.number)
        else:
            self.ledger.unchanged.append(row.number)
        return True

    def _enrol_one(self, values: dict[str, Any], identity: IdentityDetails | None) -> None:
        enrol_patient(
            self._uow,
            centre_id=self._centre.id,
            sex=values["sex"],
            birth_date=values["birth_date"],
            identity=identity,
            pseudonym=values.get("pseudonym") or None,
            by=self._by,
            now=self._now,
        )

    def _patient(self, row: TableRow) -> str:
        key = str(row.values["patient"])
        if key not in self._patients:
            self._patients[key] = self._find_patient(row, key)
        return self._patients[key]

    def _find_patient(self, row: TableRow, key: str) -> str:
        if self._patient_key == "pseudonym":
            found: list[Patient] = self._uow.patients.find(pseudonym=key)
        else:
            ids = [i.patient_id for i in self._uow.identities.find(hospital_number=key)]
            found = [self._uow.patients.get(i) for i in ids]
        here = [p for p in found if p.centre_id == self._centre.id]
        if not here:
            raise _RowRefusedError(
                RowProblem(
                    row.number,
                    "patient",
                    row.raw.get("patient", key),
                    f"no patient with {self._patient_key} {key!r} at centre {self._centre.code}",
                )
            )
        return here[0].id


def _content(row: TableRow) -> str:
    return repr(sorted(row.values.items()))


class _RowRefusedError(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.problem)
        self.problem = problem


def _assessment(patient_id: str, values: dict[str, Any]) -> Assessment:
    simple = {
        name: values[name]
        for name in (
            "sledai_window_days",
            "sledai_descriptors",
            "sledai_not_attributed",
            "pga",
            "hemolytic_anemia",
            "gi_activity",
            "maintenance_therapy_tolerated",
            "investigational_drug",
            "hospitalised_for_sle",
        )
        if name in values
    }
    ra = RaJointAssessment(**{name: values[name] for name in _RA_FIELDS if name in values})
    return Assessment(
        id=new_id(), patient_id=patient_id, visit_date=values["visit_date"], ra=ra, **simple
    )


def _lab(patient_id: str, values: dict[str, Any]) -> LabResult:
    return LabResult(
        id=new_id(),
        patient_id=patient_id,
        loinc_code=values["loinc_code"],
        value=values["value"],
        unit=values["unit"],
        collected_at=values["collected_at"],
        reference_low=values.get("reference_low"),
        reference_high=values.get("reference_high"),
    )


def _medication(row: TableRow, patient_id: str) -> MedicationExposure:
    values = row.values
    known = DRUGS.get(values["rxnorm_code"])
    drug_class: DrugClass | None = values.get("drug_class") or (known.drug_class if known else None)
    drug_name: str | None = values.get("drug_name") or (known.name if known else None)
    if drug_class is None or drug_name is None:
        field = "drug_class" if drug_class is None else "drug_name"
        raise _RowRefusedError(
            RowProblem(
                row.number,
                field,
                "",
                f"{field} is needed for RxCUI {values['rxnorm_code']} (not in the catalogue)",
            )
        )
    return MedicationExposure(
        id=new_id(),
        patient_id=patient_id,
        drug_name=drug_name,
        rxnorm_code=values["rxnorm_code"],
        drug_class=drug_class,
        dose=values["dose"],
        dose_unit=values["dose_unit"],
        route=values["route"],
        frequency=values["frequency"],
        start_date=values["start_date"],
        stop_date=values.get("stop_date"),
    )


def _problem(row: TableRow, exc: Exception, fields: dict[str, FieldSpec]) -> RowProblem:
    domain_field = getattr(exc, "field", "")
    field = _table_field(domain_field, fields)
    if field is not None:
        value = row.raw.get(field, _show(getattr(exc, "value", "")))
    else:
        field = domain_field or "(row)"
        value = _show(getattr(exc, "value", ""))
    return RowProblem(row.number, field, value, str(exc))


def _table_field(domain_field: str, fields: dict[str, FieldSpec]) -> str | None:
    """The table field a domain field name ("lab[2160-0].unit", "patient.birth_date") is about."""
    last = domain_field.rsplit(".", 1)[-1].split("[", 1)[0]
    return last if last in fields else None


def _show(value: Any) -> str:
    if isinstance(value, Missing | enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)
