"""Engraftment against the CIBMTR Forms Instruction Manual and docs/spec/instruments.md §8.2.

The platelet series is Example 2 of the manual's form 2100 "Initial platelet recovery" section
(last platelet transfusion on day 0; first of 3 consecutive values >= 20 x10^9/L on day 7 and
>= 50 x10^9/L on day 9).
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import (
    CountValue,
    GraftFailureStatus,
    GraftSource,
    assess_primary_graft_failure,
    neutrophil_recovery,
    platelet_recovery,
)

# CIBMTR Forms Instruction Manual, form 2100 Q13-18, Example 2 (counts in x10^3/uL = x10^9/L)
CIBMTR_EXAMPLE_2_PLATELETS = [10, 30, 25, 10, 15, 19, 23, 25, 40, 50, 56, 65, 72]


def _series(values: list[float], first_day: int = 0) -> list[CountValue]:
    return [CountValue(first_day + i, v) for i, v in enumerate(values)]


def test_cibmtr_example_2_reports_day_7_for_platelets_20() -> None:
    # CIBMTR manual Example 2: "June 20, day 7, 25,000: 1st of 3 consecutive values >= 20"
    result = platelet_recovery(_series(CIBMTR_EXAMPLE_2_PLATELETS), [0])
    assert result.engraftment_day == 7


def test_cibmtr_example_2_reports_day_9_for_platelets_50() -> None:
    # CIBMTR manual Example 2: "June 22, day 9, 50,000: 1st of 3 consecutive values >= 50"
    result = platelet_recovery(_series(CIBMTR_EXAMPLE_2_PLATELETS), [0], 50.0)
    assert result.engraftment_day == 9


@pytest.mark.parametrize(
    ("transfusion_day", "expected", "source"),
    [
        (
            3,
            10,
            "docs/spec/instruments.md §8.2 rule 4: transfusion on day 3 makes day 10 count",
        ),
        (4, 11, "docs/spec/instruments.md §8.2 rule 4: day 10 is only 6 days after day 4"),
        (
            2,
            10,
            "docs/spec/instruments.md §8.2 rule 4: day 9 is 7 days after day 2, but < 20",
        ),
    ],
)
def test_a_transfusion_on_day_t_makes_day_t_plus_7_the_first_countable_day(
    transfusion_day: int, expected: int, source: str
) -> None:
    # daily counts 5 on days 0-9 except 25 from day 10 on (day 9 is 15)
    values = [5, 5, 5, 5, 5, 5, 5, 5, 5, 15, 25, 25, 25, 25, 25]
    result = platelet_recovery(_series(values), [transfusion_day])
    assert result.engraftment_day == expected, source


def test_transfusion_at_exactly_seven_days_before_allows_that_day() -> None:
    # CIBMTR "no platelet transfusions in the previous 7 days"; docs/spec/instruments.md §8.2 rule 4
    series = [CountValue(1, 5), CountValue(8, 25), CountValue(9, 26), CountValue(10, 27)]
    assert platelet_recovery(series, [1]).engraftment_day == 8
    assert platelet_recovery(series, [2]).engraftment_day is None


def test_neutrophil_values_before_the_nadir_are_not_counted() -> None:
    # CIBMTR manual, initial ANC recovery: "Do not begin counting ANC values >= 0.5 towards
    # recovery until the ANC has dropped to the lowest level (nadir) post-HCT."
    values = [4.0, 3.5, 2.0, 0.8, 0.1, 0.0, 0.0, 0.2, 0.6, 0.9, 1.4]
    result = neutrophil_recovery(_series(values))
    assert result.nadir_day == 5, "earliest lowest value (convention C4)"
    assert result.engraftment_day == 8


@pytest.mark.parametrize(
    ("third_value", "expected", "source"),
    [
        (0.49, None, "CIBMTR: ANC >= 0.5 x10^9/L; 0.49 breaks the run"),
        (0.5, 8, "CIBMTR: ANC >= 0.5; exactly 0.5 counts (value entered is final)"),
        (0.51, 8, "CIBMTR: ANC >= 0.5"),
    ],
)
def test_the_neutrophil_threshold_is_inclusive(
    third_value: float, expected: int | None, source: str
) -> None:
    series = [
        CountValue(5, 0.0),
        CountValue(8, 0.7),
        CountValue(9, 0.8),
        CountValue(10, third_value),
    ]
    assert neutrophil_recovery(series).engraftment_day == expected, source


def test_consecutive_laboratory_values_need_not_be_on_consecutive_days() -> None:
    # CIBMTR manual: "three consecutive laboratory values (drawn more than a day apart)"
    series = [CountValue(3, 0.0), CountValue(12, 0.6), CountValue(15, 0.9), CountValue(19, 1.5)]
    assert neutrophil_recovery(series).engraftment_day == 12


def test_a_dip_below_the_threshold_restarts_the_run() -> None:
    # CIBMTR manual: the ANC "may fluctuate for a period of time before the recipient recovers"
    values = [0.0, 0.6, 0.7, 0.3, 0.6, 0.7, 0.8]
    assert neutrophil_recovery(_series(values, 10)).engraftment_day == 14


def test_a_series_that_never_falls_below_the_threshold_has_no_recovery_date() -> None:
    # CIBMTR "not applicable: never dropped below"; docs/spec/instruments.md §8.2 rule 2;
    # convention C4
    result = neutrophil_recovery(_series([3.0, 2.0, 1.0, 0.5, 0.9]))
    assert result.never_below_threshold is True
    assert result.engraftment_day is None


def test_values_before_day_0_are_ignored() -> None:
    # convention C4: values before day 0 are ignored (pre-infusion counts)
    series = [CountValue(-3, 0.0), *_series([2.0, 1.5, 1.2])]
    result = neutrophil_recovery(series)
    assert result.never_below_threshold is True


def test_two_values_on_the_same_day_are_refused() -> None:
    # docs/spec/instruments.md §8.2 rule 1: "Each day may carry at most one value"
    with pytest.raises(InvalidValueError, match="series"):
        neutrophil_recovery([CountValue(3, 0.1), CountValue(3, 0.2)])


@pytest.mark.parametrize(
    ("first_qualifying_day", "source", "expected"),
    [
        (
            30,
            "Kharfan-Dabaja 2021: ANC >= 500/uL by day +30",
            GraftFailureStatus.NO_PRIMARY_GRAFT_FAILURE,
        ),
        (
            31,
            "Kharfan-Dabaja 2021: not reached by day +30",
            GraftFailureStatus.PRIMARY_GRAFT_FAILURE,
        ),
    ],
)
def test_primary_graft_failure_cut_off_is_day_30_for_blood_and_marrow(
    first_qualifying_day: int, source: str, expected: GraftFailureStatus
) -> None:
    series = [CountValue(10, 0.0)] + [CountValue(first_qualifying_day + i, 0.8) for i in range(3)]
    assessment = assess_primary_graft_failure(series, GraftSource.PERIPHERAL_BLOOD)
    assert assessment.status is expected, source
    assert assessment.cutoff_day == 30


def test_cord_blood_has_until_day_42() -> None:
    # Kharfan-Dabaja 2021: day +42 for umbilical cord blood grafts
    series = [CountValue(10, 0.0)] + [CountValue(40 + i, 0.8) for i in range(3)]
    assessment = assess_primary_graft_failure(series, GraftSource.CORD_BLOOD)
    assert assessment.status is GraftFailureStatus.NO_PRIMARY_GRAFT_FAILURE
    assert assessment.cutoff_day == 42


def test_a_series_ending_before_the_cut_off_is_not_yet_evaluable() -> None:
    # missing is not "failed" (docs/spec/instruments.md §0.4)
    series = [CountValue(5, 0.0), CountValue(20, 0.1)]
    status = assess_primary_graft_failure(series, GraftSource.BONE_MARROW).status
    assert status is GraftFailureStatus.NOT_YET_EVALUABLE


def test_no_recovery_through_the_cut_off_is_primary_graft_failure() -> None:
    # Kharfan-Dabaja 2021: ANC >= 500/uL not reached by day +30
    series = [CountValue(5, 0.0), CountValue(20, 0.1), CountValue(31, 0.2)]
    status = assess_primary_graft_failure(series, GraftSource.BONE_MARROW).status
    assert status is GraftFailureStatus.PRIMARY_GRAFT_FAILURE


def test_an_incomplete_run_starting_by_the_cut_off_is_not_yet_evaluable() -> None:
    # CIBMTR: the recovery date is the first of three values, which may be drawn after day 30
    series = [CountValue(5, 0.0), CountValue(30, 0.6), CountValue(31, 0.7)]
    status = assess_primary_graft_failure(series, GraftSource.BONE_MARROW).status
    assert status is GraftFailureStatus.NOT_YET_EVALUABLE
