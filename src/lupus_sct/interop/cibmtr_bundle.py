"""A CIBMTR-style FHIR R4 submission Bundle for one therapy course.

References
----------
CIBMTR FHIR Reporting Implementation Guide (NMDP/CIBMTR, fhir.nmdp.org/ig/cibmtr-reporting):
resources are tagged in ``meta.security`` with the transplant centre (CIBMTR Center Number, CCN)
under the system :data:`TRANSPLANT_CENTER_SYSTEM`, code ``rc_<CCN>``; the recipient is known to
CIBMTR by its CRID (CIBMTR Research ID) under :data:`CRID_SYSTEM`. The NMDP MatchSync IG
(fhir.nmdp.org/ig/matchsync, profile TransplantCenter) tags resources the same way under
``http://terminology.nmdp.org/codesystem/transplant-center``.

Notes
-----
The Bundle (type ``collection``) holds the course's Patient without direct identifiers (the
pseudonym, plus the CRID when the caller gives one, since we do not store it), the diagnoses
(Condition), the course (EpisodeOfCare), its collection, processing, conditioning and infusion
events (Procedure) and the laboratory Observations of the course window: from
:data:`PRE_COURSE_DAYS` days before the course start (the work-up results that CIBMTR pre-HCT
forms ask for; the number is our choice) to the start of the patient's next course (exclusive),
or open-ended. Resources are
those of :mod:`lupus_sct.interop.fhir` (the same codes, ids and extensions), each with the
security tag, and the Bundle is validated with the fhir.resources R4B models. The system URIs and
the ``rc_`` prefix follow our reading of the CIBMTR IG; check them against the IG version the
CIBMTR FHIR API expects before a real submission.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from lupus_sct.domain.pathway.course import TherapyCourse
from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.courses import PROCEDURE_EVENTS, course_resource, event_resource
from lupus_sct.interop.fhir.export import RESOURCE_ORDER
from lupus_sct.interop.fhir.observations import lab_resource
from lupus_sct.interop.fhir.people import condition_resource, patient_resource
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.exports.stored_records import PatientRecords

TRANSPLANT_CENTER_SYSTEM = "http://terminology.cibmtr.org/codesystem/transplant-center"
CRID_SYSTEM = "http://cibmtr.org/identifier/CRID"
CENTER_CODE_PREFIX = "rc_"
PRE_COURSE_DAYS = 30  # work-up labs before the course start; our choice, not a CIBMTR rule


def security_tag(ccn: str) -> dict[str, str]:
    """The ``meta.security`` coding naming the transplant centre."""
    return {"system": TRANSPLANT_CENTER_SYSTEM, "code": f"{CENTER_CODE_PREFIX}{ccn}"}


def cibmtr_course_bundle(
    records: PatientRecords, course_id: str, *, ccn: str | None = None, crid: str | None = None
) -> Bundle:
    """The submission Bundle of one course of ``records`` (read with ``read_course_records``).

    ``ccn`` defaults to the centre's code; :class:`NotFoundError` when the patient has no course
    ``course_id``.
    """
    course = next((c for c in records.courses if c.id == course_id), None)
    if course is None:
        raise NotFoundError("course", course_id)
    patient, centre = records.patient, records.centre
    tag = security_tag(ccn or centre.code)
    patient_json = patient_resource(patient, centre, None)
    if crid:
        patient_json["identifier"].append({"system": CRID_SYSTEM, "value": crid})
    resources: list[dict[str, Any]] = [patient_json, course_resource(course)]
    resources += [condition_resource(d) for d in records.diagnoses]
    resources += [
        event_resource(event, course)
        for event in records.course_events
        if event.course_id == course.id and event.kind in PROCEDURE_EVENTS
    ]
    first = course.start_date - timedelta(days=PRE_COURSE_DAYS)
    later = _next_start(list(records.courses), course)
    resources += [
        lab_resource(lab)
        for lab in records.labs
        if first <= lab.collected_at.date() and (later is None or lab.collected_at.date() < later)
    ]
    resources.sort(key=lambda r: (RESOURCE_ORDER.index(r["resourceType"]), r["id"]))
    entries = [
        {
            "fullUrl": f"{s.LOCAL_BASE}/{r['resourceType']}/{r['id']}",
            "resource": {
                "resourceType": r["resourceType"],
                "id": r["id"],
                "meta": {"security": [tag]},
            }
            | {k: v for k, v in r.items() if k not in ("resourceType", "id")},
        }
        for r in resources
    ]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "meta": {"security": [tag]},
            "type": "collection",
            "entry": entries,
        }
    )


def _next_start(courses: list[TherapyCourse], course: TherapyCourse) -> date | None:
    starts = sorted(
        c.start_date
        for c in courses
        if c.id != course.id and (c.start_date, c.id) > (course.start_date, course.id)
    )
    return starts[0] if starts else None
