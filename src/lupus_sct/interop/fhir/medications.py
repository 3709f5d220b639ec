"""MedicationStatement: a period on one drug at one dose (RxNorm, UCUM, SNOMED CT routes).

References
----------
FHIR R4 MedicationStatement, Dosage and Timing (hl7.org/fhir/R4/medicationstatement.html,
dosage.html, datatypes.html#Timing; with ``repeat.count``, ``frequency``, ``period`` and
``periodUnit``). RxNorm ingredient RxCUIs: :data:`lupus_sct.domain.records.medications.DRUGS`.
SNOMED CT
route qualifiers, as in the R4 route-codes example value set: 26643006 oral, 47625008 intravenous,
34206005 subcutaneous, 78421000 intramuscular, 6064005 topical (checked against several published
FHIR implementation guides).

Notes
-----
The route carries the SNOMED CT coding (when there is one) and a local coding of our route, so
that "other" survives a round trip. The drug class travels in a local extension: a drug in our
catalogue must keep its catalogue class, and a drug outside it without the extension is read as
``other``. A statement with ``effectiveDateTime`` is read as starting that day with no stop date.
``status`` is derived on export (``active`` without a stop date, ``completed`` with one) and not
read back.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.medications import (
    DRUGS,
    DrugClass,
    Frequency,
    MedicationExposure,
    Route,
)
from lupus_sct.interop.fhir import systems as s

DRUG_CLASS_EXTENSION = s.local_extension("drug-class")
DRUG_CLASS_SYSTEM = s.local_system("drug-class")
ROUTE_SYSTEM = s.local_system("route")
ROUTE_SNOMED: dict[Route, tuple[str, str]] = {
    Route.ORAL: ("26643006", "Oral route"),
    Route.INTRAVENOUS: ("47625008", "Intravenous route"),
    Route.SUBCUTANEOUS: ("34206005", "Subcutaneous route"),
    Route.INTRAMUSCULAR: ("78421000", "Intramuscular route"),
    Route.TOPICAL: ("6064005", "Topical route"),
}
_ROUTE_BY_SNOMED = {code: route for route, (code, _) in ROUTE_SNOMED.items()}
# (count, frequency, period, periodUnit) of Timing.repeat for each of our frequencies.
TIMING: dict[Frequency, tuple[int | None, int | None, int | None, str | None]] = {
    Frequency.SINGLE_DOSE: (1, None, None, None),
    Frequency.FOUR_TIMES_DAILY: (None, 4, 1, "d"),
    Frequency.THREE_TIMES_DAILY: (None, 3, 1, "d"),
    Frequency.TWICE_DAILY: (None, 2, 1, "d"),
    Frequency.DAILY: (None, 1, 1, "d"),
    Frequency.EVERY_OTHER_DAY: (None, 1, 2, "d"),
    Frequency.WEEKLY: (None, 1, 1, "wk"),
    Frequency.EVERY_TWO_WEEKS: (None, 1, 2, "wk"),
    Frequency.EVERY_FOUR_WEEKS: (None, 1, 4, "wk"),
    Frequency.MONTHLY: (None, 1, 1, "mo"),
    Frequency.EVERY_SIX_MONTHS: (None, 1, 6, "mo"),
}
_FREQUENCY_BY_TIMING = {timing: frequency for frequency, timing in TIMING.items()}


def medication_resource(exposure: MedicationExposure) -> dict[str, Any]:
    """A MedicationStatement for one exposure."""
    period = {"start": exposure.start_date.isoformat()}
    if exposure.stop_date is not None:
        period["end"] = exposure.stop_date.isoformat()
    route_codings = []
    if exposure.route in ROUTE_SNOMED:
        route_codings.append(s.coding(s.SNOMED_CT, *ROUTE_SNOMED[exposure.route]))
    route_codings.append(s.coding(ROUTE_SYSTEM, exposure.route.value))
    count, frequency, period_length, unit = TIMING[exposure.frequency]
    repeat = {
        key: value
        for key, value in (
            ("count", count),
            ("frequency", frequency),
            ("period", period_length),
            ("periodUnit", unit),
        )
        if value is not None
    }
    return {
        "resourceType": "MedicationStatement",
        "id": exposure.id,
        "extension": [
            {
                "url": DRUG_CLASS_EXTENSION,
                "valueCoding": s.coding(DRUG_CLASS_SYSTEM, exposure.drug_class.value),
            }
        ],
        "status": "active" if exposure.stop_date is None else "completed",
        "medicationCodeableConcept": {
            "coding": [s.coding(s.RXNORM, exposure.rxnorm_code, exposure.drug_name)],
            "text": exposure.drug_name,
        },
        "subject": s.reference("Patient", exposure.patient_id),
        "effectivePeriod": period,
        "dosage": [
            {
                "timing": {"repeat": repeat},
                "route": {"coding": route_codings},
                "doseAndRate": [{"doseQuantity": s.quantity(exposure.dose, exposure.dose_unit)}],
            }
        ],
    }


def read_medication(resource: Any) -> MedicationExposure:
    """The exposure a MedicationStatement records (RxNorm code, one dosage with a dose).

    A statement without an RxNorm coding is outside the catalogue (skipped and reported).
    """
    concept = resource.medicationCodeableConcept
    rxcui = s.first_code(concept, s.RXNORM)
    if rxcui is None:  # coded only in another system (SNOMED CT, ATC...) or by reference
        raise s.OutsideCatalogueError(
            "MedicationStatement.medicationCodeableConcept",
            s.any_code_label(concept),
            "an RxNorm coding (any RxNorm code, in any coding)",
        )
    patient_id = s.patient_referenced(resource.subject, "MedicationStatement.subject")
    start, stop = _period(resource)
    if not resource.dosage:
        raise InvalidValueError("MedicationStatement.dosage", None, "a dosage with dose and timing")
    dosage = resource.dosage[0]
    dose, unit = _dose(dosage)
    return MedicationExposure(
        id=resource.id,
        patient_id=patient_id,
        drug_name=_drug_name(concept, rxcui),
        rxnorm_code=rxcui,
        drug_class=_drug_class(resource, rxcui),
        dose=dose,
        dose_unit=unit,
        route=_route(dosage.route),
        frequency=_frequency(dosage.timing),
        start_date=start,
        stop_date=stop,
    )


def _drug_name(concept: Any, rxcui: str) -> str:
    display = next((c.display for c in concept.coding if c.code == rxcui and c.display), None)
    name = display or concept.text or (DRUGS[rxcui].name if rxcui in DRUGS else None)
    if not name:
        raise InvalidValueError("MedicationStatement.medicationCodeableConcept", rxcui, "a name")
    return str(name)


def _period(resource: Any) -> tuple[Any, Any]:
    field = "MedicationStatement.effective"
    if resource.effectivePeriod is not None and resource.effectivePeriod.start is not None:
        period = resource.effectivePeriod
        stop = s.as_date(period.end, field) if period.end is not None else None
        return s.as_date(period.start, field), stop
    if resource.effectiveDateTime is not None:
        return s.as_date(resource.effectiveDateTime, field), None
    raise InvalidValueError(field, None, "effectivePeriod.start or effectiveDateTime")


def _dose(dosage: Any) -> tuple[float, str]:
    for dose_and_rate in dosage.doseAndRate or []:
        quantity = dose_and_rate.doseQuantity
        if quantity is not None and quantity.value is not None:
            return s.as_float(quantity.value), str(quantity.code or quantity.unit or "")
    raise InvalidValueError("MedicationStatement.dosage.doseAndRate", None, "a doseQuantity")


def _drug_class(resource: Any, rxcui: str) -> DrugClass:
    extensions = s.extensions_with(resource, DRUG_CLASS_EXTENSION)
    code = extensions[0].valueCoding.code if extensions and extensions[0].valueCoding else None
    if code is None:
        return DRUGS[rxcui].drug_class if rxcui in DRUGS else DrugClass.OTHER
    try:
        return DrugClass(code)
    except ValueError:
        names = ", ".join(c.value for c in DrugClass)
        raise InvalidValueError("MedicationStatement.extension", code, f"one of {names}") from None


def _route(concept: Any) -> Route:
    local = s.first_code(concept, ROUTE_SYSTEM)
    if local is not None:
        try:
            return Route(local)
        except ValueError:
            pass
    for code in s.codes_in(concept, s.SNOMED_CT):
        if code in _ROUTE_BY_SNOMED:
            return _ROUTE_BY_SNOMED[code]
    accepted = ", ".join(f"{code} ({name})" for code, name in ROUTE_SNOMED.values())
    raise InvalidValueError(
        "MedicationStatement.dosage.route", local, f"a SNOMED CT route: {accepted}"
    )


def _frequency(timing: Any) -> Frequency:
    repeat = timing.repeat if timing is not None else None
    if repeat is not None:
        key = (
            repeat.count,
            repeat.frequency,
            int(repeat.period) if repeat.period is not None else None,
            repeat.periodUnit,
        )
        if key in _FREQUENCY_BY_TIMING:
            return _FREQUENCY_BY_TIMING[key]
        if repeat.count is None and repeat.frequency is None and repeat.period is not None:
            key = (None, 1, *key[2:])
            if key in _FREQUENCY_BY_TIMING:
                return _FREQUENCY_BY_TIMING[key]
    raise InvalidValueError(
        "MedicationStatement.dosage.timing",
        None,
        "a Timing.repeat of count 1, or frequency/period/periodUnit in d, wk or mo",
    )
