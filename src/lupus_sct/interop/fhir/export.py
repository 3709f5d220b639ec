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
same JSON. Direct identifiers (name, hospital number) are sent only with
``include_identity=True``. Infections, GVHD episodes, outcome events, follow-up timepoints, the
pathway events that are not procedures and the assessment items other than SLEDAI-2K are not
exported yet.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from lupus_sct.domain.pathway.course import TherapyCourse
from lupus_sct.domain.records.people import PatientIdentity
from lupus_sct.interop.fhir import systems as s
from lupus_sct.interop.fhir.adverse_events import adverse_event_resource
from lupus_sct.interop.fhir.courses import PROCEDURE_EVENTS, course_resource, event_resource
from lupus_sct.interop.fhir.medications import medication_resource
from lupus_sct.interop.fhir.observations import lab_resource, sledai_resource
from lupus_sct.interop.fhir.people import condition_resource, patient_resource
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

RESOURCE_ORDER = (
    "Patient",
    "Condition",
    "EpisodeOfCare",
    "Procedure",
    "Observation",
    "MedicationStatement",
    "AdverseEvent",
)


def export_patient_bundle(
    uow: UnitOfWork, patient_id: str, *, include_identity: bool = False
) -> Bundle:
    """The Bundle of one patient's record, read through ``uow`` (nothing is written)."""
    patient = uow.patients.get(patient_id)
    centre = uow.centres.get(patient.centre_id)
    identity = _identity(uow, patient_id) if include_identity else None
    resources: list[dict[str, Any]] = [patient_resource(patient, centre, identity)]
    resources += [condition_resource(d) for d in uow.diagnoses.find(patient_id=patient_id)]
    courses: list[TherapyCourse] = uow.courses.find(patient_id=patient_id)
    for course in courses:
        resources.append(course_resource(course))
        resources += [
            event_resource(event, course)
            for event in uow.course_events.find(course_id=course.id)
            if event.kind in PROCEDURE_EVENTS
        ]
    resources += [lab_resource(lab) for lab in uow.labs.find(patient_id=patient_id)]
    resources += [sledai_resource(a) for a in uow.assessments.find(patient_id=patient_id)]
    resources += [medication_resource(m) for m in uow.medications.find(patient_id=patient_id)]
    resources += [adverse_event_resource(e) for e in uow.adverse_events.find(patient_id=patient_id)]
    resources.sort(key=lambda r: (RESOURCE_ORDER.index(r["resourceType"]), r["id"]))
    entries = [
        {"fullUrl": f"{s.LOCAL_BASE}/{r['resourceType']}/{r['id']}", "resource": r}
        for r in resources
    ]
    return Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})


def _identity(uow: UnitOfWork, patient_id: str) -> PatientIdentity | None:
    try:
        return uow.identities.get(patient_id)
    except NotFoundError:
        return None


def bundle_json(bundle: Bundle) -> str:
    """The Bundle as FHIR JSON text, indented, with a final newline (stable for a given Bundle)."""
    data = json.loads(bundle.model_dump_json(exclude_none=True))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
