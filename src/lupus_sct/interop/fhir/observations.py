"""Observation: laboratory results (LOINC, UCUM) and SLEDAI-2K scores derived from assessments.

References
----------
FHIR R4 Observation (hl7.org/fhir/R4/observation.html), including ``referenceRange``,
``dataAbsentReason`` and ``component.interpretation``; R4 observation-category codes
``laboratory``, ``vital-signs``, ``imaging`` and ``survey``. LOINC codes and UCUM units:
:mod:`lupus_sct.domain.records.labs`. SLEDAI-2K: Gladman DD et al. J Rheumatol 2002;29:288-91,
scored by
:func:`lupus_sct.domain.instruments.lupus.sledai_2k.score_sledai_2k`.

Notes
-----
No LOINC code for the SLEDAI-2K total could be verified, so the score Observation is coded in
the local system :data:`SLEDAI_SYSTEM` (code ``sledai-2k-score``) and says so in ``code.text``.
Its ``valueInteger`` is the SLEDAI-2K score; its components are the clinical SLEDAI (decision D2),
the window in days and one component per descriptor in vocabulary order: ``valueInteger`` is the
descriptor's weight when present and attributed to SLE, 0 with the interpretation
``not-attributed-to-sle`` when the clinician excluded it. An assessment whose descriptors were
not evaluated (or are unknown) gives an Observation with ``dataAbsentReason`` ``not-performed``
(or ``unknown``), never a score of 0.

On import the codes are looked for in every coding of ``Observation.code``, whatever their
order. An Observation with no supported LOINC code (vital signs, BMI and other codes outside the
catalogue) raises :class:`~.systems.OutsideCatalogueError`: the importer skips and reports it
per code instead of refusing the Bundle.

On import the score is recomputed from the descriptors and a different stated score refuses the
resource. Only the SLEDAI-2K part of an assessment travels; the other items (PGA, BILAG, SDI,
RA measures) are kept as stored when an existing assessment is updated. A date without a time
(``effectiveDateTime`` ``2026-01-02``) is read as midnight UTC for a laboratory result, and a
result with ``effectivePeriod`` is dated at the start of the period.
"""

from __future__ import annotations

import typing
from datetime import UTC
from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    DEFAULT_SLEDAI_WINDOW_DAYS,
    SLEDAI_2K_WEIGHTS,
    SledaiAssessment,
    SledaiDescriptor,
    in_vocabulary_order,
    score_sledai_2k,
)
from lupus_sct.domain.missing import Missing, is_recorded
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LAB_TESTS, LabResult, lab_test
from lupus_sct.interop.fhir import systems as s

SLEDAI_SYSTEM = s.local_system("sledai-2k")
DESCRIPTOR_SYSTEM = s.local_system("sledai-2k-descriptor")
ATTRIBUTION_SYSTEM = s.local_system("sledai-2k-attribution")
SCORE_CODE = "sledai-2k-score"
CLINICAL_SCORE_CODE = "clinical-sledai-score"
WINDOW_CODE = "window-days"
NOT_ATTRIBUTED = "not-attributed-to-sle"
VITAL_SIGNS_LOINC = frozenset({"8310-5", "59408-5"})  # FHIR R4 vital signs profile members
IMAGING_LOINC = frozenset({"10230-1"})  # LVEF, measured by echocardiography or MUGA
_ABSENT = {Missing.NOT_EVALUATED: "not-performed", Missing.UNKNOWN: "unknown"}


def lab_resource(lab: LabResult) -> dict[str, Any]:
    """An Observation for one laboratory result, in the unit it was reported in."""
    test = lab_test(lab.loinc_code)
    category = (
        "vital-signs"
        if lab.loinc_code in VITAL_SIGNS_LOINC
        else "imaging"
        if lab.loinc_code in IMAGING_LOINC
        else "laboratory"
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": lab.id,
        "status": "final",
        "category": [{"coding": [s.coding(s.OBSERVATION_CATEGORY, category)]}],
        "code": {"coding": [s.coding(s.LOINC, lab.loinc_code, test.name)]},
        "subject": s.reference("Patient", lab.patient_id),
        "effectiveDateTime": lab.collected_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "valueQuantity": s.quantity(lab.value, lab.unit),
    }
    reference_range: dict[str, Any] = {}
    if lab.reference_low is not None:
        reference_range["low"] = s.quantity(lab.reference_low, lab.unit)
    if lab.reference_high is not None:
        reference_range["high"] = s.quantity(lab.reference_high, lab.unit)
    if reference_range:
        resource["referenceRange"] = [reference_range]
    return resource


def sledai_resource(assessment: Assessment) -> dict[str, Any]:
    """An Observation with the SLEDAI-2K score of an assessment and its descriptors."""
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": assessment.id,
        "status": "final",
        "category": [{"coding": [s.coding(s.OBSERVATION_CATEGORY, "survey")]}],
        "code": {
            "coding": [s.coding(SLEDAI_SYSTEM, SCORE_CODE, "SLEDAI-2K score")],
            "text": "SLEDAI-2K score (local code: no LOINC code verified)",
        },
        "subject": s.reference("Patient", assessment.patient_id),
        "effectiveDateTime": assessment.visit_date.isoformat(),
    }
    window = {
        "code": {"coding": [s.coding(SLEDAI_SYSTEM, WINDOW_CODE, "SLEDAI-2K window")]},
        "valueQuantity": {"value": assessment.sledai_window_days, "unit": "d"}
        | {"system": s.UCUM, "code": "d"},
    }
    components = [window]
    not_attributed = set(assessment.sledai_not_attributed)
    if is_recorded(assessment.sledai_descriptors):
        result = score_sledai_2k(
            SledaiAssessment(
                descriptors=frozenset(assessment.sledai_descriptors),
                not_attributed_to_sle=frozenset(not_attributed),
                window_days=assessment.sledai_window_days,
            )
        )
        resource["valueInteger"] = result.score
        components.append(
            {
                "code": {"coding": [s.coding(SLEDAI_SYSTEM, CLINICAL_SCORE_CODE, "cSLEDAI")]},
                "valueInteger": result.clinical_score,
            }
        )
        present = set(result.descriptors)
    else:
        reason = typing.cast(Missing, assessment.sledai_descriptors)
        resource["dataAbsentReason"] = {"coding": [s.coding(s.DATA_ABSENT_REASON, _ABSENT[reason])]}
        present = set()
    for descriptor in in_vocabulary_order(present | not_attributed):
        components.append(_descriptor_component(descriptor, descriptor in present))
    resource["component"] = components
    return resource


def _descriptor_component(descriptor: SledaiDescriptor, present: bool) -> dict[str, Any]:
    component: dict[str, Any] = {
        "code": {"coding": [s.coding(DESCRIPTOR_SYSTEM, descriptor.value)]},
        "valueInteger": SLEDAI_2K_WEIGHTS[descriptor] if present else 0,
    }
    if not present:
        component["interpretation"] = [
            {"coding": [s.coding(ATTRIBUTION_SYSTEM, NOT_ATTRIBUTED, "Not attributed to SLE")]}
        ]
    return component


def read_observation(resource: Any) -> LabResult | Assessment:
    """A laboratory result (supported LOINC code) or an assessment (our SLEDAI-2K code)."""
    if resource.status in ("entered-in-error", "cancelled"):
        raise InvalidValueError("Observation.status", resource.status, "a result that stands")
    if SCORE_CODE in s.codes_in(resource.code, SLEDAI_SYSTEM):
        return _read_sledai(resource)
    loinc = [c for c in s.codes_in(resource.code, s.LOINC) if c in LAB_TESTS]
    if loinc:
        return _read_lab(resource, loinc[0])
    raise s.OutsideCatalogueError(
        "Observation.code",
        s.code_label(resource.code, s.LOINC, "LOINC") or s.any_code_label(resource.code),
        f"a supported LOINC code ({', '.join(sorted(LAB_TESTS))}) or {SLEDAI_SYSTEM}|{SCORE_CODE}",
    )


def _patient_id(resource: Any) -> str:
    return s.patient_referenced(resource.subject, f"{resource.get_resource_type()}.subject")


def _read_lab(resource: Any, loinc: str) -> LabResult:
    quantity = resource.valueQuantity
    if quantity is None or quantity.value is None:
        raise InvalidValueError("Observation.valueQuantity", None, "a value with its UCUM unit")
    unit = quantity.code if quantity.system == s.UCUM and quantity.code else quantity.unit
    collected = resource.effectiveDateTime or (
        resource.effectivePeriod.start if resource.effectivePeriod else None
    )
    if collected is None:
        raise InvalidValueError("Observation.effectiveDateTime", None, "the collection time")
    low, high = _reference_range(resource, unit)
    return LabResult(
        id=resource.id,
        patient_id=_patient_id(resource),
        loinc_code=loinc,
        value=s.as_float(quantity.value),
        unit=unit or "",
        collected_at=s.as_datetime(collected, "Observation.effectiveDateTime"),
        reference_low=low,
        reference_high=high,
    )


def _reference_range(resource: Any, unit: str | None) -> tuple[float | None, float | None]:
    ranges = resource.referenceRange or []
    if not ranges:
        return None, None
    bounds: list[float | None] = []
    for bound in (ranges[0].low, ranges[0].high):
        if bound is None or bound.value is None:
            bounds.append(None)
            continue
        bound_unit = bound.code or bound.unit
        if bound_unit and bound_unit != unit:
            raise InvalidValueError(
                "Observation.referenceRange", bound_unit, f"the unit of the value ({unit})"
            )
        bounds.append(s.as_float(bound.value))
    return bounds[0], bounds[1]


def _read_sledai(resource: Any) -> Assessment:
    if resource.effectiveDateTime is None:
        raise InvalidValueError("Observation.effectiveDateTime", None, "the visit date")
    window = DEFAULT_SLEDAI_WINDOW_DAYS
    present: list[SledaiDescriptor] = []
    excluded: list[SledaiDescriptor] = []
    for component in resource.component or []:
        if WINDOW_CODE in s.codes_in(component.code, SLEDAI_SYSTEM):
            window = int(component.valueQuantity.value) if component.valueQuantity else window
            continue
        code = s.first_code(component.code, DESCRIPTOR_SYSTEM)
        if code is None:
            continue
        descriptor = _descriptor(code)
        attribution = [
            c for i in component.interpretation or [] for c in s.codes_in(i, ATTRIBUTION_SYSTEM)
        ]
        (excluded if NOT_ATTRIBUTED in attribution else present).append(descriptor)
    descriptors = _descriptors_or_missing(resource, present)
    return Assessment(
        id=resource.id,
        patient_id=_patient_id(resource),
        visit_date=s.as_date(resource.effectiveDateTime, "Observation.effectiveDateTime"),
        sledai_window_days=window,
        sledai_descriptors=descriptors,
        sledai_not_attributed=in_vocabulary_order(excluded),
    )


def _descriptor(code: str) -> SledaiDescriptor:
    try:
        return SledaiDescriptor(code)
    except ValueError:
        names = ", ".join(d.value for d in SledaiDescriptor)
        raise InvalidValueError("Observation.component.code", code, f"one of {names}") from None


def _descriptors_or_missing(
    resource: Any, present: list[SledaiDescriptor]
) -> tuple[SledaiDescriptor, ...] | Missing:
    if resource.valueInteger is None:
        reason = s.first_code(resource.dataAbsentReason, s.DATA_ABSENT_REASON)
        if reason is None:
            raise InvalidValueError(
                "Observation.valueInteger", None, "the SLEDAI-2K score or a dataAbsentReason"
            )
        return Missing.NOT_EVALUATED if reason == "not-performed" else Missing.UNKNOWN
    descriptors = in_vocabulary_order(present)
    computed = score_sledai_2k(SledaiAssessment(descriptors=frozenset(descriptors))).score
    if resource.valueInteger != computed:
        raise InvalidValueError(
            "Observation.valueInteger",
            resource.valueInteger,
            f"{computed}, the SLEDAI-2K score of the descriptors listed",
        )
    return descriptors
