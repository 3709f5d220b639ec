"""AdverseEvent: a CTCAE v5.0 term and grade, seriousness, attribution and the course.

References
----------
FHIR R4 AdverseEvent (hl7.org/fhir/R4/adverseevent.html) and its required bindings
adverse-event-severity (mild, moderate, severe), example bindings adverse-event-seriousness and
adverse-event-outcome. NCI CTCAE v5.0 (grades 1-5) and the NCI CTEP attribution scale:
:mod:`lupus_sct.domain.records.adverse_events`.

Notes
-----
The term is a coding of the local system :data:`TERM_SYSTEM` (``version`` is the CTCAE version).
The grade is carried without an extension: ``severity`` holds the required R4 coding (grade 1
mild, 2 moderate, 3-5 severe) and, as an additional coding of the same concept, the CTCAE grade
in the local system :data:`GRADE_SYSTEM`; only the latter is read back. ``seriousness`` is
serious/non-serious. The attribution is ``suspectEntity.causality.assessment`` in a local system;
the suspect is the course, named by a logical reference (``instance.identifier`` in
:data:`~lupus_sct.interop.fhir.systems.THERAPY_COURSE_SYSTEM`) because R4 does not allow a
literal reference to an EpisodeOfCare there; without a course the instance is "cell therapy" by
display only. ``outcome`` is derived (fatal for grade 5, resolved with a resolution date, else
ongoing) and not read. R4 AdverseEvent has no end date, so the resolution date is the one local
extension (``resolution-date``). An imported event without a causality assessment is read as
attribution "unknown".
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.adverse_events import CTCAE_VERSION, AdverseEvent, Attribution
from lupus_sct.interop.fhir import systems as s

TERM_SYSTEM = s.local_system("ctcae-term")
GRADE_SYSTEM = s.local_system("ctcae-grade")
ATTRIBUTION_SYSTEM = s.local_system("ctcae-attribution")
RESOLUTION_EXTENSION = s.local_extension("resolution-date")
SEVERITY_OF_GRADE = {1: "mild", 2: "moderate", 3: "severe", 4: "severe", 5: "severe"}
FATAL_GRADE = 5  # CTCAE v5.0: grade 5 is death related to the adverse event


def adverse_event_resource(event: AdverseEvent) -> dict[str, Any]:
    """An AdverseEvent resource for one CTCAE-graded event."""
    resource: dict[str, Any] = {"resourceType": "AdverseEvent", "id": event.id}
    if event.resolution_date is not None:
        resource["extension"] = [
            {"url": RESOLUTION_EXTENSION, "valueDate": event.resolution_date.isoformat()}
        ]
    term = s.coding(TERM_SYSTEM, event.ctcae_term, event.ctcae_term)
    grade = s.coding(GRADE_SYSTEM, str(event.grade), f"Grade {event.grade}")
    outcome = (
        "fatal"
        if event.grade == FATAL_GRADE
        else "resolved"
        if event.resolution_date is not None
        else "ongoing"
    )
    instance: dict[str, Any] = (
        {"display": "cell therapy"}
        if event.course_id is None
        else {
            "identifier": {"system": s.THERAPY_COURSE_SYSTEM, "value": event.course_id},
            "display": "cell therapy course",
        }
    )
    resource |= {
        "actuality": "actual",
        "event": {
            "coding": [{**term, "version": event.ctcae_version}],
            "text": event.ctcae_term,
        },
        "subject": s.reference("Patient", event.patient_id),
        "date": event.onset_date.isoformat(),
        "seriousness": {
            "coding": [s.coding(s.AE_SERIOUSNESS, "serious" if event.serious else "non-serious")]
        },
        "severity": {
            "coding": [
                s.coding(s.AE_SEVERITY, SEVERITY_OF_GRADE[event.grade]),
                {**grade, "version": event.ctcae_version},
            ]
        },
        "outcome": {"coding": [s.coding(s.AE_OUTCOME, outcome)]},
        "suspectEntity": [
            {
                "instance": instance,
                "causality": [
                    {
                        "assessment": {
                            "coding": [s.coding(ATTRIBUTION_SYSTEM, event.attribution.value)]
                        }
                    }
                ],
            }
        ],
    }
    return resource


def read_adverse_event(resource: Any) -> AdverseEvent:
    """The CTCAE-graded event an AdverseEvent resource records.

    An event not coded as a CTCAE term is outside the catalogue (skipped and reported).
    """
    terms = [
        c
        for c in (resource.event.coding if resource.event else None) or []
        if c.system == TERM_SYSTEM
    ]
    if not terms or not terms[0].code:  # coded only in another system (MedDRA, SNOMED CT...)
        raise s.OutsideCatalogueError(
            "AdverseEvent.event",
            s.any_code_label(resource.event),
            f"a CTCAE term coded in {TERM_SYSTEM}",
        )
    grade = s.first_code(resource.severity, GRADE_SYSTEM)
    if grade is None or not grade.isdigit():
        raise InvalidValueError(
            "AdverseEvent.severity", grade, f"a CTCAE grade 1-5 coded in {GRADE_SYSTEM}"
        )
    patient_id = s.patient_referenced(resource.subject, "AdverseEvent.subject")
    if resource.date is None:
        raise InvalidValueError("AdverseEvent.date", None, "the onset date")
    resolution = s.extensions_with(resource, RESOLUTION_EXTENSION)
    course_id, attribution = _suspect(resource)
    return AdverseEvent(
        id=resource.id,
        patient_id=patient_id,
        course_id=course_id,
        ctcae_term=str(terms[0].code),
        grade=int(grade),
        onset_date=s.as_date(resource.date, "AdverseEvent.date"),
        serious=_serious(resource),
        attribution=attribution,
        resolution_date=(
            s.as_date(resolution[0].valueDate, "AdverseEvent.extension[resolution-date]")
            if resolution
            else None
        ),
        ctcae_version=str(terms[0].version or CTCAE_VERSION),
    )


def _serious(resource: Any) -> bool:
    code = s.first_code(resource.seriousness, s.AE_SERIOUSNESS)
    if code not in ("serious", "non-serious"):
        raise InvalidValueError(
            "AdverseEvent.seriousness", code, f"serious or non-serious ({s.AE_SERIOUSNESS})"
        )
    return code == "serious"


def _suspect(resource: Any) -> tuple[str | None, Attribution]:
    course_id: str | None = None
    attribution = Attribution.UNKNOWN
    for suspect in resource.suspectEntity or []:
        identifier = suspect.instance.identifier if suspect.instance else None
        if identifier is not None and identifier.system == s.THERAPY_COURSE_SYSTEM:
            course_id = identifier.value
        for causality in suspect.causality or []:
            code = s.first_code(causality.assessment, ATTRIBUTION_SYSTEM)
            if code is not None:
                try:
                    attribution = Attribution(code)
                except ValueError:
                    names = ", ".join(a.value for a in Attribution)
                    raise InvalidValueError(
                        "AdverseEvent.suspectEntity.causality", code, f"one of {names}"
                    ) from None
    return course_id, attribution
