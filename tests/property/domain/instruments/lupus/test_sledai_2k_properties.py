"""Invariants of the SLEDAI-2K (Gladman 2002; docs/spec/instruments.md §1; decision D1 and
decision D2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SEROLOGICAL_DESCRIPTORS,
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
    score_sledai_2k,
    sledai_2k_score,
)

descriptor_sets = st.frozensets(st.sampled_from(SledaiDescriptor))
measurements = st.builds(
    SledaiMeasurements,
    wbc_x10e9_per_l=st.none() | st.floats(0, 200),
    platelets_x10e9_per_l=st.none() | st.floats(0, 2000),
    temp_c=st.none() | st.floats(30, 45),
    protein_g_per_24h=st.none() | st.floats(0, 50),
    rbc_per_hpf=st.none() | st.floats(0, 1000),
    wbc_per_hpf=st.none() | st.floats(0, 1000),
    arthritis_joint_count=st.none() | st.integers(0, 68),
)


@st.composite
def assessments(draw: st.DrawFn) -> SledaiAssessment:
    listed = draw(descriptor_sets)
    excluded = draw(descriptor_sets) - listed
    return SledaiAssessment(
        descriptors=listed,
        measurements=draw(measurements),
        not_attributed_to_sle=excluded,
        window_days=draw(st.sampled_from((10, 30))),
    )


@given(descriptor_sets, st.sampled_from(SledaiDescriptor))
def test_adding_a_descriptor_never_lowers_the_sledai_2k_score(
    descriptors: frozenset[SledaiDescriptor], extra: SledaiDescriptor
) -> None:
    assert sledai_2k_score(descriptors | {extra}) >= sledai_2k_score(descriptors)


@given(assessments())
def test_the_score_is_within_0_to_105_and_the_clinical_score_within_0_to_101(
    assessment: SledaiAssessment,
) -> None:
    result = score_sledai_2k(assessment)
    assert 0 <= result.score <= 105
    assert 0 <= result.clinical_score <= 101


@given(assessments())
def test_the_clinical_score_is_the_total_less_2_points_per_serological_descriptor(
    assessment: SledaiAssessment,
) -> None:
    result = score_sledai_2k(assessment)
    serology = SEROLOGICAL_DESCRIPTORS & set(result.descriptors)
    assert result.clinical_score == result.score - 2 * len(serology) <= result.score


@given(assessments())
def test_counted_descriptors_are_distinct_in_vocabulary_order_and_sum_to_the_score(
    assessment: SledaiAssessment,
) -> None:
    result = score_sledai_2k(assessment)
    order = list(SledaiDescriptor)
    indexes = [order.index(d) for d in result.descriptors]
    assert indexes == sorted(set(indexes))
    assert sledai_2k_score(result.descriptors) == result.score


@given(assessments())
def test_every_listed_descriptor_is_counted_and_no_excluded_one_is(
    assessment: SledaiAssessment,
) -> None:
    counted = set(score_sledai_2k(assessment).descriptors)
    assert assessment.descriptors <= counted
    assert not (assessment.not_attributed_to_sle & counted)


@given(descriptor_sets, measurements)
def test_measurements_never_lower_the_score_of_the_listed_descriptors(
    descriptors: frozenset[SledaiDescriptor], measured: SledaiMeasurements
) -> None:
    bare = score_sledai_2k(SledaiAssessment(descriptors))
    with_measurements = score_sledai_2k(SledaiAssessment(descriptors, measured))
    assert with_measurements.score >= bare.score
