"""Import a FHIR R4 Bundle into one centre: all resources or none, with a report per resource.

References
----------
FHIR R4 Bundle (hl7.org/fhir/R4/bundle.html) and the transaction rule of the RESTful API
(hl7.org/fhir/R4/http.html#transaction: all entries succeed or none) that we follow for every
Bundle type: "either all resources are processed, or none of them is".

Notes
-----
Each entry's resource is parsed on its own with the fhir.resources R4B model of its type, so a
validation error is reported against that resource. Resources are then mapped to our records and
written in dependency order (Patient, Condition, EpisodeOfCare, Procedure, Observation,
MedicationStatement, AdverseEvent) through the use cases, in the caller's unit of work. A record
whose id is not stored yet is added under that id (``accepted``); one already stored is corrected
from the stored version through an audited update (``updated``), or left alone when nothing
differs (``updated``, "unchanged"). A resource that cannot be read or that a use case refuses is
``refused`` with the reason; the other resources are still checked so that the report is
complete, but the unit of work is committed only when nothing was refused and this is not a dry
run. Records already stored must belong to the centre the Bundle is imported into. Records that
are stored but absent from the Bundle are kept (a re-import never deletes).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pydantic
from fhir.resources.R4B.bundle import Bundle

from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse
from lupus_sct.domain.records.adverse_events import AdverseEvent
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity
from lupus_sct.interop.fhir.adverse_events import read_adverse_event
from lupus_sct.interop.fhir.courses import read_course, read_event
from lupus_sct.interop.fhir.export import RESOURCE_ORDER
from lupus_sct.interop.fhir.medications import read_medication
from lupus_sct.interop.fhir.observations import read_observation
from lupus_sct.interop.fhir.people import read_condition, read_patient
from lupus_sct.interop.fhir.staged_writes import StagedUnitOfWork
from lupus_sct.interop.fhir.validation import ElementCache
from lupus_sct.services.clinic import clinical_records as clinical
from lupus_sct.services.clinic import record_updates as updates
from lupus_sct.services.errors import NotFoundError, ServiceError
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.storable_text import find_unstorable, unstorable_reason

REIMPORT_REASON = "FHIR re-import"


class ImportStatus(enum.Enum):
    """What happened to one resource."""

    ACCEPTED = "accepted"
    UPDATED = "updated"
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


class BundleError(ValueError):
    """The input is not a FHIR Bundle at all (as opposed to a refused resource)."""


class UnknownCentreError(NotFoundError):
    """No centre has the code the Bundle is to be imported into."""

    def __init__(self, centre_code: str) -> None:
        super().__init__("centre", centre_code)
        self.args = (f"no centre with code {centre_code!r}",)


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
}
_READERS: dict[str, Callable[[Any, str], list[Any]]] = {
    "Patient": lambda r, centre_id: list(read_patient(r, centre_id)),
    "Condition": lambda r, _: [read_condition(r)],
    "EpisodeOfCare": lambda r, _: [read_course(r)],
    "Procedure": lambda r, _: [read_event(r)],
    "Observation": lambda r, _: [read_observation(r)],
    "MedicationStatement": lambda r, _: [read_medication(r)],
    "AdverseEvent": lambda r, _: [read_adverse_event(r)],
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    position: int
    resource_type: str
    id: str | None
    resource: Any = None
    problem: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ReadResource:
    """One entry of a Bundle read into our records, or the reason it cannot be."""

    position: int  # in the Bundle, from 0
    resource_type: str
    id: str | None
    records: tuple[Any, ...] = ()
    refusal: str = ""


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


def load_bundle_json(text: str) -> dict[str, Any]:
    """The JSON object of a Bundle file, or :class:`BundleError` naming what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise BundleError("the file is not a FHIR Bundle (resourceType must be 'Bundle')")
    return data


def import_bundle(
    uow: UnitOfWork,
    bundle: dict[str, Any],
    *,
    centre_code: str,
    by: str,
    now: datetime,
    dry_run: bool = False,
) -> ImportReport:
    """Import every resource of ``bundle`` into the centre ``centre_code``, or none of them.

    ``uow`` is an entered unit of work; it is committed only when every resource was accepted or
    updated and ``dry_run`` is false, and rolled back otherwise.
    """
    centre = find_centre(uow, centre_code)
    read = read_bundle(bundle, centre.id)
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


def find_centre(uow: UnitOfWork, centre_code: str) -> Centre:
    """The centre a Bundle is imported into, or :class:`UnknownCentreError`."""
    centres = uow.centres.find(code=centre_code)
    if not centres:
        raise UnknownCentreError(centre_code)
    return centres[0]


def read_bundle(
    bundle: dict[str, Any], centre_id: str, elements: ElementCache | None = None
) -> ReadBundle:
    """Validate every resource of ``bundle`` and read it into our records (pure).

    ``elements`` keeps validated elements for the next Bundles of the same import. Raises
    :class:`BundleError` when the Bundle itself (not one of its resources) is invalid.
    """
    elements = elements if elements is not None else ElementCache()
    read = []
    for entry in sorted(_parse_entries(bundle, elements), key=_rank):
        reading = _read(entry, centre_id)
        if isinstance(reading, ResourceOutcome):
            read.append(
                ReadResource(entry.position, entry.resource_type, entry.id, (), reading.reason)
            )
        else:
            read.append(ReadResource(entry.position, entry.resource_type, entry.id, tuple(reading)))
    return ReadBundle(tuple(read))


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


def _rank(entry: _Entry) -> tuple[int, int]:
    order = (
        RESOURCE_ORDER.index(entry.resource_type)
        if entry.resource_type in RESOURCE_ORDER
        else len(RESOURCE_ORDER)
    )
    return order, entry.position


def _parse_entries(bundle: dict[str, Any], elements: ElementCache) -> list[_Entry]:
    raw_entries = bundle.get("entry") or []
    if not isinstance(raw_entries, list):
        raise BundleError("Bundle.entry must be a list")
    envelope = {**bundle, "entry": [_without_resource(e) for e in raw_entries]}
    try:
        Bundle.model_validate(envelope)
    except pydantic.ValidationError as exc:
        raise BundleError(f"the Bundle itself is not valid: {_summary(exc)}") from exc
    entries = []
    seen: dict[tuple[str, str], int] = {}
    for position, raw in enumerate(raw_entries):
        resource = raw.get("resource") if isinstance(raw, dict) else None
        entry = _parse_entry(position, resource, elements)
        key = (entry.resource_type, entry.id or "")
        if not entry.problem and key in seen:
            entry = dataclasses.replace(
                entry, problem=f"the same resource is also entry {seen[key] + 1} of the Bundle"
            )
        seen.setdefault(key, position)
        entries.append(entry)
    return entries


def _without_resource(entry: Any) -> Any:
    return {k: v for k, v in entry.items() if k != "resource"} if isinstance(entry, dict) else entry


def _parse_entry(position: int, resource: Any, elements: ElementCache) -> _Entry:
    if not isinstance(resource, dict):
        return _Entry(position, "(none)", None, problem="the entry has no resource")
    resource_type = str(resource.get("resourceType", "(none)"))
    resource_id = resource.get("id") if isinstance(resource.get("id"), str) else None
    unstorable = find_unstorable(resource)
    if unstorable is not None:  # refused here, the same on both databases, with no value quoted
        where, reason, _ = unstorable
        shown_type = resource_type if unstorable_reason(resource_type) is None else "(none)"
        shown_id = resource_id if resource_id and unstorable_reason(resource_id) is None else None
        return _Entry(position, shown_type, shown_id, problem=f"{where} {reason}")
    if resource_type not in _READERS:
        read = ", ".join(_READERS)
        return _Entry(
            position, resource_type, resource_id, problem=f"not a resource type we read ({read})"
        )
    if not resource_id:
        return _Entry(
            position, resource_type, None, problem="a resource needs an id (kept as our record id)"
        )
    try:
        model = elements.validate(resource)
    except pydantic.ValidationError as exc:
        return _Entry(position, resource_type, resource_id, problem=_summary(exc))
    return _Entry(position, resource_type, resource_id, resource=model)


def _summary(exc: pydantic.ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(resource)'}: {error['msg']}"
        for error in exc.errors()
    )


def _refused(entry: _Entry, reason: str) -> ResourceOutcome:
    return ResourceOutcome(entry.resource_type, entry.id, ImportStatus.REFUSED, reason)


def _read(entry: _Entry, centre_id: str) -> list[Any] | ResourceOutcome:
    """The records of one resource, or its refusal."""
    if entry.problem:
        return _refused(entry, entry.problem)
    try:
        return _READERS[entry.resource_type](entry.resource, centre_id)
    except (DomainError, ServiceError) as exc:
        return _refused(entry, str(exc))


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
    try:
        results = []
        for record in read.records:
            _check_centre(uow, record, centre)
            results.append(_write(uow, record, by=by, now=now))
    except (DomainError, ServiceError) as exc:
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.REFUSED, str(exc))
    if all(r == "added" for r in results):
        return ResourceOutcome(read.resource_type, read.id, ImportStatus.ACCEPTED)
    reason = "unchanged: nothing written" if all(r == "unchanged" for r in results) else ""
    return ResourceOutcome(read.resource_type, read.id, ImportStatus.UPDATED, reason)


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
        kind.add(uow, record, by=by, now=now)
        return "added"
    if kind.carried:
        record = dataclasses.replace(stored, **{f: getattr(record, f) for f in kind.carried})
    record = dataclasses.replace(record, version=stored.version)
    if record == stored:
        return "unchanged"
    kind.correct(uow, record, reason=REIMPORT_REASON, by=by, now=now)
    return "updated"
