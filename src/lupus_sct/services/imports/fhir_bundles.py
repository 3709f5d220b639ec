"""Write the records read from a FHIR Bundle into one centre: all or none, in one transaction.

References
----------
FHIR R4 transaction rule of the RESTful API (hl7.org/fhir/R4/http.html#transaction: all entries
succeed or none) that we follow for every Bundle type.

Notes
-----
``lupus_sct.interop.fhir`` reads a Bundle into our records (:class:`ReadBundle`); this module
owns the writing. Records are written in the order read (dependencies first) through the use
cases, in a :class:`~lupus_sct.services.imports.staged_writes.StagedUnitOfWork` over the
caller's unit of work. A record whose id is not stored yet is added under that id
(``accepted``); one already stored is corrected from the stored version through an audited
update (``updated``), or left alone when nothing differs (``updated``, "unchanged"). A resource
that a use case refuses is ``refused`` with the reason; the other resources are still checked so
that the report is complete, but the unit of work is committed only when nothing was refused and
this is not a dry run. A resource of a type the platform does not model is ``skipped``: reported,
nothing of it stored, and it does not stop the others. Records already stored must belong to the
centre the Bundle is imported into. Records that are stored but absent from the Bundle are kept (a
re-import never deletes). A death already recorded for the patient under another id (by hand) is
kept as it is: the patient dies once (docs/spec/pathway.md §7).

A Patient that gives no pseudonym (a Synthea Patient: no identifier of ours, a 36-character UUID
as id) gets one in the centre's series the first time, as enrolment makes one; the patient is
stored under the resource id, so a re-import finds it by id and keeps its pseudonym.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity
from lupus_sct.services.clinic import clinical_records as clinical
from lupus_sct.services.clinic import patients
from lupus_sct.services.clinic import record_updates as updates
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.imports.staged_writes import StagedUnitOfWork
from lupus_sct.services.ports import UnitOfWork

REIMPORT_REASON = "FHIR re-import"


class ImportStatus(enum.Enum):
    """What happened to one resource."""

    ACCEPTED = "accepted"
    UPDATED = "updated"
    SKIPPED = "skipped"
    REFUSED = "refused"


@dataclasses.dataclass(frozen=True, slots=True)
class ResourceOutcome:
    """The report line of one resource."""

    resource_type: str
    id: str | None
    status: ImportStatus
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The line as JSON-ready data (``resourceType``, ``id``, ``status``, ``reason``)."""
        return {
            "resourceType": self.resource_type,
            "id": self.id,
            "status": self.status.value,
            "reason": self.reason,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class ImportReport:
    """Outcome per resource, in Bundle order, and whether anything was written."""

    outcomes: tuple[ResourceOutcome, ...]
    written: bool
    dry_run: bool

    @property
    def refused(self) -> tuple[ResourceOutcome, ...]:
        """The resources refused (any one of them means nothing was written)."""
        return tuple(o for o in self.outcomes if o.status is ImportStatus.REFUSED)

    def by_type(self) -> dict[str, TypeSummary]:
        """Per resource type (in Bundle order): how many kept, skipped and refused, and why."""
        return summarise(self.outcomes)


@dataclasses.dataclass(frozen=True, slots=True)
class TypeSummary:
    """The outcomes of one resource type: counts per status and each distinct reason."""

    counts: dict[str, int]  # status value -> number, every status present
    reasons: dict[str, int]  # "status: reason" -> number, for the lines that have a reason

    @property
    def kept(self) -> int:
        """Resources whose records are stored (accepted or updated)."""
        return self.counts[ImportStatus.ACCEPTED.value] + self.counts[ImportStatus.UPDATED.value]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: kept, every status's count and the reasons with their counts."""
        return {"kept": self.kept, **self.counts, "reasons": self.reasons}


def summarise(outcomes: tuple[ResourceOutcome, ...]) -> dict[str, TypeSummary]:
    """The outcomes per resource type, types in the order first seen."""
    grouped: dict[str, list[ResourceOutcome]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.resource_type, []).append(outcome)
    summaries = {}
    for resource_type, lines in grouped.items():
        reasons: dict[str, int] = {}
        for line in lines:
            if line.reason:
                key = f"{line.status.value}: {line.reason}"
                reasons[key] = reasons.get(key, 0) + 1
        counts = {s.value: sum(line.status is s for line in lines) for s in ImportStatus}
        summaries[resource_type] = TypeSummary(counts, reasons)
    return summaries


class UnknownCentreError(NotFoundError):
    """No centre has the code the Bundle is to be imported into."""

    def __init__(self, centre_code: str) -> None:
        super().__init__("centre", centre_code)
        self.args = (f"no centre with code {centre_code!r}",)


@dataclasses.dataclass(frozen=True, slots=True)
class ReadResource:
    """One entry of a Bundle read into our records, or the reason it cannot be."""

    position: int  # in the Bundle, from 0
    resource_type: str
    id: str | None
    records: tuple[Any, ...] = ()
    refusal: str = ""
    skipped: str = ""  # why nothing of the resource is read (a type the platform does not model)
    note: str = ""  # what of a resource read is not stored, for the report line
    pseudonym_to_generate: bool = False  # a Patient that gives no pseudonym: one is made here


@dataclasses.dataclass(frozen=True, slots=True)
class ReadBundle:
    """A Bundle validated and read into our records, nothing looked up or written yet.

    Reading depends only on the Bundle and the centre's id, so it can be done ahead, in another
    process (every field pickles); the resources are in import order (dependencies first).
    """

    resources: tuple[ReadResource, ...]

    @property
    def records(self) -> list[Any]:
        """Every record of the resources that could be read."""
        return [record for resource in self.resources for record in resource.records]


@dataclasses.dataclass(frozen=True, slots=True)
class _Kind:
    repo_name: str
    add: Callable[..., Any]
    correct: Callable[..., Any]
    carried: tuple[str, ...] = ()  # when set, the only fields a resource carries


_KINDS: dict[type, _Kind] = {
    Patient: _Kind("patients", updates.add_patient, updates.correct_patient_record),
    PatientIdentity: _Kind("identities", updates.add_identity, updates.correct_identity),
    Diagnosis: _Kind("diagnoses", updates.add_diagnosis, updates.correct_diagnosis),
    TherapyCourse: _Kind("courses", updates.add_course, updates.correct_course),
    CourseEvent: _Kind("course_events", updates.add_course_event, updates.correct_course_event),
    Assessment: _Kind(
        "assessments",
        clinical.record_assessment,
        updates.correct_assessment,
        carried=(
            "patient_id",
            "visit_date",
            "sledai_window_days",
            "sledai_descriptors",
            "sledai_not_attributed",
        ),
    ),
    LabResult: _Kind("labs", clinical.record_lab, updates.correct_lab),
    MedicationExposure: _Kind(
        "medications", clinical.record_medication, updates.correct_medication
    ),
    AdverseEvent: _Kind(
        "adverse_events", clinical.record_adverse_event, updates.correct_adverse_event
    ),
    OutcomeEvent: _Kind("outcomes", clinical.record_outcome, updates.correct_outcome),
}


def find_centre(uow: UnitOfWork, centre_code: str) -> Centre:
    """The centre a Bundle is imported into, or :class:`UnknownCentreError`."""
    centres = uow.centres.find(code=centre_code)
    if not centres:
        raise UnknownCentreError(centre_code)
    return centres[0]


def write_bundle(
    uow: UnitOfWork,
    read: ReadBundle,
    centre: Centre,
    *,
    by: str,
    now: datetime,
    dry_run: bool = False,
) -> ImportReport:
    """Write every record of ``read`` into ``centre``, or none of them.

    ``uow`` is an entered unit of work; it is committed only when every resource was accepted or
    updated and ``dry_run`` is false, and rolled back otherwise.
    """
    staged = StagedUnitOfWork(uow)
    staged.staged("centres").remember(centre)
    prefetch(staged, read.records)
    outcomes = apply_bundle(staged, read, centre, by=by, now=now)
    clean = all(o.status is not ImportStatus.REFUSED for o in outcomes)
    if clean:
        staged.flush()  # also on a dry run, so that the store's own constraints are checked
    if clean and not dry_run:
        uow.commit()
    else:
        uow.rollback()
    return ImportReport(outcomes, written=clean and not dry_run, dry_run=dry_run)


def apply_bundle(
    uow: UnitOfWork, read: ReadBundle, centre: Centre, *, by: str, now: datetime
) -> tuple[ResourceOutcome, ...]:
    """Run the use cases for every read resource in ``uow``; the outcomes in Bundle order.

    Nothing is committed or rolled back here: a refused resource leaves the others' writes in
    ``uow``, and the caller must not keep them (roll back, or restore a staged checkpoint).
    """
    outcomes = {
        r.position: _import_resource(uow, r, centre, by=by, now=now) for r in read.resources
    }
    return tuple(outcomes[position] for position in sorted(outcomes))


def prefetch(uow: StagedUnitOfWork, records: list[Any]) -> None:
    """Read with one query per table the stored records an import of ``records`` looks at."""
    wanted: dict[str, set[str]] = {name: set() for name in ("patients", "courses")}
    for record in records:
        wanted.setdefault(_KINDS[type(record)].repo_name, set()).add(record.id)
        if not isinstance(record, Patient | CourseEvent):
            wanted["patients"].add(record.patient_id)
        if isinstance(record, CourseEvent | AdverseEvent) and record.course_id is not None:
            wanted["courses"].add(record.course_id)
    for name, ids in wanted.items():
        uow.staged(name).prefetch(ids)
    # The queries of the use cases' checks: is the pseudonym free, the events of the course.
    uow.staged("patients").prefetch_find(
        "pseudonym", {r.pseudonym for r in records if isinstance(r, Patient)}
    )
    uow.staged("course_events").prefetch_find(
        "course_id", {r.course_id for r in records if isinstance(r, CourseEvent)}
    )
    uow.staged("identities").prefetch_find(  # is the hospital number free in the centre
        "hospital_number", {r.hospital_number for r in records if isinstance(r, PatientIdentity)}
    )


def _import_resource(
    uow: UnitOfWork, read: ReadResource, centre: Centre, *, by: str, now: datetime
) -> ResourceOutcome:
    if read.refusal:
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.REFUSED, read.refusal)
    if read.skipped:
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.SKIPPED, read.skipped)
    try:
        results = []
        records, note = _with_pseudonym(uow, read, centre)
        for record in records:
            _check_centre(uow, record, centre)
            results.append(_write(uow, record, by=by, now=now))
    except (DomainError, ServiceError) as exc:
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.REFUSED, str(exc))
    if all(r == "added" for r in results):
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.ACCEPTED, note)
    reason = "unchanged: nothing written" if all(r == "unchanged" for r in results) else ""
    reason = "; ".join(part for part in (reason, read.note) if part)
    return ResourceOutcome(read.resource_type, read.id, ImportStatus.UPDATED, reason)


def _with_pseudonym(
    uow: UnitOfWork, read: ReadResource, centre: Centre
) -> tuple[tuple[Any, ...], str]:
    """The records with the pseudonym of a Patient that gives none, and the report note.

    The stored patient with the resource's id keeps its pseudonym (a re-import matches it by
    id); a new one gets a pseudonym in the centre's series, made as enrolment makes one.
    """
    if not read.pseudonym_to_generate:
        return read.records, read.note
    records = []
    note = read.note
    for record in read.records:
        if isinstance(record, Patient):
            try:
                pseudonym = uow.patients.get(record.id).pseudonym
            except NotFoundError:
                pseudonym = patients.unused_pseudonym(uow, centre)
                made = (
                    f"pseudonym {pseudonym} made in the centre's series (the Patient gives none); "
                    "re-imports match the patient by its resource id"
                )
                note = "; ".join(part for part in (made, note) if part)
            record = dataclasses.replace(record, pseudonym=pseudonym)
        records.append(record)
    return tuple(records), note


def _check_centre(uow: UnitOfWork, record: Any, centre: Centre) -> None:
    if isinstance(record, Patient):
        patient_id = record.id
    elif isinstance(record, CourseEvent):
        patient_id = uow.courses.get(record.course_id).patient_id
    else:
        patient_id = record.patient_id
    try:
        patient = uow.patients.get(patient_id)
    except NotFoundError:
        if isinstance(record, Patient):
            return
        raise
    if patient.centre_id != centre.id:
        raise _OtherCentreError(patient_id, centre.code)


def _death_recorded_otherwise(uow: UnitOfWork, record: Any) -> bool:
    return (
        isinstance(record, OutcomeEvent)
        and record.kind is OutcomeKind.DEATH
        and bool(uow.outcomes.find(patient_id=record.patient_id, kind=OutcomeKind.DEATH))
    )


class _OtherCentreError(ServiceError):
    def __init__(self, patient_id: str, centre_code: str) -> None:
        super().__init__(
            f"patient {patient_id!r} is enrolled at another centre, not {centre_code!r}"
        )


def _write(uow: UnitOfWork, record: Any, *, by: str, now: datetime) -> str:
    kind = _KINDS[type(record)]
    try:
        stored = getattr(uow, kind.repo_name).get(record.id)
    except NotFoundError:
        if _death_recorded_otherwise(uow, record):
            return "unchanged"
        kind.add(uow, record, by=by, now=now)
        return "added"
    if kind.carried:
        record = dataclasses.replace(stored, **{f: getattr(record, f) for f in kind.carried})
    record = dataclasses.replace(record, version=stored.version)
    if record == stored:
        return "unchanged"
    kind.correct(uow, record, reason=REIMPORT_REASON, by=by, now=now)
    return "updated"
