"""Medication exposures, with glucocorticoids expressed as prednisone-equivalent mg/day.

References
----------
RxNorm ingredient RxCUIs (U.S. National Library of Medicine); codes for cyclophosphamide,
rituximab, hydroxychloroquine and prednisone as in docs/spec/pathway.md §10.2.
Glucocorticoid equivalence: British National Formulary, "Glucocorticoid therapy": prednisolone
5 mg = betamethasone 750 micrograms = deflazacort 6 mg = dexamethasone 750 micrograms =
hydrocortisone 20 mg = methylprednisolone 4 mg = triamcinolone 4 mg = cortisone acetate 25 mg.
Prednisone and prednisolone are taken as equipotent (Meikle AW, Tyler FH. Am J Med 1977;63:200).

Notes
-----
The equivalence is of anti-inflammatory potency and ignores mineralocorticoid effects. A
prednisone equivalent is computed only for a regular schedule in mg (a single pulse has no daily
equivalent; its cumulative dose is counted by the longitudinal service, issue #3).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date

from lupus_sct.domain.errors import InvalidValueError


class DrugClass(enum.Enum):
    """Pharmacological role the pathway rules care about."""

    GLUCOCORTICOID = "glucocorticoid"
    IMMUNOSUPPRESSANT = "immunosuppressant"
    BIOLOGIC = "biologic"
    ANTIMALARIAL = "antimalarial"
    NSAID = "nsaid"
    MOBILISING_AGENT = "mobilising_agent"
    CONDITIONING_AGENT = "conditioning_agent"
    ANTI_INFECTIVE = "anti_infective"
    OTHER = "other"


class Route(enum.Enum):
    """Route of administration."""

    ORAL = "oral"
    INTRAVENOUS = "intravenous"
    SUBCUTANEOUS = "subcutaneous"
    INTRAMUSCULAR = "intramuscular"
    TOPICAL = "topical"
    OTHER = "other"


class Frequency(enum.Enum):
    """Dosing frequency; the value is administrations per day (0 for a single dose)."""

    SINGLE_DOSE = "single_dose"
    FOUR_TIMES_DAILY = "four_times_daily"
    THREE_TIMES_DAILY = "three_times_daily"
    TWICE_DAILY = "twice_daily"
    DAILY = "daily"
    EVERY_OTHER_DAY = "every_other_day"
    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "every_two_weeks"
    EVERY_FOUR_WEEKS = "every_four_weeks"
    MONTHLY = "monthly"
    EVERY_SIX_MONTHS = "every_six_months"

    @property
    def per_day(self) -> float:
        """Average administrations per day."""
        return _PER_DAY[self]


_PER_DAY = {
    Frequency.SINGLE_DOSE: 0.0,
    Frequency.FOUR_TIMES_DAILY: 4.0,
    Frequency.THREE_TIMES_DAILY: 3.0,
    Frequency.TWICE_DAILY: 2.0,
    Frequency.DAILY: 1.0,
    Frequency.EVERY_OTHER_DAY: 0.5,
    Frequency.WEEKLY: 1 / 7,
    Frequency.EVERY_TWO_WEEKS: 1 / 14,
    Frequency.EVERY_FOUR_WEEKS: 1 / 28,
    Frequency.MONTHLY: 12 / 365.25,
    Frequency.EVERY_SIX_MONTHS: 2 / 365.25,
}
DOSE_UNITS = ("mg", "g", "ug", "mg/kg", "mg/m2", "g/m2", "ug/kg", "[IU]", "10*6/kg")


@dataclasses.dataclass(frozen=True, slots=True)
class Drug:
    """A catalogue entry; ``prednisone_factor`` is mg prednisone per mg of this drug."""

    rxnorm_code: str
    name: str
    drug_class: DrugClass
    prednisone_factor: float | None = None


DRUGS: dict[str, Drug] = {
    d.rxnorm_code: d
    for d in (
        Drug("8640", "prednisone", DrugClass.GLUCOCORTICOID, 1.0),  # BNF; Meikle 1977
        Drug("8638", "prednisolone", DrugClass.GLUCOCORTICOID, 1.0),  # BNF reference drug
        Drug("6902", "methylprednisolone", DrugClass.GLUCOCORTICOID, 5 / 4),  # BNF: 4 mg = 5 mg
        Drug("3264", "dexamethasone", DrugClass.GLUCOCORTICOID, 5 / 0.75),  # BNF: 0.75 mg = 5 mg
        Drug("5492", "hydrocortisone", DrugClass.GLUCOCORTICOID, 5 / 20),  # BNF: 20 mg = 5 mg
        Drug("3002", "cyclophosphamide", DrugClass.IMMUNOSUPPRESSANT),
        Drug("68149", "mycophenolate mofetil", DrugClass.IMMUNOSUPPRESSANT),
        Drug("1256", "azathioprine", DrugClass.IMMUNOSUPPRESSANT),
        Drug("6851", "methotrexate", DrugClass.IMMUNOSUPPRESSANT),
        Drug("42316", "tacrolimus", DrugClass.IMMUNOSUPPRESSANT),
        Drug("3008", "cyclosporine", DrugClass.IMMUNOSUPPRESSANT),
        Drug("121191", "rituximab", DrugClass.BIOLOGIC),
        Drug("5521", "hydroxychloroquine", DrugClass.ANTIMALARIAL),
        Drug("68442", "filgrastim", DrugClass.MOBILISING_AGENT),
        Drug("24698", "fludarabine", DrugClass.CONDITIONING_AGENT),
    )
}


@dataclasses.dataclass(frozen=True, slots=True)
class MedicationExposure:
    """A period on a drug at one dose; a dose change starts a new exposure."""

    id: str
    patient_id: str
    drug_name: str
    rxnorm_code: str
    drug_class: DrugClass
    dose: float
    dose_unit: str
    route: Route
    frequency: Frequency
    start_date: date
    stop_date: date | None = None
    version: int = 0

    def __post_init__(self) -> None:
        if not self.rxnorm_code.isdigit():
            raise InvalidValueError(
                "medication.rxnorm_code", self.rxnorm_code, "an RxNorm RxCUI (digits)"
            )
        known = DRUGS.get(self.rxnorm_code)
        if known is not None and known.drug_class is not self.drug_class:
            raise InvalidValueError(
                "medication.drug_class",
                self.drug_class.value,
                f"{known.drug_class.value} for RxCUI {self.rxnorm_code} ({known.name})",
            )
        if self.dose_unit not in DOSE_UNITS:
            raise InvalidValueError(
                "medication.dose_unit", self.dose_unit, f"one of {', '.join(DOSE_UNITS)}"
            )
        if isinstance(self.dose, bool) or not self.dose > 0:
            raise InvalidValueError("medication.dose", self.dose, "a number above 0")
        if self.stop_date is not None and self.stop_date < self.start_date:
            raise InvalidValueError(
                "medication.stop_date",
                self.stop_date.isoformat(),
                f"a date on or after the start ({self.start_date.isoformat()})",
            )

    def is_active_on(self, day: date) -> bool:
        """Whether the exposure covers ``day`` (start and stop dates inclusive)."""
        return self.start_date <= day and (self.stop_date is None or day <= self.stop_date)


def prednisone_equivalent_mg_per_day(exposure: MedicationExposure) -> float | None:
    """Average daily prednisone-equivalent dose of a glucocorticoid exposure.

    Returns
    -------
    float or None
        mg/day, or ``None`` when the drug is not a catalogued glucocorticoid, the dose is not in
        mg or g, or it is a single dose.
    """
    drug = DRUGS.get(exposure.rxnorm_code)
    if drug is None or drug.prednisone_factor is None:
        return None
    if exposure.frequency is Frequency.SINGLE_DOSE or exposure.dose_unit not in ("mg", "g"):
        return None
    dose_mg = exposure.dose * (1000.0 if exposure.dose_unit == "g" else 1.0)
    return dose_mg * exposure.frequency.per_day * drug.prednisone_factor
