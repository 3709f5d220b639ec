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
has the pseudonym's form; otherwise (a Synthea UUID is 36 characters) it is read with
:data:`PSEUDONYM_TO_GENERATE` and the importer makes a pseudonym in the centre's series the
first time, keeping the stored one on every re-import (the record id, the resource id, is the
link: :mod:`lupus_sct.services.imports.fhir_bundles`). The centre appears as a logical
reference (its code); on import the centre is the one named by the caller, never the one in the
resource.

``Patient.deceasedDateTime`` is read as the patient's death (outcome ``death`` on that calendar
date, cause "unknown": R4 Patient has no element for the cause), under the record id
``<patient id>-death``. A death needs its date (docs/spec/pathway.md §7, overall survival), so
``deceasedBoolean`` true, or a partial date (``2020``), stores no death: the Patient's report
line says so (:func:`patient_note`). ``deceasedBoolean`` false says nothing we store.

ICD-10 codes with more than one character after the dot (M32.14) exist only in ICD-10-CM and are
exported under the ICD-10-CM system; the others under WHO ICD-10. Both systems are read, from
any coding of ``Condition.code``. A diagnosis needs both codes and none is derived from the
other (no published SNOMED CT to ICD-10 map is part of the platform): a SNOMED CT-only
Condition (as Synthea writes) is skipped, its code named in the report. The
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


PSEUDONYM_TO_GENERATE = "pseudonym-to-generate"
"""The pseudonym of a Patient read without one, until the importer makes one in the series."""


def carries_pseudonym(resource: Any) -> bool:
    """Whether the Patient gives its pseudonym (our identifier, or an id of a pseudonym's form)."""
    return _given_pseudonym(resource) is not None


def _pseudonym(resource: Any) -> str:
    return _given_pseudonym(resource) or PSEUDONYM_TO_GENERATE


def _given_pseudonym(resource: Any) -> str | None:
    for identifier in resource.identifier or []:
        if identifier.system == s.PSEUDONYM_SYSTEM and identifier.value:
            return str(identifier.value)
    if resource.id and _PSEUDONYM_FORM.match(resource.id):
        return str(resource.id)
    return None


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


_CONDITION_ACCEPTED = (
    "an ICD-10 or ICD-10-CM code in M32.x, M05.x or M06.x and a SNOMED CT code "
    "(SLE 55464009, RA 69896004), both in Condition.code"
)


def read_condition(resource: Any) -> Diagnosis:
    """The diagnosis a Condition records; both an ICD-10 and a SNOMED CT code are needed.

    The codes are looked for in every coding, in any order. A Condition outside SLE and RA, or
    with only one of the two codes, raises :class:`~.systems.OutsideCatalogueError` (skipped and
    reported): no code is derived from the other, since no published SNOMED CT to ICD-10 map is
    part of the platform.
    """
    patient_id = s.patient_referenced(resource.subject, "Condition.subject")
    icd10 = s.first_code(resource.code, s.ICD10) or s.first_code(resource.code, s.ICD10_CM)
    snomed = s.first_code(resource.code, s.SNOMED_CT)
    if icd10 is None or snomed is None or _known_disease(icd10) is None:
        raise _outside_catalogue(resource, icd10, snomed)
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
    disease = _known_disease(icd10)
    if disease is None:
        raise InvalidValueError("Condition.code", icd10, "an ICD-10 code in M32.x, M05.x or M06.x")
    return disease


def _known_disease(icd10: str) -> Disease | None:
    for disease, prefixes in ICD10_PREFIXES.items():
        if icd10.startswith(prefixes):
            return disease
    return None


def _outside_catalogue(
    resource: Any, icd10: str | None, snomed: str | None
) -> s.OutsideCatalogueError:
    if icd10 is not None and _known_disease(icd10) is None:
        return s.OutsideCatalogueError("Condition.code", f"ICD-10 {icd10!r}", _CONDITION_ACCEPTED)
    if icd10 is None and snomed in SNOMED_DISPLAY:
        return s.OutsideCatalogueError(
            "Condition.code",
            f"SNOMED CT {snomed!r} without an ICD-10 code",
            _CONDITION_ACCEPTED,
            kept=f" (no ICD-10-CM code; SNOMED CT {snomed!r} kept in report)",
        )
    if snomed is None and icd10 is not None:
        return s.OutsideCatalogueError(
            "Condition.code",
            f"ICD-10 {icd10!r} without a SNOMED CT code",
            _CONDITION_ACCEPTED,
            kept=f" (no SNOMED CT code; ICD-10 {icd10!r} kept in report)",
        )
    label = s.code_label(resource.code, s.SNOMED_CT, "SNOMED CT")
    return s.OutsideCatalogueError(
        "Condition.code", label or s.any_code_label(resource.code), _CONDITION_ACCEPTED
    )


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
