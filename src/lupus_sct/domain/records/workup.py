"""Work-up findings: the organ-function, performance, infection and other facts that candidate
assessment and eligibility need, each a typed item of a fixed vocabulary.

References
----------
docs/spec/pathway.md §2 and §3: §2 the fitness assessment (ECOG/KPS, HCT-CI, echocardiogram,
pulmonary function, SpO2, infection screening, pregnancy, malignancy), §3 the protocol thresholds
these items are compared with. Karnofsky 1949 and Oken 1982 for the scales.

Notes
-----
Laboratory values stay :class:`~lupus_sct.domain.records.labs.LabResult`; this vocabulary covers
what is
not a LOINC-coded laboratory result in the platform: imaging and physiology, scales, serology
verdicts, clinician attestations and biopsy findings. A finding is dated so that eligibility can
tell when it is too old.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError


class ValueKind(enum.Enum):
    """How a finding's value is recorded."""

    NUMBER = "number"
    BOOLEAN = "boolean"
    CATEGORY = "category"


@dataclasses.dataclass(frozen=True, slots=True)
class ItemSpec:
    """What a work-up item holds: kind, unit, validated range or categories, and its label."""

    label: str
    kind: ValueKind
    unit: str = ""
    low: float = 0.0
    high: float = 0.0
    categories: tuple[str, ...] = ()
    whole: bool = False
    step: int = 0


def _number(
    label: str, unit: str, low: float, high: float, *, whole: bool = False, step: int = 0
) -> ItemSpec:
    return ItemSpec(label, ValueKind.NUMBER, unit, low, high, whole=whole, step=step)


def _flag(label: str) -> ItemSpec:
    return ItemSpec(label, ValueKind.BOOLEAN)


LN_CLASSES = ("I", "II", "III", "IV", "V", "VI", "III+V", "IV+V")  # ISN/RPS 2003 (Weening 2004)


class WorkupItem(enum.Enum):
    """The vocabulary of work-up findings."""

    LVEF_PCT = "lvef_pct"
    DLCO_PCT_PREDICTED = "dlco_pct_predicted"
    FEV1_PCT_PREDICTED = "fev1_pct_predicted"
    FVC_PCT_PREDICTED = "fvc_pct_predicted"
    SPO2_PCT_ROOM_AIR = "spo2_pct_room_air"
    PASP_MMHG = "pasp_mmhg"
    MPAP_MMHG = "mpap_mmhg"
    CREATININE_CLEARANCE_ML_MIN = "creatinine_clearance_ml_min"
    KPS = "kps"
    ECOG = "ecog"
    HCT_CI = "hct_ci"
    CD3_PER_UL = "cd3_per_ul"
    WEIGHT_KG = "weight_kg"
    HEIGHT_CM = "height_cm"
    HIV_POSITIVE = "hiv_positive"
    HBV_POSITIVE = "hbv_positive"
    HCV_POSITIVE = "hcv_positive"
    TB_POSITIVE = "tb_positive"
    ACTIVE_INFECTION = "active_infection"
    PREGNANT = "pregnant"
    ACTIVE_MALIGNANCY = "active_malignancy"
    ACTIVE_CNS_LUPUS = "active_cns_lupus"
    LUPUS_MYOCARDITIS = "lupus_myocarditis"
    UNSTABLE_ANGINA = "unstable_angina"
    GILBERT_SYNDROME = "gilbert_syndrome"
    DIALYSIS = "dialysis"
    LUPUS_NEPHRITIS_CLASS = "lupus_nephritis_class"
    SCLEROSED_GLOMERULI_PCT = "sclerosed_glomeruli_pct"
    CRESCENTS_PCT = "crescents_pct"

    @property
    def spec(self) -> ItemSpec:
        """The item's value kind, unit and validated range."""
        return ITEM_SPECS[self]


ITEM_SPECS: dict[WorkupItem, ItemSpec] = {
    WorkupItem.LVEF_PCT: _number("left ventricular ejection fraction", "%", 5, 90),
    WorkupItem.DLCO_PCT_PREDICTED: _number("DLCO (Hb-corrected), % predicted", "%", 5, 150),
    WorkupItem.FEV1_PCT_PREDICTED: _number("FEV1, % predicted", "%", 5, 150),
    WorkupItem.FVC_PCT_PREDICTED: _number("FVC, % predicted", "%", 5, 150),
    WorkupItem.SPO2_PCT_ROOM_AIR: _number("SpO2 on room air", "%", 50, 100),
    WorkupItem.PASP_MMHG: _number("pulmonary artery systolic pressure (echo)", "mmHg", 5, 150),
    WorkupItem.MPAP_MMHG: _number("mean pulmonary arterial pressure (RHC)", "mmHg", 5, 100),
    WorkupItem.CREATININE_CLEARANCE_ML_MIN: _number("creatinine clearance", "mL/min", 1, 250),
    WorkupItem.KPS: _number("Karnofsky performance status", "%", 0, 100, whole=True, step=10),
    WorkupItem.ECOG: _number("ECOG performance status", "", 0, 5, whole=True),
    WorkupItem.HCT_CI: _number("HCT-CI score", "points", 0, 27, whole=True),
    WorkupItem.CD3_PER_UL: _number("CD3+ T cells", "/uL", 0, 20000),
    WorkupItem.WEIGHT_KG: _number("body weight", "kg", 2, 300),
    WorkupItem.HEIGHT_CM: _number("height", "cm", 40, 250),
    WorkupItem.HIV_POSITIVE: _flag("HIV infection"),
    WorkupItem.HBV_POSITIVE: _flag("hepatitis B infection (HBsAg or HBV DNA)"),
    WorkupItem.HCV_POSITIVE: _flag("hepatitis C infection (HCV RNA)"),
    WorkupItem.TB_POSITIVE: _flag("tuberculosis (active or untreated latent)"),
    WorkupItem.ACTIVE_INFECTION: _flag("active infection"),
    WorkupItem.PREGNANT: _flag("pregnancy"),
    WorkupItem.ACTIVE_MALIGNANCY: _flag("active malignancy"),
    WorkupItem.ACTIVE_CNS_LUPUS: _flag("active CNS lupus"),
    WorkupItem.LUPUS_MYOCARDITIS: _flag("lupus myocarditis"),
    WorkupItem.UNSTABLE_ANGINA: _flag("unstable angina"),
    WorkupItem.GILBERT_SYNDROME: _flag("Gilbert syndrome"),
    WorkupItem.DIALYSIS: _flag("on dialysis"),
    WorkupItem.LUPUS_NEPHRITIS_CLASS: ItemSpec(
        "lupus nephritis class (ISN/RPS 2003)", ValueKind.CATEGORY, categories=LN_CLASSES
    ),
    WorkupItem.SCLEROSED_GLOMERULI_PCT: _number("sclerosed glomeruli on biopsy", "%", 0, 100),
    WorkupItem.CRESCENTS_PCT: _number("glomeruli with crescents on biopsy", "%", 0, 100),
}


@dataclasses.dataclass(frozen=True, slots=True)
class WorkupFinding:
    """One dated work-up finding."""

    id: str
    patient_id: str
    item: WorkupItem
    value: float | bool | str
    observed_on: date
    version: int = 0

    def __post_init__(self) -> None:
        check_value(self.item, self.value)


def check_value(item: WorkupItem, value: float | bool | str) -> None:
    """Refuse a value of the wrong kind or outside the item's validated range."""
    spec = item.spec
    field = f"workup[{item.value}].value"
    if spec.kind is ValueKind.BOOLEAN:
        if not isinstance(value, bool):
            raise InvalidValueError(field, value, "true or false")
        return
    if spec.kind is ValueKind.CATEGORY:
        if value not in spec.categories:
            raise InvalidValueError(field, value, "one of " + ", ".join(spec.categories))
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(field, value, f"a number in {spec.unit or 'points'}")
    if not spec.low <= value <= spec.high:
        raise OutOfValidatedRangeError(field, value, spec.low, spec.high, spec.unit)
    if spec.whole and value != int(value):
        raise InvalidValueError(field, value, "a whole number")
    if spec.step and int(value) % spec.step:
        raise InvalidValueError(field, value, f"a multiple of {spec.step}")
