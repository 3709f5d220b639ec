"""SLICC 2012 invariants: counts within range; adding a criterion never declassifies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.slicc_2012 import (
    SliccClinical,
    SliccImmunologic,
    classify_slicc_2012,
)

clinical = st.sets(st.sampled_from(list(SliccClinical)))
immunologic = st.sets(st.sampled_from(list(SliccImmunologic)))


@given(clinical, immunologic, st.booleans(), st.sampled_from(list(SliccClinical)))
def test_adding_a_clinical_criterion_never_declassifies(
    c: set[SliccClinical], i: set[SliccImmunologic], biopsy: bool, extra: SliccClinical
) -> None:
    before = classify_slicc_2012(c, i, biopsy_proven_lupus_nephritis=biopsy)
    after = classify_slicc_2012(c | {extra}, i, biopsy_proven_lupus_nephritis=biopsy)
    assert 0 <= before.n_clinical <= 11
    assert 0 <= before.n_immunologic <= 6
    # Petri 2012: a direct Coombs test counts only without haemolytic anaemia, so adding
    # haemolytic anaemia to a Coombs-positive patient can remove an immunologic criterion.
    coombs_lost = (
        extra is SliccClinical.HEMOLYTIC_ANEMIA
        and SliccImmunologic.DIRECT_COOMBS in i
        and SliccClinical.HEMOLYTIC_ANEMIA not in c
    )
    if not coombs_lost:
        assert after.classified or not before.classified


@given(clinical, immunologic, st.booleans())
def test_classified_exactly_when_a_pathway_is_reported(
    c: set[SliccClinical], i: set[SliccImmunologic], biopsy: bool
) -> None:
    result = classify_slicc_2012(c, i, biopsy_proven_lupus_nephritis=biopsy)
    assert result.classified is (result.pathway is not None)
