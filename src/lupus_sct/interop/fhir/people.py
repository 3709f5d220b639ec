"""Patient and Condition: our patients, their identities and their diagnoses in FHIR R4.

References
----------
FHIR R4 Patient and Condition (hl7.org/fhir/R4/patient.html, condition.html). Identifier type
``MR`` (medical record number) from HL7 v2 table 0203. ICD-10 M32 and M05/M06, SNOMED CT 55464009
and 69896004 (docs/spec/pathway.md §10.2).

Notes
-----
A Patient carries the pseudonym as its identifier, the administrative sex and the birth date.
The name and hospital number appear only when the export is asked for identities; an imported
Patient with a name and an ``MR`` identifier (any system) stores them in the separate identity
table. A Patient without our pseudonym identifier takes its resource id as pseudonym when the id
has the pseudonym's form. The centre appears as a logical reference (its code); on import the
centre is the one named by the caller, never the one in the resource.

``Patient.deceasedDateTime`` is read as the patient's death (outcome ``death`` on that calendar
date, cause "unknown": R4 Patient has no element for the cause), under the record id
``<patient id>-death``. A death needs its date (docs/spec/pathway.md §7, overall survival), so
``deceasedBoolean`` true, or a partial date (``2020``), stores no death: the Patient's report
line says so (:func:`patient_note`). ``deceasedBoolean`` false says nothing we store.

ICD-10 codes with more than one character after the dot (M32.14) exist only in ICD-10-CM and are
exported under the ICD-10-CM system; the others under WHO ICD-10. Both systems are read. The
classification criteria a diagnosis meets travel in a local extension (R4 Condition has no
element for them).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.diagnosis import (
    ICD10_PREFIXES,
    ClassificationCriteria,
    Diagnosis,
    Disease,
)
from lupus_sct.domain.records.outcomes import OutcomeEvent, OutcomeKind
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity, Sex
from lupus_sct.interop.fhir import systems as s

CRITERIA_EXTENSION = s.local_extension("classification-criteria")
CRITERIA_SYSTEM = s.local_system("classification-criteria")
SNOMED_DISPLAY = {
    "55464009": "Systemic lupus erythematosus",  # SNOMED CT; docs/spec/pathway.md §10.2
    "69896004": "Rheumatoid arthritis",  # SNOMED CT; docs/spec/pathway.md §10.2
}
_PSEUDONYM_FORM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")  # domain.people pseudonym


def patient_resource(
    patient: Patient, centre: Centre, identity: PatientIdentity | None
) -> dict[str, Any]:
    """A Patient; ``identity`` (name, hospital number) only when the caller asked for it."""
    identifiers: list[dict[str, Any]] = [{"system": s.PSEUDONYM_SYSTEM, "value": patient.pseudonym}]
    resource: dict[str, Any] = {"resourceType": "Patient", "id": patient.id}
    if identity is not None:
        identifiers.append(
            {
                "type": {"coding": [s.coding(s.IDENTIFIER_TYPE, "MR", "Medical record number")]},
                "system": s.HOSPITAL_NUMBER_SYSTEM,
                "value": identity.hospital_number,
            }
        )
        resource["name"] = [{"family": identity.family_name, "given": [identity.given_name]}]
    resource["identifier"] = identifiers
    resource["gender"] = patient.sex.value
    resource["birthDate"] = patient.birth_date.isoformat()
    resource["managingOrganization"] = {
        "identifier": {"system": s.CENTRE_CODE_SYSTEM, "value": centre.code},
        "display": centre.name,
    }
    return _ordered(resource, ("resourceType", "id", "identifier", "name"))


def _ordered(resource: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    head = {k: resource[k] for k in first if k in resource}
    return {**head, **{k: v for k, v in resource.items() if k not in head}}


DEATH_CAUSE_NOT_GIVEN = "unknown"  # R4 Patient carries no cause of death
_DEATH_WITHOUT_DATE = (
    "Patient.deceased{}: the death is not stored (a death outcome needs its full date); "
    "record it with its date"
)


def read_patient(resource: Any, centre_id: str) -> list[Patient | PatientIdentity | OutcomeEvent]:
    """The patient, its identity (name and MR identifier) and its death (deceasedDateTime)."""
    pseudonym = _pseudonym(resource)
    if resource.birthDate is None:
        raise InvalidValueError("Patient.birthDate", None, "the birth date")
    try:
        sex = Sex(resource.gender or "unknown")
    except ValueError:
        raise InvalidValueError(
            "Patient.gender", resource.gender, "female, male, other or unknown"
        ) from None
    patient = Patient(
        id=resource.id,
        pseudonym=pseudonym,
        sex=sex,
        birth_date=s.as_date(resource.birthDate, "Patient.birthDate"),
        centre_id=centre_id,
    )
    identity = _identity(resource)
    death = _death(resource)
    return [r for r in (patient, identity, death) if r is not None]


def _death(resource: Any) -> OutcomeEvent | None:
    if not isinstance(resource.deceasedDateTime, date):  # a datetime is a date too
        return None
    return OutcomeEvent(
        id=f"{resource.id}-death",
        patient_id=resource.id,
        course_id=None,
        kind=OutcomeKind.DEATH,
        event_date=s.as_date(resource.deceasedDateTime, "Patient.deceasedDateTime"),
        detail=DEATH_CAUSE_NOT_GIVEN,
    )


def patient_note(resource: Any) -> str:
    """What the report says of a death that is not stored (no full date), else ``""``."""
    if resource.deceasedBoolean:
        return _DEATH_WITHOUT_DATE.format("Boolean true")
    if resource.deceasedDateTime is not None and not isinstance(resource.deceasedDateTime, date):
        return _DEATH_WITHOUT_DATE.format(f"DateTime {resource.deceasedDateTime}")
    return ""


def _pseudonym(resource: Any) -> str:
    for identifier in resource.identifier or []:
        if identifier.system == s.PSEUDONYM_SYSTEM and identifier.value:
            return str(identifier.value)
    if resource.id and _PSEUDONYM_FORM.match(resource.id):
        return str(resource.id)
    raise InvalidValueError(
        "Patient.identifier",
        None,
        f"an identifier with system {s.PSEUDONYM_SYSTEM} (the pseudonym)",
    )


def _identity(resource: Any) -> PatientIdentity | None:
    hospital_number = next(
        (
            i.value
            for i in resource.identifier or []
            if i.value and s.first_code(i.type, s.IDENTIFIER_TYPE) == "MR"
        ),
        None,
    )
    names = [n for n in resource.name or [] if n.family and n.given]
    if hospital_number is None or not names:
        return None
    return PatientIdentity(
        patient_id=resource.id,
        family_name=names[0].family,
        given_name=" ".join(names[0].given),
        hospital_number=hospital_number,
    )


def icd10_system(code: str) -> str:
    """ICD-10-CM for codes with more than one character after the dot, WHO ICD-10 otherwise."""
    return s.ICD10_CM if len(code.partition(".")[2]) > 1 else s.ICD10


def condition_resource(diagnosis: Diagnosis) -> dict[str, Any]:
    """A Condition coded in ICD-10 (or ICD-10-CM) and SNOMED CT."""
    resource: dict[str, Any] = {"resourceType": "Condition", "id": diagnosis.id}
    if diagnosis.criteria_met:
        criteria = sorted(diagnosis.criteria_met, key=lambda c: c.name)
        resource["extension"] = [
            {
                "url": CRITERIA_EXTENSION,
                "valueCoding": s.coding(CRITERIA_SYSTEM, c.name, c.value),
            }
            for c in criteria
        ]
    resource["code"] = {
        "coding": [
            s.coding(icd10_system(diagnosis.icd10_code), diagnosis.icd10_code),
            s.coding(s.SNOMED_CT, diagnosis.snomed_code, SNOMED_DISPLAY.get(diagnosis.snomed_code)),
        ],
        "text": diagnosis.disease.value,
    }
    resource["subject"] = s.reference("Patient", diagnosis.patient_id)
    resource["onsetDateTime"] = diagnosis.onset_date.isoformat()
    return resource


def read_condition(resource: Any) -> Diagnosis:
    """The diagnosis a Condition records; both an ICD-10 and a SNOMED CT code are needed."""
    patient_id = s.patient_referenced(resource.subject, "Condition.subject")
    icd10 = s.first_code(resource.code, s.ICD10) or s.first_code(resource.code, s.ICD10_CM)
    snomed = s.first_code(resource.code, s.SNOMED_CT)
    if icd10 is None or snomed is None:
        raise InvalidValueError(
            "Condition.code", icd10 or snomed, "an ICD-10 coding and a SNOMED CT coding"
        )
    if resource.onsetDateTime is None:
        raise InvalidValueError("Condition.onsetDateTime", None, "the onset date")
    return Diagnosis(
        id=resource.id,
        patient_id=patient_id,
        disease=_disease(icd10),
        icd10_code=icd10,
        snomed_code=snomed,
        onset_date=s.as_date(resource.onsetDateTime, "Condition.onsetDateTime"),
        criteria_met=_criteria(resource),
    )


def _disease(icd10: str) -> Disease:
    for disease, prefixes in ICD10_PREFIXES.items():
        if icd10.startswith(prefixes):
            return disease
    raise InvalidValueError("Condition.code", icd10, "an ICD-10 code in M32.x, M05.x or M06.x")


def _criteria(resource: Any) -> tuple[ClassificationCriteria, ...]:
    found = []
    for extension in s.extensions_with(resource, CRITERIA_EXTENSION):
        code = extension.valueCoding.code if extension.valueCoding else None
        try:
            found.append(ClassificationCriteria[code or ""])
        except KeyError:
            names = ", ".join(c.name for c in ClassificationCriteria)
            raise InvalidValueError("Condition.extension", code, f"one of {names}") from None
    return tuple(found)
