"""Derived milestones on a synthetic autologous course, every expected value worked by hand from the
definitions: CIBMTR neutrophil and platelet recovery (docs/spec/instruments.md §8.2), the EBMT CD34+
minimum of 2 x10^6/kg (docs/spec/pathway.md §4.1), severe neutropenia ANC < 0.5 x10^9/L
(Freifeld 2011, IDSA) and the day +100 TRM window (docs/spec/pathway.md §6 and §7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import (
    CountValue,
    neutrophil_recovery,
)
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.course import (
    Apheresis,
    CourseEvent,
    CourseKind,
    CourseStatus,
    EventKind,
    Infusion,
    TherapyCourse,
)
from lupus_sct.domain.pathway.milestones import (
    cd34_dose,
    daily_series,
    derive_course_milestones,
    early_death,
    severe_neutropenia,
)
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.transfusions import BloodProduct, Transfusion

DAY0 = date(2026, 2, 10)
AS_OF = date(2026, 4, 1)

# ANC x10^9/L by day. Nadir 0.01 on day +6; day +9 qualifies but day +10 (0.45) breaks the run;
# days +11, +12, +13 are three consecutive values >= 0.5, so neutrophil recovery is day +11.
ANC = {-3: 4.0, 0: 3.2, 2: 1.1, 3: 0.4, 4: 0.1, 5: 0.02, 6: 0.01, 8: 0.3, 9: 0.6, 10: 0.45}
ANC |= {11: 0.7, 12: 0.9, 13: 1.4}
# Platelets x10^9/L by day, with platelet transfusions on days +5 and +7. Day +7 makes day +14
# the first countable day (rule 4), so >= 20 is reached on day +14 (35, 55, 60) and >= 50 on
# day +15 (55, 60, 62); the values 25-30 on days +10 to +13 do not count.
PLATELETS = {0: 150, 3: 40, 5: 15, 7: 9, 10: 25, 12: 28, 13: 30, 14: 35, 15: 55, 16: 60, 17: 62}
TRANSFUSED_DAYS = (5, 7)


def _at(day: int, hour: int = 7) -> datetime:
    return datetime.combine(DAY0 + timedelta(days=day), datetime.min.time(), UTC).replace(hour=hour)


def _labs() -> list[LabResult]:
    labs = [LabResult(f"anc{d}", "p", "751-8", v, "10*9/L", _at(d)) for d, v in ANC.items()]
    labs += [LabResult(f"plt{d}", "p", "777-3", v, "10*9/L", _at(d)) for d, v in PLATELETS.items()]
    return labs


def _transfusions() -> list[Transfusion]:
    given = [
        Transfusion(f"t{d}", "p", "course", BloodProduct.PLATELETS, DAY0 + timedelta(days=d))
        for d in TRANSFUSED_DAYS
    ]
    # red cells and another course's platelets do not hold back platelet recovery
    given.append(Transfusion("rbc", "p", "course", BloodProduct.RED_CELLS, DAY0 + timedelta(13)))
    given.append(Transfusion("other", "p", "old", BloodProduct.PLATELETS, DAY0 + timedelta(13)))
    return given


def _course(kind: CourseKind = CourseKind.AUTOLOGOUS_HSCT, day0: date | None = DAY0):
    return TherapyCourse(
        "course", "p", kind, "auto-hsct-sle", CourseStatus.ACTIVE, date(2025, 11, 1), day0=day0
    )


def _event(kind: EventKind, on: date, details: object, event_id: str) -> CourseEvent:
    return CourseEvent(event_id, "course", kind, on, details)  # type: ignore[arg-type]


EVENTS = [
    _event(EventKind.APHERESIS, date(2025, 12, 10), Apheresis(cd34_x10e6_per_kg=1.2), "a1"),
    _event(EventKind.APHERESIS, date(2025, 12, 11), Apheresis(cd34_x10e6_per_kg=1.1), "a2"),
    _event(EventKind.INFUSION, DAY0, Infusion(cd34_x10e6_per_kg=1.9), "i1"),
]


def _milestones(**overrides: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = dict(
        events=EVENTS,
        labs=_labs(),
        transfusions=_transfusions(),
        death_on=None,
        as_of=AS_OF,
    )
    arguments.update(overrides)
    course = arguments.pop("course", _course())
    return derive_course_milestones(course, **arguments)  # type: ignore[arg-type]


def test_neutrophil_recovery_is_the_first_of_three_values_of_at_least_0_5_after_the_nadir() -> None:
    result = _milestones().neutrophil
    assert result.nadir_day == 6
    assert result.engraftment_day == 11  # day +9 alone does not make a run (day +10 is 0.45)


def test_platelet_recovery_waits_7_days_after_the_last_platelet_transfusion() -> None:
    milestones = _milestones()
    assert milestones.platelet_20.engraftment_day == 14  # transfusion day +7, so +14 first
    assert milestones.platelet_50.engraftment_day == 15


def test_without_the_transfusions_platelet_recovery_would_come_on_the_first_run() -> None:
    # Same counts, no transfusion: days +10, +12, +13 (25, 28, 30) are the first run >= 20.
    assert _milestones(transfusions=[]).platelet_20.engraftment_day == 10


def test_severe_neutropenia_runs_from_the_first_anc_below_0_5_to_the_day_before_recovery() -> None:
    # First ANC < 0.5 after day 0 is day +3 (0.4); recovery day +11: days +3..+10 = 8 days.
    neutropenia = _milestones().severe_neutropenia
    assert (neutropenia.first_day, neutropenia.recovery_day, neutropenia.days) == (3, 11, 8)


def test_severe_neutropenia_is_ongoing_until_recovery_and_zero_when_never_below() -> None:
    ongoing = [CountValue(0, 2.0), CountValue(3, 0.2), CountValue(5, 0.1)]
    assert severe_neutropenia(ongoing, neutrophil_recovery(ongoing)).days is None
    never = [CountValue(0, 2.0), CountValue(4, 0.8), CountValue(8, 1.5)]
    result = severe_neutropenia(never, neutrophil_recovery(never))
    assert (result.first_day, result.days) == (None, 0)
    assert severe_neutropenia([], None) is None


def test_an_anc_of_exactly_0_5_is_not_severe_neutropenia_but_counts_for_recovery() -> None:
    # Freifeld 2011: neutropenia is ANC < 500/mm3; CIBMTR: recovery at >= 0.5 (inclusive).
    series = [CountValue(0, 3.0), CountValue(2, 0.5), CountValue(4, 0.49)]
    series += [CountValue(6, 0.5), CountValue(7, 0.5), CountValue(8, 0.5)]
    result = severe_neutropenia(series, neutrophil_recovery(series))
    assert (result.first_day, result.recovery_day, result.days) == (4, 6, 2)


def test_counts_entered_per_microlitre_are_converted_and_the_lowest_draw_of_a_day_is_kept() -> None:
    labs = [
        LabResult("x1", "p", "751-8", 600, "/uL", _at(9, 6)),
        LabResult("x2", "p", "751-8", 0.4, "10*9/L", _at(9, 18)),
        LabResult("x3", "p", "751-8", 700, "/uL", _at(12)),
    ]
    assert daily_series(labs, "751-8", day0=DAY0, as_of=AS_OF) == [
        CountValue(9, 0.4),
        CountValue(12, 0.7),
    ]


def test_cd34_dose_is_judged_against_the_ebmt_minimum_of_2_million_per_kg() -> None:
    dose = _milestones().cd34
    assert dose.collected_x10e6_per_kg == pytest.approx(2.3)  # 1.2 + 1.1
    assert dose.collection_adequate is True
    assert dose.infused_x10e6_per_kg == pytest.approx(1.9)
    assert dose.infused_adequate is False  # 1.9 < 2.0


@pytest.mark.parametrize(("infused", "adequate"), [(1.99, False), (2.0, True), (2.01, True)])
def test_cd34_minimum_is_inclusive(infused: float, adequate: bool) -> None:
    events = [_event(EventKind.INFUSION, DAY0, Infusion(cd34_x10e6_per_kg=infused), "i")]
    assert cd34_dose(events).infused_adequate is adequate


def test_a_protocol_may_ask_for_a_higher_cd34_minimum() -> None:
    # docs/spec/pathway.md §4.1: collect more when CD34 selection is planned
    assert _milestones(cd34_min_x10e6_per_kg=2.2).cd34.collection_adequate is True
    assert _milestones(cd34_min_x10e6_per_kg=2.5).cd34.collection_adequate is False
    with pytest.raises(InvalidValueError, match="cd34_min_x10e6_per_kg: 0 is not accepted"):
        cd34_dose(EVENTS, minimum_x10e6_per_kg=0)


def test_an_unrecorded_cd34_dose_is_unknown_not_zero() -> None:
    events = [
        _event(EventKind.INFUSION, DAY0, Infusion(cd34_x10e6_per_kg=Missing.NOT_EVALUATED), "i")
    ]
    dose = cd34_dose(events)
    assert (dose.infused_x10e6_per_kg, dose.infused_adequate) == (None, None)
    assert (dose.collected_x10e6_per_kg, dose.collection_adequate) == (None, None)


@pytest.mark.parametrize(
    ("death_day", "within"),
    [(0, True), (99, True), (100, True), (101, False), (-3, False)],
)
def test_death_counts_in_the_day_100_window_from_day_0_to_day_100_inclusive(
    death_day: int, within: bool
) -> None:
    death = early_death(DAY0, DAY0 + timedelta(days=death_day), as_of=date(2027, 1, 1))
    assert (death.death_day, death.within_window) == (death_day, within)


def test_a_living_patient_is_unknown_while_the_window_is_open_and_no_after_it() -> None:
    assert early_death(DAY0, None, as_of=DAY0 + timedelta(days=100)).within_window is None
    assert early_death(DAY0, None, as_of=DAY0 + timedelta(days=101)).within_window is False
    assert early_death(None, None, as_of=AS_OF).within_window is None
    assert early_death(DAY0, DAY0 + timedelta(20), as_of=DAY0 + timedelta(10)).death_day is None


def test_a_protocol_may_use_another_treatment_related_mortality_window() -> None:
    death = early_death(DAY0, DAY0 + timedelta(days=150), as_of=date(2027, 1, 1), window_days=180)
    assert death.within_window is True
    with pytest.raises(InvalidValueError, match="trm_window_days"):
        early_death(DAY0, None, as_of=AS_OF, window_days=0)


def test_an_msc_course_has_no_engraftment_and_no_cd34_dose() -> None:
    # docs/spec/pathway.md §8: no conditioning, no aplasia, nothing to engraft
    milestones = _milestones(course=_course(CourseKind.MSC))
    assert milestones.neutrophil is None
    assert milestones.severe_neutropenia is None
    assert milestones.cd34 is None


def test_a_car_t_course_has_neutrophil_recovery_but_no_cd34_dose() -> None:
    milestones = _milestones(course=_course(CourseKind.CAR_T))
    assert milestones.neutrophil.engraftment_day == 11
    assert milestones.cd34 is None


def test_a_course_not_yet_infused_has_no_day_0_milestones() -> None:
    milestones = _milestones(course=_course(day0=None))
    assert (milestones.day0, milestones.neutrophil, milestones.platelet_20) == (None, None, None)
    assert milestones.early_death.within_window is None
    assert milestones.cd34.collected_x10e6_per_kg == pytest.approx(2.3)


def test_records_after_the_as_of_date_are_ignored() -> None:
    # On day +12 only two values of the run (days +11, +12) exist: not yet recovered.
    milestones = _milestones(as_of=DAY0 + timedelta(days=12))
    assert milestones.neutrophil.engraftment_day is None
    assert milestones.severe_neutropenia.days is None
    assert milestones.cd34.infused_x10e6_per_kg == pytest.approx(1.9)
