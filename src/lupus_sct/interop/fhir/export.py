"""Export one patient's record as a FHIR R4 Bundle of type ``collection``.

References
----------
FHIR R4 Bundle (hl7.org/fhir/R4/bundle.html): ``collection`` bundles, ``entry.fullUrl`` and the
resolution of relative references against the base of the entry's ``fullUrl``
(bundle.html#references).

Notes
-----
Resources keep our record ids. Every ``fullUrl`` is ``{LOCAL_BASE}/{type}/{id}``, so a relative
reference such as ``Patient/<id>`` resolves inside the Bundle. Entries are sorted by resource
type (in :data:`RESOURCE_ORDER`) and then by id, the Bundle has no timestamp and no versions are
sent, so exporting the same record twice, or after an import into an empty database, gives the
same JSON. The records are read by
:func:`~lupus_sct.services.exports.stored_records.read_patient_records`; direct identifiers
(name, hospital number) are sent only when it read them (``include_identity=True``).
Infections, GVHD episodes, outcome events, follow-up timepoints, the pathway events that are not
procedures and the assessment items other than SLEDAI-2K are not exported yet.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.adverse_events import adverse_event_resource
from lupus_sct.interop.fhir.courses import PROCEDURE_EVENTS, course_resource, event_resource
from lupus_sct.interop.fhir.medications import medication_resource
from lupus_sct.interop.fhir.observations import lab_resource, sledai_resource
from lupus_sct.interop.fhir.people import condition_resource, patient_resource
from lupus_sct.services.exports.stored_records import PatientRecords

RESOURCE_ORDER = (
    "Patient",
    "Condition",
    "EpisodeOfCare",
    "Procedure",
    "Observation",
    "MedicationStatement",
    "AdverseEvent",
)


def export_patient_bundle(records: PatientRecords) -> Bundle:
    """The Bundle of one patient's records (read with ``read_patient_records``)."""
    entries = [
        {"fullUrl": f"{s.LOCAL_BASE}/{r['resourceType']}/{r['id']}", "resource": r}
        for r in patient_resources(records)
    ]
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})


def patient_resources(records: PatientRecords) -> list[dict[str, Any]]:
    """The FHIR resources (JSON objects) of one patient's records, by type then id.

    The one mapping of the exports: the Bundle above and the bulk NDJSON files
    (:mod:`.ndjson`) are both made of these resources.
    """
    courses = {course.id: course for course in records.courses}
    resources: list[dict[str, Any]] = [
        patient_resource(records.patient, records.centre, records.identity)
    ]
    resources += [condition_resource(d) for d in records.diagnoses]
    resources += [course_resource(course) for course in records.courses]
    resources += [
        event_resource(event, courses[event.course_id])
        for event in records.course_events
        if event.kind in PROCEDURE_EVENTS
    ]
    resources += [lab_resource(lab) for lab in records.labs]
    resources += [sledai_resource(a) for a in records.assessments]
    resources += [medication_resource(m) for m in records.medications]
    resources += [adverse_event_resource(e) for e in records.adverse_events]
    resources.sort(key=lambda r: (RESOURCE_ORDER.index(r["resourceType"]), r["id"]))
    return resources


def bundle_json(bundle: Bundle) -> str:
    """The Bundle as FHIR JSON text, indented, with a final newline (stable for a given Bundle)."""
    data = json.loads(bundle.model_dump_json(exclude_none=True))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
