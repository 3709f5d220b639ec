"""Code systems, identifier systems and extensions used in our FHIR R4 resources.

References
----------
HL7 FHIR R4 (4.0.1) "Using Codes in Resources" (hl7.org/fhir/R4/terminologies.html) and the
external code system URIs it lists (terminologies-systems.html): LOINC ``http://loinc.org``, SNOMED
CT ``http://snomed.info/sct``, UCUM ``http://unitsofmeasure.org``, RxNorm
``http://www.nlm.nih.gov/research/umls/rxnorm``, ICD-10 ``http://hl7.org/fhir/sid/icd-10`` and
ICD-10-CM ``http://hl7.org/fhir/sid/icd-10-cm``. The ``terminology.hl7.org`` systems are those the
R4 resource definitions bind (observation-category, data-absent-reason, v2-0203,
adverse-event-severity, -seriousness and -outcome).

Notes
-----
Local systems. Everything under :data:`LOCAL_BASE` is ours, not a published terminology: the
SLEDAI-2K score and its descriptors (no LOINC code for the SLEDAI-2K total could be verified),
course kinds and pathway event kinds, CTCAE v5.0 terms and grades, the attribution scale, drug
classes, the pseudonym and hospital-number identifier systems and our extensions. The host uses
the reserved ``.invalid`` top-level domain (RFC 2606) so that no reader mistakes it for a
resolvable, registered system; change the constant when the project has a canonical URL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from lupus_sct.domain.errors import InvalidValueError

LOINC = "http://loinc.org"
SNOMED_CT = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"

LOCAL_BASE = "https://lupus-sct.invalid/fhir"


def local_system(name: str) -> str:
    """URL of one of our local code or identifier systems."""
    return f"{LOCAL_BASE}/CodeSystem/{name}"


def local_extension(name: str) -> str:
    """URL of one of our local extensions."""
    return f"{LOCAL_BASE}/StructureDefinition/{name}"


PSEUDONYM_SYSTEM = f"{LOCAL_BASE}/identifier/pseudonym"
HOSPITAL_NUMBER_SYSTEM = f"{LOCAL_BASE}/identifier/hospital-number"
CENTRE_CODE_SYSTEM = f"{LOCAL_BASE}/identifier/centre-code"
THERAPY_COURSE_SYSTEM = f"{LOCAL_BASE}/identifier/therapy-course"

_REFERENCE = re.compile(r"(?:^|/)([A-Za-z]+)/([A-Za-z0-9\-.]{1,64})$")


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A Coding as FHIR JSON (display left out when not given)."""
    result = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def reference(resource_type: str, resource_id: str) -> dict[str, Any]:
    """A literal relative reference ``Type/id``."""
    return {"reference": f"{resource_type}/{resource_id}"}


def quantity(value: float, unit: str) -> dict[str, Any]:
    """A UCUM Quantity whose human unit is the UCUM code itself."""
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def referenced_id(ref: Any, resource_type: str) -> str | None:
    """The id in a literal reference to ``resource_type`` (relative or absolute), else None."""
    text = getattr(ref, "reference", None) if ref is not None else None
    if not text:
        return None
    match = _REFERENCE.search(text)
    if match is None or match.group(1) != resource_type:
        return None
    return match.group(2)


def patient_referenced(ref: Any, field: str) -> str:
    """The patient id of a reference to a Patient, or an error naming ``field`` and the reference.

    Bundle references (``urn:uuid:`` fullUrls) are already rewritten to ``Patient/<id>`` by
    :mod:`~lupus_sct.interop.fhir.references`.
    """
    patient_id = referenced_id(ref, "Patient")
    if patient_id is None:
        raise InvalidValueError(
            field,
            getattr(ref, "reference", None) if ref is not None else None,
            "a reference Patient/<id> (relative or absolute), or the fullUrl of a Patient entry "
            "of the Bundle",
        )
    return patient_id


def codes_in(concept: Any, system: str) -> list[str]:
    """The codes of ``concept`` (a CodeableConcept model) from ``system``, in order."""
    if concept is None:
        return []
    return [c.code for c in concept.coding or [] if c.system == system and c.code]


class OutsideCatalogueError(InvalidValueError):
    """A resource coded with codes the platform does not store: skipped and reported, not refused.

    The Bundle importer reports the resource as ``skipped`` (refused with ``--strict``); the
    message names the field, the code and its system, and what the platform accepts, so that the
    report counts the skipped resources per code.
    """

    def __init__(self, field: str, code: str, accepted: str, *, kept: str = "") -> None:
        super().__init__(field, code, accepted)
        self.args = (
            f"{field}: {code} is outside the platform's catalogue{kept}; skipped, nothing of it "
            f"stored (accepted: {accepted})",
        )


def code_label(concept: Any, system: str, name: str) -> str | None:
    """``LOINC '8302-2'``: the first code of ``concept`` from ``system`` with the system's name."""
    code = first_code(concept, system)
    return None if code is None else f"{name} {code!r}"


def any_code_label(concept: Any) -> str:
    """The first coding of ``concept`` as ``system|code`` (or ``no coding``), for a report line."""
    for coding in getattr(concept, "coding", None) or []:
        if coding.code:
            return f"{coding.system or '(no system)'}|{coding.code!r}"
    return "no coding"


def first_code(concept: Any, system: str) -> str | None:
    """The first code of ``concept`` from ``system``, if any."""
    found = codes_in(concept, system)
    return found[0] if found else None


def extensions_with(element: Any, url: str) -> list[Any]:
    """The extensions of ``element`` with ``url``."""
    return [e for e in getattr(element, "extension", None) or [] if e.url == url]


def as_date(value: Any, field: str) -> date:
    """The calendar date of a FHIR date or dateTime (a partial date is refused)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise InvalidValueError(field, value, "a full date (YYYY-MM-DD)")


def as_datetime(value: Any, field: str) -> datetime:
    """A FHIR dateTime as an aware datetime; a date alone is read as midnight UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    raise InvalidValueError(field, value, "a full date or date-time")


def as_float(value: Any) -> float:
    """A FHIR decimal (read as :class:`~decimal.Decimal`) as a float."""
    return float(value)
