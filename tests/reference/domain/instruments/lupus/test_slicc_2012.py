"""2012 SLICC classification reference values.

Sources: Petri M, et al. Arthritis Rheum 2012;64:2677-86, Table 1 and the classification rule
(">= 4 criteria with >= 1 clinical and >= 1 immunologic, or biopsy-proven lupus nephritis with
ANA or anti-dsDNA"), as tabulated in docs/spec/instruments.md §4; convention C5.
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.instruments.lupus.slicc_2012 import (
    Slicc2012Pathway,
    SliccClinical,
    SliccImmunologic,
    classify_slicc_2012,
)

C = SliccClinical
IMM = SliccImmunologic


def test_the_vocabularies_have_the_published_numbers_of_criteria() -> None:
    # Petri 2012, Table 1: 11 clinical (leukopenia and lymphopenia one criterion), 6 immunologic.
    assert len(C) == 12
    assert len(IMM) == 6
    assert classify_slicc_2012(list(C), list(IMM)).n_clinical == 11


def test_leukopenia_and_lymphopenia_count_once() -> None:
    # Petri 2012, clinical criterion 10; docs/spec/instruments.md §4, pitfall 1.
    assert classify_slicc_2012([C.LEUKOPENIA, C.LYMPHOPENIA], []).n_clinical == 1


def test_a_direct_coombs_test_with_haemolytic_anaemia_is_not_counted() -> None:
    # Petri 2012, immunologic criterion 6: "in the absence of haemolytic anaemia".
    result = classify_slicc_2012([C.HEMOLYTIC_ANEMIA], [IMM.DIRECT_COOMBS, IMM.ANA])
    assert (result.n_clinical, result.n_immunologic) == (1, 1)


def test_a_direct_coombs_test_without_haemolytic_anaemia_counts() -> None:
    # Petri 2012, immunologic criterion 6.
    assert classify_slicc_2012([], [IMM.DIRECT_COOMBS]).n_immunologic == 1


@pytest.mark.parametrize(
    ("clinical", "immunologic", "classified"),
    [
        ([C.SYNOVITIS, C.SEROSITIS], [IMM.ANA], False),  # 3 criteria, one below
        ([C.SYNOVITIS, C.SEROSITIS], [IMM.ANA, IMM.ANTI_DSDNA], True),  # 4, at the threshold
        ([C.SYNOVITIS, C.SEROSITIS, C.RENAL], [IMM.ANA, IMM.ANTI_DSDNA], True),  # 5, above
        ([C.SYNOVITIS, C.SEROSITIS, C.RENAL, C.NEUROLOGIC], [], False),  # no immunologic
        ([], [IMM.ANA, IMM.ANTI_DSDNA, IMM.ANTI_SM, IMM.LOW_COMPLEMENT], False),  # no clinical
    ],
)
def test_the_count_pathway_needs_four_criteria_with_one_of_each_type(
    clinical: list[SliccClinical], immunologic: list[SliccImmunologic], classified: bool
) -> None:
    # Petri 2012: ">= 4 criteria, including >= 1 clinical and >= 1 immunologic".
    result = classify_slicc_2012(clinical, immunologic)
    assert result.classified is classified
    assert result.pathway is (Slicc2012Pathway.CRITERIA_COUNT if classified else None)


def test_leukopenia_with_lymphopenia_does_not_make_up_a_fourth_criterion() -> None:
    # Petri 2012: leukopenia or lymphopenia is one criterion, so this record has 3.
    result = classify_slicc_2012([C.LEUKOPENIA, C.LYMPHOPENIA, C.SYNOVITIS], [IMM.ANA])
    assert not result.classified


@pytest.mark.parametrize("antibody", [IMM.ANA, IMM.ANTI_DSDNA])
def test_biopsy_proven_nephritis_with_ana_or_anti_dsdna_classifies(
    antibody: SliccImmunologic,
) -> None:
    # Petri 2012: biopsy-proven lupus nephritis with ANA or anti-dsDNA.
    result = classify_slicc_2012([], [antibody], biopsy_proven_lupus_nephritis=True)
    assert result.pathway is Slicc2012Pathway.BIOPSY


def test_biopsy_proven_nephritis_with_anti_sm_alone_does_not_classify() -> None:
    # docs/spec/instruments.md §4, pitfall 4.
    result = classify_slicc_2012([], [IMM.ANTI_SM], biopsy_proven_lupus_nephritis=True)
    assert not result.classified


def test_when_both_pathways_are_met_the_biopsy_pathway_is_reported() -> None:
    # Convention C5: the biopsy pathway is checked first.
    result = classify_slicc_2012(
        [C.RENAL, C.SYNOVITIS, C.SEROSITIS],
        [IMM.ANA, IMM.ANTI_DSDNA],
        biopsy_proven_lupus_nephritis=True,
    )
    assert result.pathway is Slicc2012Pathway.BIOPSY
