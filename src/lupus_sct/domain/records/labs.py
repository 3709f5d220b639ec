"""Laboratory results: LOINC-coded, in UCUM units, converted explicitly.

References
----------
LOINC codes: docs/spec/pathway.md §10.2, and the LOINC table (loinc.org).
UCUM unit codes: The Unified Code for Units of Measure, Regenstrief Institute.
Creatinine: 1 mg/dL = 88.4 umol/L (docs/spec/instruments.md §0.1).
Bilirubin: 1 mg/dL = 17.1 umol/L (molar mass 584.66 g/mol; Young DS, Ann Intern Med 1987;106:114).
Protein/creatinine ratio: 1 g/g = 113.12 mg/mmol (creatinine molar mass 113.12 g/mol); KDIGO 2024
rounds 0.5 g/g to 50 mg/mmol, which we do not.
Counts: 1 x10^9/L = 1000 /uL = 1 x10^3/uL (docs/spec/instruments.md §0).

Notes
-----
A result keeps the value and unit as entered; :func:`canonical_value` converts it to the unit
the instruments use. The plausibility range of each test rejects typing errors (a negative count,
creatinine 0); it is wider than any clinical reference range.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError


@dataclasses.dataclass(frozen=True, slots=True)
class LabTest:
    """A test the platform understands: its canonical UCUM unit and accepted units."""

    loinc_code: str
    name: str
    canonical_unit: str
    to_canonical: dict[str, float]
    plausible_low: float
    plausible_high: float


def _test(
    code: str, name: str, unit: str, units: dict[str, float], low: float, high: float
) -> LabTest:
    return LabTest(code, name, unit, {unit: 1.0, **units}, low, high)


_COUNT_UNITS = {"/uL": 0.001, "10*3/uL": 1.0}
LAB_TESTS: dict[str, LabTest] = {
    t.loinc_code: t
    for t in (
        _test(
            "2160-0",
            "Creatinine [Mass/volume] in Serum or Plasma",
            "mg/dL",
            {"umol/L": 1 / 88.4},
            0.1,
            40.0,
        ),
        _test("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", {"g/L": 0.1}, 0.0, 25.0),
        _test("751-8", "Neutrophils [#/volume] in Blood", "10*9/L", _COUNT_UNITS, 0.0, 200.0),
        _test("777-3", "Platelets [#/volume] in Blood", "10*9/L", _COUNT_UNITS, 0.0, 2000.0),
        _test("6690-2", "Leukocytes [#/volume] in Blood", "10*9/L", _COUNT_UNITS, 0.0, 200.0),
        _test("731-0", "Lymphocytes [#/volume] in Blood", "10*9/L", _COUNT_UNITS, 0.0, 200.0),
        _test(
            "1742-6",
            "Alanine aminotransferase [Enzymatic activity/volume]",
            "U/L",
            {},
            0.0,
            20000.0,
        ),
        _test(
            "1920-8",
            "Aspartate aminotransferase [Enzymatic activity/volume]",
            "U/L",
            {},
            0.0,
            20000.0,
        ),
        _test(
            "1975-2",
            "Bilirubin.total [Mass/volume] in Serum or Plasma",
            "mg/dL",
            {"umol/L": 1 / 17.1},
            0.0,
            60.0,
        ),
        _test(
            "1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", {"g/L": 0.1}, 0.0, 10.0
        ),
        _test(
            "1988-5",
            "C reactive protein [Mass/volume] in Serum or Plasma",
            "mg/L",
            {"mg/dL": 10.0},
            0.0,
            500.0,
        ),
        _test(
            "4537-7", "Erythrocyte sedimentation rate by Westergren method", "mm/h", {}, 0.0, 200.0
        ),
        _test(
            "2890-2",
            "Protein/Creatinine [Mass Ratio] in Urine",
            "g/g",
            {"mg/mg": 1.0, "mg/g": 0.001, "mg/mmol": 1 / 113.12},
            0.0,
            30.0,
        ),
        _test(
            "2889-4",
            "Protein [Mass/time] in 24 hour Urine",
            "g/(24.h)",
            {"mg/(24.h)": 0.001},
            0.0,
            50.0,
        ),
        _test("98979-8", "eGFR (CKD-EPI 2021)", "mL/min/{1.73_m2}", {}, 0.0, 200.0),
        _test(
            "4485-9",
            "Complement C3 [Mass/volume] in Serum or Plasma",
            "mg/dL",
            {"g/L": 100.0},
            0.0,
            500.0,
        ),
        _test(
            "4498-2",
            "Complement C4 [Mass/volume] in Serum or Plasma",
            "mg/dL",
            {"g/L": 100.0},
            0.0,
            200.0,
        ),
        _test(
            "5130-0", "DNA double strand Ab [Units/volume] in Serum", "[IU]/mL", {}, 0.0, 100000.0
        ),
        _test("8310-5", "Body temperature", "Cel", {}, 30.0, 45.0),
        _test("59408-5", "Oxygen saturation by Pulse oximetry", "%", {}, 50.0, 100.0),
        _test("10230-1", "Left ventricular Ejection fraction", "%", {}, 5.0, 90.0),
    )
}


@dataclasses.dataclass(frozen=True, slots=True)
class LabResult:
    """One laboratory value as reported, with its reference range and collection time."""

    id: str
    patient_id: str
    loinc_code: str
    value: float
    unit: str
    collected_at: datetime
    reference_low: float | None = None
    reference_high: float | None = None
    version: int = 0

    def __post_init__(self) -> None:
        test = lab_test(self.loinc_code)
        if self.unit not in test.to_canonical:
            raise InvalidValueError(
                f"lab[{self.loinc_code}].unit",
                self.unit,
                f"one of {', '.join(test.to_canonical)} (UCUM) for {test.name}",
            )
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise InvalidValueError(f"lab[{self.loinc_code}].value", self.value, "a number")
        canonical = canonical_value(self)
        if not test.plausible_low <= canonical <= test.plausible_high:
            factor = test.to_canonical[self.unit]
            raise OutOfValidatedRangeError(
                f"lab[{self.loinc_code}].value",
                self.value,
                round(test.plausible_low / factor, 6),
                round(test.plausible_high / factor, 6),
                self.unit,
            )
        low, high = self.reference_low, self.reference_high
        if low is not None and high is not None and low > high:
            raise InvalidValueError(
                f"lab[{self.loinc_code}].reference_low",
                low,
                f"a value <= reference_high ({high:g})",
            )
        if self.collected_at.utcoffset() is None:
            raise InvalidValueError(
                f"lab[{self.loinc_code}].collected_at",
                self.collected_at.isoformat(),
                "a time with a UTC offset",
            )
        # One spelling per instant (UTC), so the record, its audit entry and the store agree.
        object.__setattr__(self, "collected_at", self.collected_at.astimezone(UTC))


def lab_test(loinc_code: str) -> LabTest:
    """Look up a test by LOINC code, naming the accepted codes when it is unknown."""
    try:
        return LAB_TESTS[loinc_code]
    except KeyError:
        raise InvalidValueError(
            "lab.loinc_code", loinc_code, f"a supported LOINC code ({', '.join(sorted(LAB_TESTS))})"
        ) from None


def canonical_value(result: LabResult) -> float:
    """The value in the test's canonical unit (the unit the instruments take)."""
    return result.value * lab_test(result.loinc_code).to_canonical[result.unit]
