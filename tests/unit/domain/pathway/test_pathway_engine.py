"""The pathway engine: allowed transitions per course kind (docs/spec/pathway.md §4, §5, §8 and
§9), date order (docs/spec/pathway.md §4.4) and expected phase lengths."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta

import pytest

from lupus_sct.domain.errors import PathwayOrderError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import PRIMARY_GRAFT_FAILURE_DAY
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.pathway.engine import (
    APLASIA_MAX_DAYS,
    DEFAULT_MAX_PHASE_DAYS,
    FINAL_PHASES,
    MAX_PHASE_DAYS_SOURCES,
    PHASE_SEQUENCES,
    PathwaySettings,
    allowed_next_phases,
    check_transition,
    days_over_expected_length,
    phase_entered_on,
)
from lupus_sct.domain.pathway.phases import CoursePhase as P
from lupus_sct.domain.pathway.phases import PhaseChange

START = date(2026, 1, 5)

EXPECTED_SEQUENCES = {
    # docs/spec/pathway.md §4 (autologous HSCT), as listed in issue #4 item 3
    CourseKind.AUTOLOGOUS_HSCT: "referral evaluation eligible consented mobilisation collection "
    "conditioning infusion aplasia engrafted discharged follow_up",
    # docs/spec/pathway.md §5: as autologous, without mobilisation and collection
    CourseKind.ALLOGENEIC_HSCT: "referral evaluation eligible consented conditioning infusion "
    "aplasia engrafted discharged follow_up",
    # docs/spec/pathway.md §8: no conditioning
    CourseKind.MSC: "referral evaluation eligible consented infusion follow_up",
    # docs/spec/pathway.md §9
    CourseKind.CAR_T: "referral evaluation eligible consented apheresis manufacturing "
    "lymphodepletion infusion crs_icans_monitoring discharged follow_up",
}


def _history(*steps: tuple[P, date]) -> list[PhaseChange]:
    return [PhaseChange(f"c{i}", "course", phase, on) for i, (phase, on) in enumerate(steps)]


def _steps(kind: CourseKind) -> list[tuple[CourseKind, P, P]]:
    sequence = PHASE_SEQUENCES[kind]
    return [(kind, a, b) for a, b in itertools.pairwise(sequence)]


@pytest.mark.parametrize("kind", list(CourseKind))
def test_each_kind_has_the_phases_of_the_pathway_primer_in_order(kind: CourseKind) -> None:
    assert [p.value for p in PHASE_SEQUENCES[kind]] == EXPECTED_SEQUENCES[kind].split()


@pytest.mark.parametrize(
    ("kind", "current", "new"), [step for kind in CourseKind for step in _steps(kind)]
)
def test_every_next_phase_of_the_pathway_is_allowed(kind: CourseKind, current: P, new: P) -> None:
    on = START + timedelta(days=10)
    check_transition(kind, current, _history((current, START)), new, on, started_on=START)


@pytest.mark.parametrize("kind", list(CourseKind))
@pytest.mark.parametrize("end", [P.WITHDRAWN, P.DIED])
def test_any_regular_phase_may_end_early_by_withdrawal_or_death(kind: CourseKind, end: P) -> None:
    for current in PHASE_SEQUENCES[kind]:
        assert end in allowed_next_phases(kind, current)
        check_transition(kind, current, [], end, START)


@pytest.mark.parametrize("kind", list(CourseKind))
def test_not_eligible_ends_a_course_only_from_referral_or_evaluation(kind: CourseKind) -> None:
    for current in PHASE_SEQUENCES[kind]:
        allowed = P.NOT_ELIGIBLE in allowed_next_phases(kind, current)
        assert allowed is (current in (P.REFERRAL, P.EVALUATION))
    with pytest.raises(
        PathwayOrderError, match="not eligible on 2026-01-05 cannot follow consented"
    ):
        check_transition(kind, P.CONSENTED, [], P.NOT_ELIGIBLE, START)


@pytest.mark.parametrize("kind", list(CourseKind))
@pytest.mark.parametrize("final", sorted(FINAL_PHASES, key=lambda p: p.value))
def test_a_course_that_ended_early_cannot_change_phase_again(kind: CourseKind, final: P) -> None:
    assert allowed_next_phases(kind, final) == frozenset()
    with pytest.raises(
        PathwayOrderError, match=f"the course has ended \\({final.value.replace('_', ' ')}\\)"
    ):
        check_transition(kind, final, [], P.FOLLOW_UP, START)


def test_an_msc_course_may_return_from_follow_up_to_infusion_for_a_repeat_dose() -> None:
    # docs/spec/pathway.md §8: Wang 2014 gave MSC on days 0 and 7
    day0 = date(2026, 3, 2)
    history = _history((P.INFUSION, day0), (P.FOLLOW_UP, day0))
    check_transition(
        CourseKind.MSC, P.FOLLOW_UP, history, P.INFUSION, day0 + timedelta(days=7), day0=day0
    )
    with pytest.raises(PathwayOrderError, match="infusion on 2026-03-09 cannot follow follow up"):
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT, P.FOLLOW_UP, history, P.INFUSION, date(2026, 3, 9)
        )


def test_skipping_a_phase_is_refused_with_the_phases_allowed() -> None:
    with pytest.raises(PathwayOrderError) as refused:
        check_transition(CourseKind.AUTOLOGOUS_HSCT, P.CONSENTED, [], P.CONDITIONING, START)
    assert str(refused.value) == (
        "conditioning on 2026-01-05 cannot follow consented: an autologous HSCT course in "
        "consented can only go to mobilisation, withdrawn, died"
    )


def test_infusion_straight_after_collection_is_refused_because_conditioning_comes_first() -> None:
    with pytest.raises(PathwayOrderError, match="infusion on 2026-02-10 cannot follow collection"):
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT, P.COLLECTION, [], P.INFUSION, date(2026, 2, 10)
        )


@pytest.mark.parametrize(
    ("kind", "phase"),
    [
        (CourseKind.MSC, P.CONDITIONING),  # docs/spec/pathway.md §8: no conditioning
        (CourseKind.ALLOGENEIC_HSCT, P.MOBILISATION),  # section 5: the donor is mobilised
        (CourseKind.CAR_T, P.APLASIA),
        (CourseKind.AUTOLOGOUS_HSCT, P.MANUFACTURING),
    ],
)
def test_a_phase_of_another_kind_of_course_is_refused(kind: CourseKind, phase: P) -> None:
    with pytest.raises(PathwayOrderError, match=f"{phase.value} is not a phase of an? "):
        check_transition(kind, P.CONSENTED, [], phase, START)


def test_infusion_dated_before_conditioning_is_refused_naming_both_dates() -> None:
    history = _history((P.CONDITIONING, date(2026, 2, 3)))
    with pytest.raises(PathwayOrderError) as refused:
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT, P.CONDITIONING, history, P.INFUSION, date(2026, 2, 1)
        )
    assert str(refused.value) == (
        "infusion on 2026-02-01 cannot be dated before conditioning on 2026-02-03"
    )


def test_engraftment_dated_before_day_0_is_refused() -> None:
    day0 = date(2026, 2, 10)
    history = _history((P.INFUSION, day0), (P.APLASIA, day0))
    with pytest.raises(PathwayOrderError, match="engrafted on 2026-02-09 cannot be dated before"):
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT, P.APLASIA, history, P.ENGRAFTED, date(2026, 2, 9)
        )
    # day 0 known from the infusion event even when the phase history is incomplete
    with pytest.raises(PathwayOrderError) as refused:
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT, P.APLASIA, [], P.ENGRAFTED, date(2026, 2, 9), day0=day0
        )
    assert str(refused.value) == (
        "engrafted on 2026-02-09 cannot be dated before day 0 (infusion on 2026-02-10)"
    )


def test_a_phase_may_start_on_the_day_of_the_last_change() -> None:
    day0 = date(2026, 2, 10)
    history = _history((P.CONDITIONING, date(2026, 2, 6)), (P.INFUSION, day0))
    check_transition(CourseKind.AUTOLOGOUS_HSCT, P.INFUSION, history, P.APLASIA, day0, day0=day0)


def test_a_phase_before_the_course_started_is_refused() -> None:
    with pytest.raises(PathwayOrderError, match=r"evaluation on 2026-01-04 is before the course"):
        check_transition(
            CourseKind.CAR_T, P.REFERRAL, [], P.EVALUATION, date(2026, 1, 4), started_on=START
        )


def test_the_first_infusion_phase_must_fall_on_the_recorded_day_0() -> None:
    history = _history((P.CONDITIONING, date(2026, 2, 6)))
    with pytest.raises(PathwayOrderError, match="infusion on 2026-02-11 does not match day 0"):
        check_transition(
            CourseKind.AUTOLOGOUS_HSCT,
            P.CONDITIONING,
            history,
            P.INFUSION,
            date(2026, 2, 11),
            day0=date(2026, 2, 10),
        )


def test_aplasia_is_expected_to_end_by_the_primary_graft_failure_day() -> None:
    # Kharfan-Dabaja 2021 / CIBMTR: ANC >= 0.5 not reached by day +30 is primary graft failure
    assert APLASIA_MAX_DAYS == PRIMARY_GRAFT_FAILURE_DAY == 30
    settings = PathwaySettings()
    entered = date(2026, 2, 10)
    assert days_over_expected_length(P.APLASIA, entered, entered + timedelta(29), settings) is None
    assert days_over_expected_length(P.APLASIA, entered, entered + timedelta(30), settings) is None
    assert days_over_expected_length(P.APLASIA, entered, entered + timedelta(31), settings) == 1


def test_a_protocol_can_override_an_expected_phase_length() -> None:
    settings = dataclasses.replace(
        PathwaySettings(), max_phase_days={**DEFAULT_MAX_PHASE_DAYS, P.MANUFACTURING: 42}
    )
    entered = date(2026, 3, 1)
    as_of = entered + timedelta(days=35)
    assert days_over_expected_length(P.MANUFACTURING, entered, as_of, PathwaySettings()) == 7
    assert days_over_expected_length(P.MANUFACTURING, entered, as_of, settings) is None


def test_follow_up_and_final_phases_have_no_expected_length() -> None:
    long_ago = date(2020, 1, 1)
    for phase in (P.FOLLOW_UP, *FINAL_PHASES):
        assert days_over_expected_length(phase, long_ago, START, PathwaySettings()) is None


def test_every_expected_length_names_its_source() -> None:
    assert set(MAX_PHASE_DAYS_SOURCES) == set(DEFAULT_MAX_PHASE_DAYS)


def test_the_current_phase_was_entered_at_its_latest_change() -> None:
    history = _history(
        (P.INFUSION, date(2026, 3, 2)),
        (P.FOLLOW_UP, date(2026, 3, 2)),
        (P.INFUSION, date(2026, 3, 9)),
    )
    assert phase_entered_on(P.INFUSION, history, START) == date(2026, 3, 9)
    assert phase_entered_on(P.REFERRAL, [], START) == START
