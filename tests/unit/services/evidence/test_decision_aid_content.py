"""The decision aid's numbers come from the pooled evidence, out of 100, never double counting.

Counts quoted below are the published ones collected in docs/spec/evidence.md §1
(Jayne 2004 33/50 and Leng 2017 21/24 in remission at 6 months; Wang 2014 2/40 herpes
infections; Mackensen 2022's 5 patients inside Müller 2024's 8).
"""

from __future__ import annotations

import functools
import math

import pytest
from scipy import stats

from lupus_sct.analytics.meta_analysis import Measure, Model
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, EvidenceRow, nested_cohort_of
from lupus_sct.services.evidence.decision_aid import (
    DENOMINATOR,
    CellStatus,
    DecisionAid,
    _per_100,
    _pooled,
    build_decision_aid,
)
from lupus_sct.services.evidence.decision_aid_outcomes import OUTCOMES, OptionKey, Population
from lupus_sct.services.evidence.studies import (
    NestedCohortError,
    PoolingOptions,
    load_evidence,
    pool_evidence,
    select_evidence,
)


@functools.cache
def _rows() -> tuple[EvidenceRow, ...]:
    return load_evidence()


@functools.cache
def _aid(population: Population = Population.ALL) -> DecisionAid:
    return build_decision_aid(_rows(), population=population)


def _study_ids(aid: DecisionAid, option: OptionKey, outcome: str) -> list[str]:
    return [s.citation.study_id for s in aid.cell(option, outcome).studies]


def test_every_option_has_every_outcome_out_of_the_same_denominator() -> None:
    aid = _aid()
    assert DENOMINATOR == 100  # IPDAS: the same denominator across options (Elwyn 2006)
    assert len(aid.cells) == len(OUTCOMES) * len(OptionKey)
    for cell in aid.cells:
        frequencies = [cell.frequency] if cell.frequency else []
        frequencies += [study.frequency for study in cell.studies]
        for frequency in frequencies:
            assert isinstance(frequency.per_100, int)
            assert 0 <= frequency.per_100 <= DENOMINATOR
            if frequency.low_per_100 is not None and frequency.high_per_100 is not None:
                assert frequency.low_per_100 <= frequency.per_100 <= frequency.high_per_100


def test_hsct_remission_is_the_evidence_store_pool_of_jayne_2004_and_leng_2017() -> None:
    cell = _aid().cell(OptionKey.HSCT, "remission_6m")
    combined = [s.citation.study_id for s in cell.studies if s.combined]
    assert combined == ["JAYNE2004", "LENG2017"]
    assert [(s.events, s.total) for s in cell.studies if s.combined] == [(33, 50), (21, 24)]
    rows = [
        row
        for row in select_evidence(_rows(), outcome="remission")
        if row.study_id in {"JAYNE2004", "LENG2017"}
    ]
    pooled = pool_evidence(rows, PoolingOptions(Measure.PLO, Model.REML)).result.back_transformed
    assert pooled is not None
    assert cell.frequency is not None
    assert cell.frequency.per_100 == round(100 * pooled.estimate)
    assert cell.frequency.low_per_100 == math.floor(100 * pooled.ci_lower)  # rounded down
    assert cell.frequency.high_per_100 == math.ceil(100 * pooled.ci_upper)  # rounded up


def test_a_single_study_uses_the_exact_binomial_range() -> None:
    cell = _aid().cell(OptionKey.MSC, "infection")
    assert _study_ids(_aid(), OptionKey.MSC, "infection") == ["WANG2014_ART"]
    exact = stats.binomtest(2, 40).proportion_ci(method="exact")  # scipy, Clopper-Pearson
    assert cell.frequency is not None
    assert cell.frequency.per_100 == 5  # 2/40 = 5 per 100
    assert cell.frequency.low_per_100 == math.floor(100 * exact.low)
    assert cell.frequency.high_per_100 == math.ceil(100 * exact.high)


def test_nested_cohorts_are_never_pooled_together() -> None:
    for population in Population:
        for cell in _aid(population).cells:
            cohorts = [nested_cohort_of(s.citation.study_id) for s in cell.studies]
            named = [c.name for c in cohorts if c is not None]
            assert len(named) == len(set(named)), (cell.option, cell.outcome.key, named)


def test_one_report_per_cohort_is_chosen_and_the_others_are_listed_as_left_out() -> None:
    car_t = _aid().cell(OptionKey.CAR_T, "remission_6m")
    assert "MULLER2024" in _study_ids(_aid(), OptionKey.CAR_T, "remission_6m")
    assert "MACKENSEN2022" not in _study_ids(_aid(), OptionKey.CAR_T, "remission_6m")
    assert any(reason.startswith("MACKENSEN2022: the same patients") for reason in car_t.left_out)
    hsct_deaths = _study_ids(_aid(), OptionKey.HSCT, "treatment_death")
    assert "BURT2006" in hsct_deaths  # the largest Northwestern report (n = 50)
    assert not {"TRAYNOR2002", "STATKUTE2005", "LISUKOV2004"} & set(hsct_deaths)


def test_pooling_two_reports_of_the_erlangen_series_is_refused() -> None:
    rows = [
        row
        for row in _rows()
        if row.study_id in {"MACKENSEN2022", "MULLER2024"} and row.outcome == "doris_remission"
    ]
    assert len(rows) == 2
    with pytest.raises(NestedCohortError):
        _pooled(rows)


def test_rows_from_memory_keep_the_caution() -> None:
    cell = _aid().cell(OptionKey.HSCT, "remission_5y")
    burt_2006 = [s for s in cell.studies if s.citation.study_id == "BURT2006"]
    assert burt_2006
    assert burt_2006[0].caution == MEMORY_CAUTION
    assert any(MEMORY_CAUTION in caution for caution in _aid().cautions)


def test_standard_therapy_numbers_come_only_from_the_deng_2017_control_arm() -> None:
    for outcome in OUTCOMES:
        cell = _aid().cell(OptionKey.STANDARD, outcome.key)
        assert {s.citation.study_id for s in cell.studies} <= {"DENG2017"}
        if cell.status is CellStatus.KNOWN:
            assert cell.studies[0].events is not None
    remission = _aid().cell(OptionKey.STANDARD, "remission_6m")
    assert (remission.studies[0].events, remission.studies[0].total) == (5, 6)  # placebo arm
    assert _aid().cell(OptionKey.STANDARD, "remission_5y").status is CellStatus.NOT_KNOWN


def test_the_msc_arm_and_the_placebo_arm_of_one_trial_stay_apart() -> None:
    msc = _aid().cell(OptionKey.MSC, "remission_6m")
    deng = [s for s in msc.studies if s.citation.study_id == "DENG2017"]
    assert [(s.events, s.total) for s in deng] == [(9, 12)]  # MSC arm, not placebo 5/6


def test_lupus_nephritis_uses_nephritis_studies_where_they_exist() -> None:
    kidney = _aid(Population.NEPHRITIS)
    assert sorted(_study_ids(kidney, OptionKey.MSC, "remission_6m")) == ["DENG2017", "GU2014"]
    hsct = kidney.cell(OptionKey.HSCT, "remission_6m")
    assert any("No separate figure for lupus nephritis" in note for note in hsct.notes)


def test_crs_does_not_apply_to_options_other_than_car_t() -> None:
    for option in (OptionKey.STANDARD, OptionKey.HSCT, OptionKey.MSC):
        assert _aid().cell(option, "crs").status is CellStatus.NOT_APPLICABLE
    assert _aid().cell(OptionKey.CAR_T, "crs").status is CellStatus.KNOWN


@pytest.mark.parametrize(
    ("estimate", "low", "high", "expected"),
    [
        (0.505, 0.1234, 0.8766, (51, 12, 88)),  # half up; range rounded outwards
        (0.0, 0.0, 0.0417, (0, 0, 5)),
        (1.0, 0.63, 1.009, (100, 63, 100)),  # a published upper limit above 1 is capped
    ],
)
def test_numbers_are_whole_people_and_ranges_are_rounded_outwards(
    estimate: float, low: float, high: float, expected: tuple[int, int, int]
) -> None:
    frequency = _per_100(estimate, low, high, "test")
    assert (frequency.per_100, frequency.low_per_100, frequency.high_per_100) == expected
