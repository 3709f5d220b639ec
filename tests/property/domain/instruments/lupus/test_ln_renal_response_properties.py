"""Renal response invariants: lower follow-up proteinuria never gives a worse response."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.ln_renal_response import (
    LnDefinition,
    LnRenalMeasurements,
    LnResponse,
    assess_ln_renal_response,
)

RANK = {LnResponse.NONE: 0, LnResponse.PARTIAL: 1, LnResponse.COMPLETE: 2}
upcr = st.floats(0, 30)


@given(
    st.sampled_from(list(LnDefinition)),
    st.floats(0.01, 30),
    upcr,
    upcr,
    st.floats(1, 200),
    st.floats(1, 200),
)
def test_lower_followup_proteinuria_never_worsens_the_response(
    definition: LnDefinition,
    baseline: float,
    a: float,
    b: float,
    egfr_baseline: float,
    egfr_followup: float,
) -> None:
    low, high = sorted((a, b))

    def rank(followup: float) -> int:
        m = LnRenalMeasurements(baseline, followup, egfr_baseline, egfr_followup, 6)
        return RANK[assess_ln_renal_response(definition, m).response]

    assert rank(low) >= rank(high)
