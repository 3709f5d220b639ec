"""Invariants of DORIS 2021 remission (van Vollenhoven 2021; decision D2, decision D3;
convention C9), and its agreement with LLDAS (Franklyn 2016), which every DORIS remission must
satisfy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.doris_2021 import DorisAssessment, assess_doris_2021
from lupus_sct.domain.instruments.lupus.lldas_2016 import LldasAssessment, meets_lldas
from lupus_sct.domain.instruments.lupus.sledai_2k import SEROLOGICAL_DESCRIPTORS, SledaiDescriptor

assessments = st.builds(
    DorisAssessment,
    sledai2k_descriptors=st.frozensets(st.sampled_from(SledaiDescriptor)),
    pga=st.floats(0, 3),
    prednisolone_mg_per_day=st.floats(0, 1000),
    antimalarial_stable=st.none() | st.booleans(),
    immunosuppressive_stable=st.none() | st.booleans(),
    biologic_stable=st.none() | st.booleans(),
)


@given(assessments)
def test_serology_never_changes_doris_remission(assessment: DorisAssessment) -> None:
    without = DorisAssessment(
        assessment.sledai2k_descriptors - SEROLOGICAL_DESCRIPTORS,
        assessment.pga,
        assessment.prednisolone_mg_per_day,
    )
    with_serology = DorisAssessment(
        assessment.sledai2k_descriptors | SEROLOGICAL_DESCRIPTORS,
        assessment.pga,
        assessment.prednisolone_mg_per_day,
    )
    assert assess_doris_2021(without).remission == assess_doris_2021(with_serology).remission


@given(assessments)
def test_stable_treatment_flags_never_change_doris_remission(assessment: DorisAssessment) -> None:
    bare = DorisAssessment(
        assessment.sledai2k_descriptors, assessment.pga, assessment.prednisolone_mg_per_day
    )
    assert assess_doris_2021(bare).remission == assess_doris_2021(assessment).remission


@given(assessments)
def test_a_visit_in_doris_remission_is_in_lldas_when_nothing_else_is_active(
    assessment: DorisAssessment,
) -> None:
    lldas = LldasAssessment(
        sledai2k_descriptors=assessment.sledai2k_descriptors,
        hemolytic_anemia=False,
        gi_activity=False,
        new_activity_since_last_visit=False,
        pga=assessment.pga,
        prednisolone_mg_per_day=assessment.prednisolone_mg_per_day,
        standard_maintenance_immunosuppression_tolerated=True,
        investigational_drug=False,
    )
    if assess_doris_2021(assessment).remission:
        assert meets_lldas(lldas)
