"""Invariants of LLDAS (Franklyn 2016; docs/spec/instruments.md §5.5)."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.lldas_2016 import LldasAssessment, assess_lldas, meets_lldas
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor

assessments = st.builds(
    LldasAssessment,
    sledai2k_descriptors=st.frozensets(st.sampled_from(SledaiDescriptor)),
    hemolytic_anemia=st.booleans(),
    gi_activity=st.booleans(),
    new_activity_since_last_visit=st.booleans(),
    pga=st.floats(0, 3),
    prednisolone_mg_per_day=st.floats(0, 1000),
    standard_maintenance_immunosuppression_tolerated=st.booleans(),
    investigational_drug=st.booleans(),
)


@given(assessments, st.sampled_from(SledaiDescriptor))
def test_removing_a_descriptor_never_takes_a_patient_out_of_lldas(
    assessment: LldasAssessment, descriptor: SledaiDescriptor
) -> None:
    fewer = dataclasses.replace(
        assessment, sledai2k_descriptors=assessment.sledai2k_descriptors - {descriptor}
    )
    assert meets_lldas(fewer) >= meets_lldas(assessment)


@given(assessments, st.floats(0, 1), st.floats(0, 1))
def test_a_lower_pga_or_steroid_dose_never_takes_a_patient_out_of_lldas(
    assessment: LldasAssessment, pga_share: float, dose_share: float
) -> None:
    lower = dataclasses.replace(
        assessment,
        pga=assessment.pga * pga_share,
        prednisolone_mg_per_day=assessment.prednisolone_mg_per_day * dose_share,
    )
    assert meets_lldas(lower) >= meets_lldas(assessment)


@given(assessments)
def test_lldas_holds_exactly_when_no_criterion_is_unmet(assessment: LldasAssessment) -> None:
    result = assess_lldas(assessment)
    assert result.lldas == (result.unmet_criteria == ())
    assert set(result.unmet_criteria) <= {1, 2, 3, 4, 5}
