"""SLEDAI-2K reference values.

Sources: the SLEDAI-2K form and glossary (Gladman DD, Ibañez D, Urowitz MB. J Rheumatol
2002;29:288-91), as tabulated in docs/spec/instruments.md §1; the worked example of
docs/spec/instruments.md §12.2; decision D1 and decision D2 of docs/spec/instruments.md §11.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiDescriptor,
    SledaiMeasurements,
    clinical_sledai_score,
    meets_descriptor_threshold,
    score_sledai_2k,
    sledai_2k_score,
)

D = SledaiDescriptor

# Gladman 2002, SLEDAI-2K form: the published weight of every descriptor.
PUBLISHED_WEIGHTS = {
    "seizure": 8,
    "psychosis": 8,
    "organic_brain_syndrome": 8,
    "visual_disturbance": 8,
    "cranial_nerve_disorder": 8,
    "lupus_headache": 8,
    "cva": 8,
    "vasculitis": 8,
    "arthritis": 4,
    "myositis": 4,
    "urinary_casts": 4,
    "hematuria": 4,
    "proteinuria": 4,
    "pyuria": 4,
    "rash": 2,
    "alopecia": 2,
    "mucosal_ulcers": 2,
    "pleurisy": 2,
    "pericarditis": 2,
    "low_complement": 2,
    "increased_dna_binding": 2,
    "fever": 1,
    "thrombocytopenia": 1,
    "leukopenia": 1,
}


def _score(
    descriptors: set[SledaiDescriptor] | None = None,
    excluded: set[SledaiDescriptor] | None = None,
    **measurements: float,
) -> tuple[int, int, tuple[SledaiDescriptor, ...]]:
    result = score_sledai_2k(
        SledaiAssessment(
            descriptors=frozenset(descriptors or ()),
            measurements=SledaiMeasurements(**measurements),
            not_attributed_to_sle=frozenset(excluded or ()),
        )
    )
    return result.score, result.clinical_score, result.descriptors


@pytest.mark.parametrize(("descriptor_id", "weight"), PUBLISHED_WEIGHTS.items())
def test_each_descriptor_alone_scores_its_published_weight(descriptor_id: str, weight: int) -> None:
    # Gladman 2002, SLEDAI-2K form (weights in PUBLISHED_WEIGHTS above).
    assert sledai_2k_score([D(descriptor_id)]) == weight


def test_the_vocabulary_is_the_24_descriptors_in_the_order_of_the_published_form() -> None:
    # docs/spec/instruments.md §12.3: the 24-id vocabulary, in form order.
    assert [d.value for d in SledaiDescriptor] == list(PUBLISHED_WEIGHTS)


def test_every_descriptor_present_gives_the_maximum_of_105_and_clinical_101() -> None:
    # Gladman 2002: range 0-105; docs/spec/instruments.md §1: clinical SLEDAI 0-101 (decision D2).
    everything = set(SledaiDescriptor)
    assert _score(everything)[:2] == (105, 101)


def test_no_descriptor_scores_zero() -> None:
    # Gladman 2002: the minimum of the 0-105 range.
    assert _score()[:2] == (0, 0)


def test_the_section_12_2_example_scores_rash_alopecia_and_derived_fever_as_5() -> None:
    # docs/spec/instruments.md §12.2: rash (2) + alopecia (2) + fever from 38.6 °C (1) = 5;
    # platelets 140 x10^9/L do not meet thrombocytopenia (<100).
    result = _score({D.RASH, D.ALOPECIA}, temp_c=38.6, platelets_x10e9_per_l=140)
    assert result == (5, 5, (D.RASH, D.ALOPECIA, D.FEVER))


def test_serology_alone_scores_4_with_a_clinical_sledai_of_0() -> None:
    # docs/spec/instruments.md §5.5 pitfall: low complement + anti-dsDNA = 4; decision D2 drops it.
    assert _score({D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING})[:2] == (4, 0)


def test_clinical_sledai_keeps_leukopenia_thrombocytopenia_and_fever() -> None:
    # docs/spec/instruments.md §5.4 pitfall: these are clinical items and count in the cSLEDAI.
    assert clinical_sledai_score([D.LEUKOPENIA, D.THROMBOCYTOPENIA, D.FEVER]) == 3


# Gladman 2002 glossary and docs/spec/instruments.md §1: strict thresholds except arthritis >=2
# (decision D1).
THRESHOLD_CASES = [
    (D.FEVER, 37.9, False),
    (D.FEVER, 38.0, False),
    (D.FEVER, 38.1, True),
    (D.PROTEINURIA, 0.49, False),
    (D.PROTEINURIA, 0.5, False),
    (D.PROTEINURIA, 0.51, True),
    (D.HEMATURIA, 4, False),
    (D.HEMATURIA, 5, False),
    (D.HEMATURIA, 6, True),
    (D.PYURIA, 4, False),
    (D.PYURIA, 5, False),
    (D.PYURIA, 6, True),
    (D.LEUKOPENIA, 2.9, True),
    (D.LEUKOPENIA, 3.0, False),
    (D.LEUKOPENIA, 3.1, False),
    (D.THROMBOCYTOPENIA, 99, True),
    (D.THROMBOCYTOPENIA, 100, False),
    (D.THROMBOCYTOPENIA, 101, False),
    (D.ARTHRITIS, 1, False),
    (D.ARTHRITIS, 2, True),
    (D.ARTHRITIS, 3, True),
]


@pytest.mark.parametrize(("descriptor", "value", "present"), THRESHOLD_CASES)
def test_a_measurement_meets_its_descriptor_only_beyond_the_published_threshold(
    descriptor: SledaiDescriptor, value: float, present: bool
) -> None:
    # Source: THRESHOLD_CASES comment (Gladman 2002 glossary; docs/spec/instruments.md §1).
    assert meets_descriptor_threshold(descriptor, value) is present


def test_a_descriptor_without_a_measurement_threshold_is_refused() -> None:
    # docs/spec/instruments.md §12.3: descriptor_threshold accepts only the seven derivable ids.
    with pytest.raises(InvalidValueError):
        meets_descriptor_threshold(D.RASH, 1)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temp_c", 29.9),
        ("temp_c", 45.1),
        ("wbc_x10e9_per_l", -0.1),
        ("wbc_x10e9_per_l", 200.1),
        ("platelets_x10e9_per_l", 2000.1),
        ("protein_g_per_24h", 50.1),
        ("rbc_per_hpf", 1000.1),
        ("wbc_per_hpf", -1),
        ("arthritis_joint_count", 69),
    ],
)
def test_a_measurement_outside_its_validated_range_is_refused(field: str, value: float) -> None:
    # docs/spec/instruments.md §12.3 ranges: wbc 0-200, platelets 0-2000, temp 30-45, protein 0-50,
    # RBC and WBC per hpf 0-1000, joints 0-68.
    with pytest.raises(OutOfValidatedRangeError):
        SledaiMeasurements(**{field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [("temp_c", 30), ("temp_c", 45), ("platelets_x10e9_per_l", 0), ("arthritis_joint_count", 68)],
)
def test_a_measurement_at_the_edge_of_its_validated_range_is_accepted(
    field: str, value: float
) -> None:
    # docs/spec/instruments.md §12.3: the validated ranges are inclusive.
    SledaiMeasurements(**{field: value})


def test_a_derived_descriptor_not_attributed_to_sle_is_not_counted() -> None:
    # docs/spec/instruments.md §1: "pyuria from a urinary tract infection ... not scored".
    assert _score(excluded={D.PYURIA}, wbc_per_hpf=20)[:2] == (0, 0)


def test_a_listed_descriptor_counts_even_when_the_measurement_is_below_threshold() -> None:
    # docs/spec/instruments.md §12.3: listed descriptors are assertions over the whole window.
    assert _score({D.FEVER}, temp_c=37.0)[:2] == (1, 1)


def test_a_descriptor_both_listed_and_excluded_is_a_contradiction() -> None:
    # docs/spec/instruments.md §12.3: "a contradiction and an error".
    with pytest.raises(InvalidValueError):
        SledaiAssessment(descriptors=frozenset({D.RASH}), not_attributed_to_sle=frozenset({D.RASH}))


def test_a_descriptor_both_listed_and_derived_counts_once() -> None:
    # docs/spec/instruments.md §1, pitfall 2: each descriptor is binary.
    assert _score({D.ARTHRITIS}, arthritis_joint_count=6)[:2] == (4, 4)


@pytest.mark.parametrize("window", [10, 30])
def test_the_10_and_30_day_windows_are_accepted_and_reported(window: int) -> None:
    # Decision D1: 30 days (Touma 2010) by default, 10 days allowed.
    result = score_sledai_2k(SledaiAssessment(descriptors=frozenset(), window_days=window))
    assert result.window_days == window


def test_the_default_window_is_30_days() -> None:
    # Decision D1 (Touma 2010).
    assert score_sledai_2k(SledaiAssessment(descriptors=frozenset())).window_days == 30


def test_a_window_other_than_10_or_30_days_is_refused() -> None:
    # Decision D1.
    with pytest.raises(InvalidValueError):
        SledaiAssessment(descriptors=frozenset(), window_days=28)
