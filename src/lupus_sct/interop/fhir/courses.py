"""EpisodeOfCare for a therapy course; Procedure for its collection, conditioning and infusion.

References
----------
FHIR R4 EpisodeOfCare, Procedure and complex extensions (hl7.org/fhir/R4/episodeofcare.html,
procedure.html, extensibility.html). Pathway events and day numbering: docs/spec/pathway.md
§4 and §4.4; :mod:`lupus_sct.domain.pathway.course`.

Notes
-----
Course. The course kind and the protocol are two ``EpisodeOfCare.type`` concepts in local code
systems. Day 0 is a local extension (``day-zero``, ``valueDate``) rather than a ``type`` coding: it
is a date, not a classification, and R4 EpisodeOfCare has no element for it. Status maps
planned -> ``planned``, active -> ``active``, completed -> ``finished`` and ended early ->
``cancelled`` (R4: "services terminated outside the planned/expected workflow"); a non-empty end
reason is a local extension.

Events. Mobilisation, apheresis (collection), graft processing, conditioning and infusion become
Procedures coded in the local system :data:`EVENT_SYSTEM`. No SNOMED CT code for these steps
could be verified against more than one source, so none is sent. R4 Procedure has no element
pointing at an EpisodeOfCare, so the course is a local extension (``therapy-course``,
``valueReference``). The event's details (CD34+ yield, agents and doses, product analysis) are a
complex local extension (``pathway-event-details``) whose sub-extensions are named after our
fields: numbers as ``valueDecimal``/``valueInteger``, text and enumerations as ``valueString``,
"unknown" as ``valueCode`` and "not evaluated" left out. Referral, eligibility, consent,
engraftment and discharge are not exported.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.pathway.course import (
    DETAILS_TYPE,
    CourseEvent,
    CourseKind,
    CourseStatus,
    EventDetails,
    EventKind,
    TherapyCourse,
)
from lupus_sct.interop.fhir import systems as s
from lupus_sct.services.record_codec import MISSING_KEY, from_record, to_record

COURSE_KIND_SYSTEM = s.local_system("therapy-course-kind")
PROTOCOL_SYSTEM = s.local_system("treatment-protocol")
EVENT_SYSTEM = s.local_system("pathway-event")
DAY_ZERO_EXTENSION = s.local_extension("day-zero")
END_REASON_EXTENSION = s.local_extension("end-reason")
COURSE_EXTENSION = s.local_extension("therapy-course")
DETAILS_EXTENSION = s.local_extension("pathway-event-details")
PROCEDURE_EVENTS = (
    EventKind.MOBILISATION,
    EventKind.APHERESIS,
    EventKind.GRAFT_PROCESSING,
    EventKind.CONDITIONING,
    EventKind.INFUSION,
)
STATUS = {
    CourseStatus.PLANNED: "planned",
    CourseStatus.ACTIVE: "active",
    CourseStatus.COMPLETED: "finished",
    CourseStatus.ENDED_EARLY: "cancelled",
}
_STATUS_BY_CODE = {code: status for status, code in STATUS.items()}
_NOT_EVALUATED = {MISSING_KEY: "not_evaluated"}


def course_resource(course: TherapyCourse) -> dict[str, Any]:
    """An EpisodeOfCare for a course."""
    extensions = []
    if course.day0 is not None:
        extensions.append({"url": DAY_ZERO_EXTENSION, "valueDate": course.day0.isoformat()})
    if course.end_reason:
        extensions.append({"url": END_REASON_EXTENSION, "valueString": course.end_reason})
    resource: dict[str, Any] = {"resourceType": "EpisodeOfCare", "id": course.id}
    if extensions:
        resource["extension"] = extensions
    resource |= {
        "status": STATUS[course.status],
        "type": [
            {"coding": [s.coding(COURSE_KIND_SYSTEM, course.kind.value)]},
            {"coding": [s.coding(PROTOCOL_SYSTEM, course.protocol_id)]},
        ],
        "patient": s.reference("Patient", course.patient_id),
        "period": {"start": course.start_date.isoformat()},
    }
    return resource


def read_course(resource: Any) -> TherapyCourse:
    """The course an EpisodeOfCare records."""
    kinds = [c for t in resource.type or [] for c in s.codes_in(t, COURSE_KIND_SYSTEM)]
    protocols = [c for t in resource.type or [] for c in s.codes_in(t, PROTOCOL_SYSTEM)]
    if not kinds or not protocols:
        raise InvalidValueError(
            "EpisodeOfCare.type", None, f"codings from {COURSE_KIND_SYSTEM} and {PROTOCOL_SYSTEM}"
        )
    try:
        kind = CourseKind(kinds[0])
    except ValueError:
        names = ", ".join(k.value for k in CourseKind)
        raise InvalidValueError("EpisodeOfCare.type", kinds[0], f"one of {names}") from None
    if resource.status not in _STATUS_BY_CODE:
        raise InvalidValueError("EpisodeOfCare.status", resource.status, ", ".join(_STATUS_BY_CODE))
    patient_id = s.patient_referenced(resource.patient, "EpisodeOfCare.patient")
    if resource.period is None or resource.period.start is None:
        raise InvalidValueError("EpisodeOfCare.period.start", None, "the start date")
    day0 = s.extensions_with(resource, DAY_ZERO_EXTENSION)
    end_reason = s.extensions_with(resource, END_REASON_EXTENSION)
    return TherapyCourse(
        id=resource.id,
        patient_id=patient_id,
        kind=kind,
        protocol_id=protocols[0],
        status=_STATUS_BY_CODE[resource.status],
        start_date=s.as_date(resource.period.start, "EpisodeOfCare.period.start"),
        day0=s.as_date(day0[0].valueDate, "EpisodeOfCare.extension[day-zero]") if day0 else None,
        end_reason=str(end_reason[0].valueString or "") if end_reason else "",
    )


def event_resource(event: CourseEvent, course: TherapyCourse) -> dict[str, Any]:
    """A Procedure for a collection, processing, conditioning or infusion event."""
    extensions: list[dict[str, Any]] = [
        {"url": COURSE_EXTENSION, "valueReference": s.reference("EpisodeOfCare", course.id)}
    ]
    details = _encode_record(to_record(event.details))
    if details:
        extensions.append({"url": DETAILS_EXTENSION, "extension": details})
    label = event.kind.value.replace("_", " ")
    return {
        "resourceType": "Procedure",
        "id": event.id,
        "extension": extensions,
        "status": "completed",
        "code": {"coding": [s.coding(EVENT_SYSTEM, event.kind.value, label)]},
        "subject": s.reference("Patient", course.patient_id),
        "performedDateTime": event.event_date.isoformat(),
    }


def read_event(resource: Any) -> CourseEvent:
    """The course event a Procedure records."""
    if resource.status in ("not-done", "entered-in-error"):
        raise InvalidValueError("Procedure.status", resource.status, "a procedure that was done")
    code = s.first_code(resource.code, EVENT_SYSTEM)
    kinds = {k.value: k for k in PROCEDURE_EVENTS}
    if code not in kinds:
        raise InvalidValueError(
            "Procedure.code", code, f"a code of {EVENT_SYSTEM}: {', '.join(kinds)}"
        )
    kind = kinds[code]
    course = s.extensions_with(resource, COURSE_EXTENSION)
    course_id = s.referenced_id(course[0].valueReference, "EpisodeOfCare") if course else None
    if course_id is None:
        raise InvalidValueError(
            "Procedure.extension", None, f"{COURSE_EXTENSION} with a reference EpisodeOfCare/<id>"
        )
    performed = resource.performedDateTime or (
        resource.performedPeriod.start if resource.performedPeriod else None
    )
    if performed is None:
        raise InvalidValueError("Procedure.performedDateTime", None, "the date of the event")
    details = s.extensions_with(resource, DETAILS_EXTENSION)
    return CourseEvent(
        id=resource.id,
        course_id=course_id,
        kind=kind,
        event_date=s.as_date(performed, "Procedure.performedDateTime"),
        details=_decode_details(kind, details[0].extension or [] if details else []),
    )


def _encode_record(record: dict[str, Any]) -> list[dict[str, Any]]:
    encoded = []
    for name, value in record.items():
        for item in value if isinstance(value, list) else [value]:
            element = _encode_value(item)
            if element is not None:
                encoded.append({"url": name, **element})
    return encoded


def _encode_value(value: Any) -> dict[str, Any] | None:
    if value is None or value == "" or value == _NOT_EVALUATED:
        return None
    if isinstance(value, dict) and MISSING_KEY in value:
        return {"valueCode": value[MISSING_KEY]}
    if isinstance(value, dict):
        return {"extension": _encode_record(value)}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def _decode_details(kind: EventKind, extensions: list[Any]) -> EventDetails:
    cls = DETAILS_TYPE[kind]
    try:
        return from_record(cls, _decode_record(cls, extensions))
    except (TypeError, ValueError, KeyError) as exc:
        raise InvalidValueError(
            f"Procedure.extension[{DETAILS_EXTENSION}]",
            kind.value,
            f"the details of a {kind.value.replace('_', ' ')} ({exc})",
        ) from None


def _decode_record(cls: type, extensions: list[Any]) -> dict[str, Any]:
    hints = _hints(cls)
    record: dict[str, Any] = {}
    for extension in extensions:
        annotation = hints.get(extension.url)
        if annotation is None:
            raise InvalidValueError(
                "Procedure.extension.extension.url", extension.url, f"a field of {cls.__name__}"
            )
        value = _decode_value(annotation, extension)
        if typing.get_origin(annotation) is tuple:
            record.setdefault(extension.url, []).append(value)
        else:
            record[extension.url] = value
    return record


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_value(annotation: Any, extension: Any) -> Any:
    if extension.extension:
        nested = [
            a
            for a in typing.get_args(annotation)
            if isinstance(a, type) and dataclasses.is_dataclass(a)
        ]
        if not nested:
            raise InvalidValueError(
                f"Procedure.extension.extension[{extension.url}]", "nested", "a simple value"
            )
        return _decode_record(nested[0], extension.extension)
    if extension.valueCode is not None:
        return {MISSING_KEY: extension.valueCode}
    for name in ("valueBoolean", "valueInteger", "valueString"):
        value = getattr(extension, name)
        if value is not None:
            return value
    if extension.valueDecimal is not None:
        return s.as_float(extension.valueDecimal)
    return None
