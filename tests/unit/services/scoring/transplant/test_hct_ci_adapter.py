"""Batch adapter ``hct-ci``: the three shapes and invalid records."""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.scoring.transplant.hct_ci import INSTRUMENT, score


def test_the_instrument_is_nested() -> None:
    assert (INSTRUMENT.id, INSTRUMENT.flat, INSTRUMENT.version) == ("hct-ci", False, "HCT-CI 2005")


def test_the_total_shape_is_the_default() -> None:
    # Sorror 2005: rheumatologic 2 + obesity from BMI 36 (1) = 3, high risk.
    record = {"comorbidities": ["rheumatologic"], "bmi": 36}
    assert score(record) == {"score": 3, "risk_group": "high"}


def test_the_higher_tier_alone_counts_when_listed_and_measured() -> None:
    # Sorror 2005: pulmonary moderate listed, FEV1 60% (severe) measured -> 3 only.
    record = {"kind": "total", "comorbidities": ["pulmonary_moderate"], "fev1_pct_pred": 60}
    assert score(record) == {"score": 3, "risk_group": "high"}


def test_hct_ci_age_adds_one_from_age_40() -> None:
    # Sorror 2014.
    record = {"kind": "hct_ci_age", "comorbidities": ["diabetes"], "age": 40}
    assert score(record) == {"score": 2}


def test_item_threshold_returns_only_the_items_measured() -> None:
    # Sorror 2005 bounds: BMI 35 is not > 35; bilirubin 1.2 x ULN is mild.
    record = {"kind": "item_threshold", "bmi": 35, "bilirubin_x_uln": 1.2}
    assert score(record) == {"obesity": False, "hepatic": "mild"}


def test_item_threshold_reports_every_measured_organ() -> None:
    record = {
        "kind": "item_threshold",
        "creatinine_mg_dl": 2.5,
        "ejection_fraction_pct": 55,
        "fev1_pct_pred": 90,
        "dlco_corr_pct_pred": 70,
        "ast_or_alt_x_uln": 0.8,
    }
    assert score(record) == {
        "renal_moderate_severe": True,
        "cardiac": False,
        "pulmonary": "moderate",
        "hepatic": None,
    }


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({}, "comorbidities"),
        ({"comorbidities": ["lupus"]}, "unknown HCT-CI comorbidity 'lupus'"),
        ({"comorbidities": [], "bmi": 81}, "bmi 81 kg/m2 is outside 10-80"),
        ({"comorbidities": [], "ejection_fraction_pct": "low"}, "ejection_fraction_pct"),
        ({"kind": "hct_ci_age", "comorbidities": []}, "age"),
        ({"kind": "hct_ci_age", "comorbidities": [], "age": 101}, "age"),
        ({"kind": "item_threshold"}, "at least one measurement"),
        ({"kind": "threshold", "comorbidities": []}, "kind"),
    ],
)
def test_invalid_records_raise(record: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        score(record)
