"""Batch adapter ``hct-ci`` (docs/spec/instruments.md §12.3).

HCT-CI, item thresholds, HCT-CI/age.
"""

from __future__ import annotations

from typing import Any

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant import hct_ci_2005 as h
from lupus_sct.services.scoring import Instrument, Record
from lupus_sct.services.scoring.fields import choice, id_list, integer, number

KINDS = ("total", "item_threshold", "hct_ci_age")
MEASUREMENTS = (
    ("bmi", h.BMI_RANGE, "kg/m2"),
    ("creatinine_mg_dl", h.CREATININE_RANGE_MG_DL, "mg/dL"),
    ("ejection_fraction_pct", h.EF_RANGE_PCT, "%"),
    ("fev1_pct_pred", h.PULMONARY_RANGE_PCT, "%"),
    ("dlco_corr_pct_pred", h.PULMONARY_RANGE_PCT, "%"),
    ("bilirubin_x_uln", h.BILIRUBIN_RANGE_X_ULN, "x ULN"),
    ("ast_or_alt_x_uln", h.AST_ALT_RANGE_X_ULN, "x ULN"),
)


def _measurements(record: Record) -> h.HctCiMeasurements:
    values = {
        name: number(record, name, low, high, default=None, unit=unit)
        for name, (low, high), unit in MEASUREMENTS
    }
    return h.HctCiMeasurements(**values)


def _total(record: Record) -> h.HctCiResult:
    ids = id_list(record, "comorbidities", h.COMORBIDITY_IDS, label="HCT-CI comorbidity")
    return h.score_hct_ci([h.HctCiComorbidity.from_id(i) for i in ids], _measurements(record))


def _item_threshold(record: Record) -> dict[str, Any]:
    m = _measurements(record)
    out: dict[str, Any] = {}
    if m.bmi is not None:
        out["obesity"] = h.is_obese(m.bmi)
    if m.creatinine_mg_dl is not None:
        out["renal_moderate_severe"] = h.has_renal_moderate_severe(m.creatinine_mg_dl)
    if m.ejection_fraction_pct is not None:
        out["cardiac"] = h.has_cardiac_ejection_fraction(m.ejection_fraction_pct)
    if m.fev1_pct_pred is not None or m.dlco_corr_pct_pred is not None:
        pulmonary = h.pulmonary_tier(m.fev1_pct_pred, m.dlco_corr_pct_pred)
        out["pulmonary"] = pulmonary.value if pulmonary is not None else None
    if m.bilirubin_x_uln is not None or m.ast_or_alt_x_uln is not None:
        hepatic = h.hepatic_tier(m.bilirubin_x_uln, m.ast_or_alt_x_uln)
        out["hepatic"] = hepatic.value if hepatic is not None else None
    if not out:
        names = ", ".join(name for name, _, _ in MEASUREMENTS)
        raise InvalidValueError("kind", "item_threshold", f"at least one measurement ({names})")
    return out


def score(record: Record) -> dict[str, Any]:
    """Score one record according to its ``kind`` (default ``total``)."""
    kind = choice(record, "kind", KINDS, default="total")
    if kind == "item_threshold":
        return _item_threshold(record)
    if kind == "hct_ci_age":
        age = integer(record, "age", *h.AGE_RANGE_YEARS)
        return {"score": h.score_hct_ci_age(_total(record), age).score}
    result = _total(record)
    return {"score": result.score, "risk_group": result.risk_group.value}


INSTRUMENT = Instrument(
    id="hct-ci",
    version=h.VERSION,
    citation=(
        "Sorror ML, et al. Blood 2005;106:2912-9, doi:10.1182/blood-2005-05-2004; "
        "HCT-CI/age: Sorror ML, et al. J Clin Oncol 2014;32:3249-56, "
        "doi:10.1200/JCO.2013.53.8157"
    ),
    flat=False,
    score=score,
)
