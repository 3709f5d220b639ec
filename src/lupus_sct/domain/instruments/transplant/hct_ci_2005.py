"""Haematopoietic cell transplantation comorbidity index (HCT-CI, 2005) and HCT-CI/age.

References
----------
Sorror ML, Maris MB, Storb R, et al. Hematopoietic cell transplantation (HCT)-specific
comorbidity index: a new tool for risk assessment before allogeneic HCT. Blood
2005;106:2912-9. doi:10.1182/blood-2005-05-2004 (Table 2: definitions and weights).
Sorror ML, Storb RF, Sandmaier BM, et al. Comorbidity-age index: a clinical measure of
biologic age before allogeneic hematopoietic cell transplantation. J Clin Oncol
2014;32:3249-56. doi:10.1200/JCO.2013.53.8157 (+1 if age >= 40).

Notes
-----
Follows docs/spec/instruments.md §7.1; the 2005 definitions are pinned (not the later
ASH table wording).

- Score = sum of the weights present (0-26); risk groups 0 low, 1-2 intermediate, >= 3 high.
- Hepatic and pulmonary tiers are mutually exclusive: only the higher tier counts.
- Measurements derive items with the published bounds: BMI > 35 kg/m2; creatinine > 2 mg/dL;
  EF <= 50%; FEV1 or haemoglobin-corrected DLco (% predicted) <= 65 severe, > 65 and <= 80
  moderate; bilirubin > 1 and <= 1.5 x ULN or AST/ALT > 1 and <= 2.5 x ULN mild, above those
  moderate/severe. Multiples of the ULN are compared with the decision D11 tolerance.
- Decision D5: ``rheumatologic`` (SLE, RA...) is scored whenever present, including when it is the
  transplant indication; :class:`RheumatologicPolicy` can exclude the indication, and the result
  records the policy used.
- Missing data: a measurement not given derives nothing; an item not listed is absent.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Collection

from lupus_sct.domain.comparisons import above, at_most
from lupus_sct.domain.errors import OutOfValidatedRangeError

VERSION = "HCT-CI 2005"  # Sorror 2005; docs/spec/instruments.md §7.1, pitfall 3
OBESITY_MIN_BMI_EXCLUSIVE = 35.0  # Sorror 2005, Table 2: "BMI > 35 kg/m2"
RENAL_MIN_CREATININE_MG_DL_EXCLUSIVE = 2.0  # Sorror 2005, Table 2: "serum creatinine > 2 mg/dL"
CARDIAC_MAX_EF_PCT = 50.0  # Sorror 2005, Table 2: "EF <= 50%"
PULMONARY_SEVERE_MAX_PCT = 65.0  # Sorror 2005, Table 2: "DLco and/or FEV1 <= 65%"
PULMONARY_MODERATE_MAX_PCT = 80.0  # Sorror 2005, Table 2: "DLco and/or FEV1 66-80%"
HEPATIC_MILD_MIN_X_ULN_EXCLUSIVE = 1.0  # Sorror 2005, Table 2: "> ULN"
BILIRUBIN_MILD_MAX_X_ULN = 1.5  # Sorror 2005, Table 2: "bilirubin > ULN to 1.5 x ULN"
AST_ALT_MILD_MAX_X_ULN = 2.5  # Sorror 2005, Table 2: "AST/ALT > ULN to 2.5 x ULN"
HCT_CI_AGE_MIN_YEARS = 40  # Sorror 2014: +1 if age >= 40 years
HCT_CI_AGE_POINTS = 1  # Sorror 2014
INTERMEDIATE_RISK_MIN = 1  # Sorror 2005: scores 1-2 intermediate
HIGH_RISK_MIN = 3  # Sorror 2005: score >= 3 high
MAX_SCORE = 26  # Sorror 2005; docs/spec/instruments.md §7.1
BMI_RANGE = (10.0, 80.0)  # docs/spec/instruments.md §12.3, kg/m2
CREATININE_RANGE_MG_DL = (0.1, 40.0)  # docs/spec/instruments.md §12.3
EF_RANGE_PCT = (5.0, 90.0)  # docs/spec/instruments.md §12.3
PULMONARY_RANGE_PCT = (5.0, 150.0)  # docs/spec/instruments.md §12.3, % predicted
BILIRUBIN_RANGE_X_ULN = (0.0, 50.0)  # docs/spec/instruments.md §12.3
AST_ALT_RANGE_X_ULN = (0.0, 100.0)  # docs/spec/instruments.md §12.3
AGE_RANGE_YEARS = (0, 100)  # docs/spec/instruments.md §12.3


class HctCiComorbidity(enum.Enum):
    """The 17 HCT-CI comorbidities: (batch id, weight) from Sorror 2005, Table 2."""

    ARRHYTHMIA = ("arrhythmia", 1)
    CARDIAC = ("cardiac", 1)
    INFLAMMATORY_BOWEL_DISEASE = ("inflammatory_bowel_disease", 1)
    DIABETES = ("diabetes", 1)
    CEREBROVASCULAR_DISEASE = ("cerebrovascular_disease", 1)
    PSYCHIATRIC_DISTURBANCE = ("psychiatric_disturbance", 1)
    HEPATIC_MILD = ("hepatic_mild", 1)
    OBESITY = ("obesity", 1)
    INFECTION = ("infection", 1)
    RHEUMATOLOGIC = ("rheumatologic", 2)
    PEPTIC_ULCER = ("peptic_ulcer", 2)
    RENAL_MODERATE_SEVERE = ("renal_moderate_severe", 2)
    PULMONARY_MODERATE = ("pulmonary_moderate", 2)
    PRIOR_SOLID_TUMOR = ("prior_solid_tumor", 3)
    HEART_VALVE_DISEASE = ("heart_valve_disease", 3)
    PULMONARY_SEVERE = ("pulmonary_severe", 3)
    HEPATIC_MODERATE_SEVERE = ("hepatic_moderate_severe", 3)

    @property
    def id(self) -> str:
        """The batch id."""
        return self.value[0]

    @property
    def weight(self) -> int:
        """The weight in points."""
        return self.value[1]

    @classmethod
    def from_id(cls, comorbidity_id: str) -> HctCiComorbidity:
        """The comorbidity with this batch id; ``KeyError`` if there is none."""
        return _BY_ID[comorbidity_id]


_BY_ID = {c.id: c for c in HctCiComorbidity}
COMORBIDITY_IDS = tuple(_BY_ID)
_C = HctCiComorbidity
_LOWER_TIER_OF = {
    _C.HEPATIC_MODERATE_SEVERE: _C.HEPATIC_MILD,
    _C.PULMONARY_SEVERE: _C.PULMONARY_MODERATE,
}  # Sorror 2005: one tier per organ; docs/spec/instruments.md §7.1, pitfall 2


class RiskGroup(enum.Enum):
    """HCT-CI risk groups (Sorror 2005)."""

    LOW = "low"
    INTERMEDIATE = "intermediate"
    HIGH = "high"


class RheumatologicPolicy(enum.Enum):
    """Whether ``rheumatologic`` counts when the disease is the HSCT indication (decision D5)."""

    INCLUDE_INDICATION = "include_indication"
    EXCLUDE_INDICATION = "exclude_indication"


class PulmonaryTier(enum.Enum):
    """Pulmonary tier derived from FEV1/DLco."""

    MODERATE = "moderate"
    SEVERE = "severe"


class HepaticTier(enum.Enum):
    """Hepatic tier derived from bilirubin and AST/ALT."""

    MILD = "mild"
    MODERATE_SEVERE = "moderate_severe"


def _check(field: str, value: float | None, bounds: tuple[float, float], unit: str = "") -> None:
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise OutOfValidatedRangeError(field, value, bounds[0], bounds[1], unit)


@dataclasses.dataclass(frozen=True, slots=True)
class HctCiMeasurements:
    """Optional measurements that derive HCT-CI items (``None`` = not measured).

    Raises
    ------
    OutOfValidatedRangeError
        When a value is outside its validated range (docs/spec/instruments.md §12.3).
    """

    bmi: float | None = None
    creatinine_mg_dl: float | None = None
    ejection_fraction_pct: float | None = None
    fev1_pct_pred: float | None = None
    dlco_corr_pct_pred: float | None = None
    bilirubin_x_uln: float | None = None
    ast_or_alt_x_uln: float | None = None

    def __post_init__(self) -> None:
        _check("bmi", self.bmi, BMI_RANGE, "kg/m2")
        _check("creatinine_mg_dl", self.creatinine_mg_dl, CREATININE_RANGE_MG_DL, "mg/dL")
        _check("ejection_fraction_pct", self.ejection_fraction_pct, EF_RANGE_PCT, "%")
        _check("fev1_pct_pred", self.fev1_pct_pred, PULMONARY_RANGE_PCT, "%")
        _check("dlco_corr_pct_pred", self.dlco_corr_pct_pred, PULMONARY_RANGE_PCT, "%")
        _check("bilirubin_x_uln", self.bilirubin_x_uln, BILIRUBIN_RANGE_X_ULN, "x ULN")
        _check("ast_or_alt_x_uln", self.ast_or_alt_x_uln, AST_ALT_RANGE_X_ULN, "x ULN")


@dataclasses.dataclass(frozen=True, slots=True)
class HctCiResult:
    """An HCT-CI score, its risk group and the comorbidities counted."""

    score: int
    risk_group: RiskGroup
    counted: frozenset[HctCiComorbidity]
    rheumatologic_policy: RheumatologicPolicy
    version: str = VERSION


@dataclasses.dataclass(frozen=True, slots=True)
class HctCiAgeResult:
    """HCT-CI/age: the HCT-CI plus one point at age >= 40."""

    score: int
    hct_ci: HctCiResult
    age_points: int


def is_obese(bmi: float) -> bool:
    """BMI > 35 kg/m2 (strict)."""
    return bmi > OBESITY_MIN_BMI_EXCLUSIVE


def has_renal_moderate_severe(creatinine_mg_dl: float) -> bool:
    """Serum creatinine > 2 mg/dL (strict)."""
    return creatinine_mg_dl > RENAL_MIN_CREATININE_MG_DL_EXCLUSIVE


def has_cardiac_ejection_fraction(ejection_fraction_pct: float) -> bool:
    """Ejection fraction <= 50% (inclusive)."""
    return ejection_fraction_pct <= CARDIAC_MAX_EF_PCT


def pulmonary_tier(
    fev1_pct_pred: float | None, dlco_corr_pct_pred: float | None
) -> PulmonaryTier | None:
    """The worse tier of FEV1 and DLco: <= 65 severe, > 65 and <= 80 moderate, else none."""
    values = [v for v in (fev1_pct_pred, dlco_corr_pct_pred) if v is not None]
    if not values:
        return None
    worst = min(values)
    if worst <= PULMONARY_SEVERE_MAX_PCT:
        return PulmonaryTier.SEVERE
    if worst <= PULMONARY_MODERATE_MAX_PCT:
        return PulmonaryTier.MODERATE
    return None


def _hepatic_tier_of(x_uln: float | None, mild_max: float) -> HepaticTier | None:
    if x_uln is None or not above(x_uln, HEPATIC_MILD_MIN_X_ULN_EXCLUSIVE):
        return None
    return HepaticTier.MILD if at_most(x_uln, mild_max) else HepaticTier.MODERATE_SEVERE


def hepatic_tier(
    bilirubin_x_uln: float | None, ast_or_alt_x_uln: float | None
) -> HepaticTier | None:
    """The higher tier of bilirubin (mild > 1 to <= 1.5 x ULN) and AST/ALT (> 1 to <= 2.5 x ULN)."""
    tiers = {
        _hepatic_tier_of(bilirubin_x_uln, BILIRUBIN_MILD_MAX_X_ULN),
        _hepatic_tier_of(ast_or_alt_x_uln, AST_ALT_MILD_MAX_X_ULN),
    }
    if HepaticTier.MODERATE_SEVERE in tiers:
        return HepaticTier.MODERATE_SEVERE
    return HepaticTier.MILD if HepaticTier.MILD in tiers else None


def derived_comorbidities(m: HctCiMeasurements) -> frozenset[HctCiComorbidity]:
    """The items the measurements meet (docs/spec/instruments.md §7.1 thresholds)."""
    found: set[HctCiComorbidity] = set()
    if m.bmi is not None and is_obese(m.bmi):
        found.add(_C.OBESITY)
    if m.creatinine_mg_dl is not None and has_renal_moderate_severe(m.creatinine_mg_dl):
        found.add(_C.RENAL_MODERATE_SEVERE)
    if m.ejection_fraction_pct is not None and has_cardiac_ejection_fraction(
        m.ejection_fraction_pct
    ):
        found.add(_C.CARDIAC)
    pulmonary = pulmonary_tier(m.fev1_pct_pred, m.dlco_corr_pct_pred)
    if pulmonary is not None:
        found.add(
            _C.PULMONARY_SEVERE if pulmonary is PulmonaryTier.SEVERE else _C.PULMONARY_MODERATE
        )
    hepatic = hepatic_tier(m.bilirubin_x_uln, m.ast_or_alt_x_uln)
    if hepatic is not None:
        found.add(
            _C.HEPATIC_MODERATE_SEVERE
            if hepatic is HepaticTier.MODERATE_SEVERE
            else _C.HEPATIC_MILD
        )
    return frozenset(found)


def risk_group(score: int) -> RiskGroup:
    """0 low, 1-2 intermediate, >= 3 high (Sorror 2005)."""
    if score >= HIGH_RISK_MIN:
        return RiskGroup.HIGH
    return RiskGroup.INTERMEDIATE if score >= INTERMEDIATE_RISK_MIN else RiskGroup.LOW


def score_hct_ci(
    comorbidities: Collection[HctCiComorbidity],
    measurements: HctCiMeasurements | None = None,
    *,
    rheumatologic_policy: RheumatologicPolicy = RheumatologicPolicy.INCLUDE_INDICATION,
    rheumatologic_is_indication: bool = False,
) -> HctCiResult:
    """Score the HCT-CI (Sorror 2005).

    Parameters
    ----------
    comorbidities
        Comorbidities present, as attested (SLE/RA patients include ``RHEUMATOLOGIC``, decision D5).
    measurements
        Optional measurements; each item they meet is added to ``comorbidities``.
    rheumatologic_policy, rheumatologic_is_indication
        Decision D5: by default ``rheumatologic`` counts even when the rheumatic disease is the
        transplant indication; ``EXCLUDE_INDICATION`` drops it in that case.

    Returns
    -------
    HctCiResult
        Score 0-26, risk group, the comorbidities counted and the policy used.
    """
    present = set(comorbidities)
    if measurements is not None:
        present |= derived_comorbidities(measurements)
    for higher, lower in _LOWER_TIER_OF.items():
        if higher in present:
            present.discard(lower)
    if (
        rheumatologic_is_indication
        and rheumatologic_policy is RheumatologicPolicy.EXCLUDE_INDICATION
    ):
        present.discard(_C.RHEUMATOLOGIC)
    score = sum(c.weight for c in present)
    return HctCiResult(score, risk_group(score), frozenset(present), rheumatologic_policy)


def score_hct_ci_age(hct_ci: HctCiResult, age_years: int) -> HctCiAgeResult:
    """HCT-CI/age (Sorror 2014): HCT-CI + 1 when age >= 40 years (inclusive).

    Raises
    ------
    OutOfValidatedRangeError
        Age outside 0-100 years.
    """
    _check("age", age_years, AGE_RANGE_YEARS, "years")
    points = HCT_CI_AGE_POINTS if age_years >= HCT_CI_AGE_MIN_YEARS else 0
    return HctCiAgeResult(score=hct_ci.score + points, hct_ci=hct_ci, age_points=points)
