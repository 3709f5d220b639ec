"""EULAR/ACR 2019 invariants: score within 0-51 and monotone in the criteria present."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.eular_acr_2019 import (
    EularAcrCriterion,
    classify_eular_acr_2019,
)

criteria = st.sets(st.sampled_from(list(EularAcrCriterion)))


@given(st.booleans(), criteria, st.sampled_from(list(EularAcrCriterion)))
def test_adding_a_criterion_never_lowers_the_score_or_declassifies(
    ana: bool, present: set[EularAcrCriterion], extra: EularAcrCriterion
) -> None:
    before = classify_eular_acr_2019(ana, present)
    after = classify_eular_acr_2019(ana, present | {extra})
    assert 0 <= before.score <= after.score <= 51
    assert after.classified or not before.classified


@given(st.booleans(), criteria)
def test_a_classified_patient_always_meets_the_ana_entry_criterion(
    ana: bool, present: set[EularAcrCriterion]
) -> None:
    result = classify_eular_acr_2019(ana, present)
    assert not result.classified or (result.entry_met and result.score >= 10)
