"""HCT-CI invariants: score within 0-26 (27 with age), never lowered by adding a comorbidity."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.hct_ci_2005 import (
    HctCiComorbidity,
    HctCiMeasurements,
    score_hct_ci,
    score_hct_ci_age,
)

comorbidities = st.sets(st.sampled_from(list(HctCiComorbidity)))
measurements = st.builds(
    HctCiMeasurements,
    bmi=st.none() | st.floats(10, 80),
    creatinine_mg_dl=st.none() | st.floats(0.1, 40),
    ejection_fraction_pct=st.none() | st.floats(5, 90),
    fev1_pct_pred=st.none() | st.floats(5, 150),
    dlco_corr_pct_pred=st.none() | st.floats(5, 150),
    bilirubin_x_uln=st.none() | st.floats(0, 50),
    ast_or_alt_x_uln=st.none() | st.floats(0, 100),
)


@given(comorbidities, measurements)
def test_the_hct_ci_lies_between_0_and_26(
    present: set[HctCiComorbidity], m: HctCiMeasurements
) -> None:
    assert 0 <= score_hct_ci(present, m).score <= 26


@given(comorbidities, measurements, st.integers(0, 100))
def test_the_hct_ci_age_lies_between_0_and_27(
    present: set[HctCiComorbidity], m: HctCiMeasurements, age: int
) -> None:
    assert 0 <= score_hct_ci_age(score_hct_ci(present, m), age).score <= 27


@given(comorbidities, st.sampled_from(list(HctCiComorbidity)), measurements)
def test_adding_a_comorbidity_never_lowers_the_hct_ci(
    present: set[HctCiComorbidity], extra: HctCiComorbidity, m: HctCiMeasurements
) -> None:
    assert score_hct_ci(present | {extra}, m).score >= score_hct_ci(present, m).score
