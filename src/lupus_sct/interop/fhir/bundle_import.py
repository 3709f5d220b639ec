"""Import a FHIR R4 Bundle into one centre: all resources or none, with a report per resource.

References
----------
FHIR R4 Bundle (hl7.org/fhir/R4/bundle.html) and the transaction rule of the RESTful API
(hl7.org/fhir/R4/http.html#transaction: all entries succeed or none) that we follow for every
Bundle type: "either all resources are processed, or none of them is".

Notes
-----
Each entry's resource is parsed on its own with the fhir.resources R4B model of its type, so a
validation error is reported against that resource, and mapped to our records in dependency
order (Patient, Condition, EpisodeOfCare, Procedure, Observation, MedicationStatement,
AdverseEvent). References to other entries (``urn:uuid:`` fullUrls) are resolved first
(:mod:`.references`). A resource that cannot be read is ``refused`` with the reason. A resource
of a type the platform does not model (Encounter, Claim, Immunization...) is ``skipped`` and
reported, and does not stop the others; with ``strict`` it is refused as any unreadable
resource. A resource of a type we read but coded outside the platform's catalogue (an
Observation in a LOINC code we do not store, a Condition other than SLE or RA, or one without
both its ICD-10 and SNOMED CT codes) is skipped the same way, its code in the reason so that the
report counts them per code. Writing the records
(through the use cases, in one transaction, committed only when nothing was refused) is the
services' :func:`~lupus_sct.services.imports.fhir_bundles.write_bundle`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pydantic
from fhir.resources.R4B.bundle import Bundle

from lupus_sct.domain.errors import DomainError
from lupus_sct.interop.fhir.adverse_events import read_adverse_event
from lupus_sct.interop.fhir.courses import read_course, read_event
from lupus_sct.interop.fhir.export import RESOURCE_ORDER
from lupus_sct.interop.fhir.medications import read_medication
from lupus_sct.interop.fhir.observations import read_observation
from lupus_sct.interop.fhir.people import (
    carries_pseudonym,
    patient_note,
    read_condition,
    read_patient,
)
from lupus_sct.interop.fhir.references import bundle_targets, entry_id, resolved
from lupus_sct.interop.fhir.systems import OutsideCatalogueError
from lupus_sct.interop.fhir.validation import ElementCache
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.imports.fhir_bundles import (
    ImportReport,
    ImportStatus,
    ReadBundle,
    ReadResource,
    ResourceOutcome,
    UnknownCentreError,
    find_centre,
    write_bundle,
)
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.storable_text import find_unstorable, unstorable_reason

__all__ = [
    "BundleError",
    "ImportReport",
    "ImportStatus",
    "ReadBundle",
    "ReadResource",
    "ResourceOutcome",
    "UnknownCentreError",
    "import_bundle",
    "load_bundle_json",
    "read_bundle",
]


class BundleError(ValueError):
    """The input is not a FHIR Bundle at all (as opposed to a refused resource)."""


_READERS: dict[str, Callable[[Any, str], list[Any]]] = {
    "Patient": lambda r, centre_id: list(read_patient(r, centre_id)),
    "Condition": lambda r, _: [read_condition(r)],
    "EpisodeOfCare": lambda r, _: [read_course(r)],
    "Procedure": lambda r, _: [read_event(r)],
    "Observation": lambda r, _: [read_observation(r)],
    "MedicationStatement": lambda r, _: [read_medication(r)],
    "AdverseEvent": lambda r, _: [read_adverse_event(r)],
}


_NOTES: dict[str, Callable[[Any], str]] = {"Patient": patient_note}


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    position: int
    resource_type: str
    id: str | None
    resource: Any = None
    problem: str = ""
    skipped: str = ""


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
    strict: bool = False,
) -> ImportReport:
    """Import every resource of ``bundle`` into the centre ``centre_code``, or none of them.

    ``uow`` is an entered unit of work; it is committed only when no resource was refused and
    ``dry_run`` is false, and rolled back otherwise. ``strict`` refuses the resource types the
    platform does not model instead of skipping them.
    """
    centre = find_centre(uow, centre_code)
    read = read_bundle(bundle, centre.id, strict=strict)
    return write_bundle(uow, read, centre, by=by, now=now, dry_run=dry_run)


def read_bundle(
    bundle: dict[str, Any],
    centre_id: str,
    elements: ElementCache | None = None,
    *,
    strict: bool = False,
) -> ReadBundle:
    """Validate every resource of ``bundle`` and read it into our records (pure).

    ``elements`` keeps validated elements for the next Bundles of the same import; ``strict``
    refuses resource types we do not read instead of skipping them. Raises
    :class:`BundleError` when the Bundle itself (not one of its resources) is invalid.
    """
    elements = elements if elements is not None else ElementCache()
    read = []
    for entry in sorted(_parse_entries(bundle, elements, strict=strict), key=_rank):
        if entry.skipped:
            read.append(
                ReadResource(
                    entry.position, entry.resource_type, entry.id, (), skipped=entry.skipped
                )
            )
            continue
        reading = _read(entry, centre_id, strict=strict)
        if isinstance(reading, str):
            read.append(
                ReadResource(entry.position, entry.resource_type, entry.id, (), skipped=reading)
            )
        elif isinstance(reading, ResourceOutcome):
            read.append(
                ReadResource(entry.position, entry.resource_type, entry.id, (), reading.reason)
            )
        else:
            note = (
                _NOTES[entry.resource_type](entry.resource) if entry.resource_type in _NOTES else ""
            )
            generate = entry.resource_type == "Patient" and not carries_pseudonym(entry.resource)
            read.append(
                ReadResource(
                    entry.position,
                    entry.resource_type,
                    entry.id,
                    tuple(reading),
                    note=note,
                    pseudonym_to_generate=generate,
                )
            )
    return ReadBundle(tuple(read))


def _rank(entry: _Entry) -> tuple[int, int]:
    order = (
        RESOURCE_ORDER.index(entry.resource_type)
        if entry.resource_type in RESOURCE_ORDER
        else len(RESOURCE_ORDER)
    )
    return order, entry.position


def _parse_entries(bundle: dict[str, Any], elements: ElementCache, *, strict: bool) -> list[_Entry]:
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
    targets = bundle_targets(raw_entries)
    for position, raw in enumerate(raw_entries):
        resource = _resource_of(raw, targets)
        entry = _parse_entry(position, resource, elements, strict=strict)
        key = (entry.resource_type, entry.id or "")
        if not entry.problem and not entry.skipped and key in seen:
            entry = dataclasses.replace(
                entry, problem=f"the same resource is also entry {seen[key] + 1} of the Bundle"
            )
        seen.setdefault(key, position)
        entries.append(entry)
    return entries


def _resource_of(raw: Any, targets: dict[str, str]) -> Any:
    """The entry's resource, its Bundle references resolved and its id taken from the fullUrl."""
    resource = raw.get("resource") if isinstance(raw, dict) else None
    if not isinstance(resource, dict):
        return resource
    resource = resolved(resource, targets)
    if not resource.get("id"):
        resource_id = entry_id(raw)
        if resource_id is not None:
            resource = {**resource, "id": resource_id}
    return resource


def _without_resource(entry: Any) -> Any:
    return {k: v for k, v in entry.items() if k != "resource"} if isinstance(entry, dict) else entry


def _parse_entry(position: int, resource: Any, elements: ElementCache, *, strict: bool) -> _Entry:
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
        if strict:
            return _Entry(
                position,
                resource_type,
                resource_id,
                problem=f"not a resource type we read ({read}); refused by --strict",
            )
        return _Entry(
            position,
            resource_type,
            resource_id,
            skipped=f"not a resource type we read ({read}); skipped, nothing of it stored",
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


def _read(entry: _Entry, centre_id: str, *, strict: bool) -> list[Any] | ResourceOutcome | str:
    """The records of one resource, its refusal, or why it is skipped (codes we do not store)."""
    if entry.problem:
        return _refused(entry, entry.problem)
    try:
        return _READERS[entry.resource_type](entry.resource, centre_id)
    except OutsideCatalogueError as exc:
        return _refused(entry, f"{exc}; refused by --strict") if strict else str(exc)
    except (DomainError, ServiceError) as exc:
        return _refused(entry, str(exc))
