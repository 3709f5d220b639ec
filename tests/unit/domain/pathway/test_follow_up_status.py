"""Status of scheduled follow-up visits (docs/spec/pathway.md §6: each timepoint has a window;
visits are matched within it). Windows are inclusive at both edges (follow_up_schedule module
notes)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.pathway.follow_up_schedule import (
    DEFAULT_SCHEDULE,
    ScheduledVisit,
    VisitStatus,
    check_schedule,
    describe_requirement,
    schedule_status,
)
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult

DAY0 = date(2026, 1, 10)
DAY_30 = ScheduledVisit("day +30", 30, 7, 7, ("labs:751-8,777-3", "adverse_events"))
DAY_100 = ScheduledVisit("day +100", 100, 14, 14, ("sledai_2k", "pga", "labs:2160-0", "sdi"))


def _day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def _visit(n: int, **fields: object) -> Assessment:
    return Assessment(id=f"a{n}", patient_id="p", visit_date=_day(n), **fields)  # type: ignore[arg-type]


def _lab(n: int, code: str, value: float, unit: str) -> LabResult:
    at = datetime.combine(_day(n), datetime.min.time(), UTC).replace(hour=8)
    return LabResult(f"l{n}{code}", "p", code, value, unit, at)


def _status(
    visit: ScheduledVisit,
    as_of_day: int,
    assessments: list[Assessment] | None = None,
    labs: list[LabResult] | None = None,
):  # type: ignore[no-untyped-def]
    (result,) = schedule_status(
        (visit,), day0=DAY0, assessments=assessments or [], labs=labs or [], as_of=_day(as_of_day)
    )
    return result


def test_the_window_is_the_target_day_minus_and_plus_its_tolerance() -> None:
    result = _status(DAY_30, 0)
    assert (result.target_date, result.opens_on, result.closes_on) == (_day(30), _day(23), _day(37))


@pytest.mark.parametrize(
    ("as_of_day", "expected"),
    [
        (-8, VisitStatus.FUTURE),  # window opens in 31 days
        (-7, VisitStatus.UPCOMING),  # opens in exactly 30 days (inclusive)
        (22, VisitStatus.UPCOMING),  # the day before the window opens
        (23, VisitStatus.DUE),  # first day of the window
        (37, VisitStatus.DUE),  # last day of the window
        (38, VisitStatus.OVERDUE),  # the day after the window closed
    ],
)
def test_without_a_visit_the_status_follows_the_window_edges(
    as_of_day: int, expected: VisitStatus
) -> None:
    assert _status(DAY_30, as_of_day).status is expected


@pytest.mark.parametrize(
    ("visit_day", "done"), [(22, False), (23, True), (30, True), (37, True), (38, False)]
)
def test_a_visit_counts_when_it_falls_within_the_window_edges_included(
    visit_day: int, done: bool
) -> None:
    result = _status(DAY_30, 60, [_visit(visit_day)])
    assert result.status is (VisitStatus.DONE if done else VisitStatus.OVERDUE)
    assert result.done_on == (_day(visit_day) if done else None)


def test_the_visit_nearest_the_target_day_is_the_one_reported() -> None:
    result = _status(DAY_30, 60, [_visit(24), _visit(32), _visit(35)])
    assert result.done_on == _day(32)  # 2 days from the target day
    tie = _status(DAY_30, 60, [_visit(27), _visit(33)])
    assert tie.done_on == _day(27)  # equal distance: the earlier visit


def test_a_visit_after_the_as_of_date_is_not_yet_known() -> None:
    assert _status(DAY_30, 25, [_visit(28)]).status is VisitStatus.DUE


def test_the_upcoming_horizon_can_be_changed() -> None:
    (result,) = schedule_status(
        (DAY_30,), day0=DAY0, assessments=[], labs=[], as_of=_day(13), upcoming_within_days=10
    )
    assert result.status is VisitStatus.UPCOMING
    (result,) = schedule_status(
        (DAY_30,), day0=DAY0, assessments=[], labs=[], as_of=_day(12), upcoming_within_days=10
    )
    assert result.status is VisitStatus.FUTURE


def test_a_done_visit_lists_each_laboratory_test_missing_from_its_window() -> None:
    labs = [_lab(23, "751-8", 2.1, "10*9/L"), _lab(38, "777-3", 150, "10*9/L")]
    result = _status(DAY_30, 60, [_visit(30)], labs)
    # ANC on day +23 (window edge) counts; platelets on day +38 are outside the window.
    assert result.missing == ("labs:777-3",)


def test_a_done_visit_with_every_test_in_its_window_lacks_nothing() -> None:
    labs = [_lab(37, "751-8", 2.1, "10*9/L"), _lab(37, "777-3", 150, "10*9/L")]
    assert _status(DAY_30, 60, [_visit(30)], labs).missing == ()


def test_sledai_and_pga_are_missing_when_not_evaluated_at_any_visit_in_the_window() -> None:
    creatinine = [_lab(100, "2160-0", 0.8, "mg/dL")]
    bare = _status(DAY_100, 200, [_visit(100)], creatinine)
    assert bare.missing == ("sledai_2k", "pga")
    scored = _visit(95, sledai_descriptors=(SledaiDescriptor.RASH,), pga=0.5)
    complete = _status(DAY_100, 200, [_visit(100), scored], creatinine)
    assert complete.done_on == _day(100)
    assert complete.missing == ()


def test_sdi_and_adverse_event_review_are_satisfied_by_the_visit_itself() -> None:
    # Module notes: the data model has no "reviewed, nothing new" record for either.
    visit = ScheduledVisit("review", 30, 7, 7, ("sdi", "adverse_events"))
    assert _status(visit, 60, [_visit(30)]).missing == ()


def test_the_default_schedule_starts_at_day_30_and_100_then_6_months_and_yearly() -> None:
    statuses = schedule_status(DEFAULT_SCHEDULE, day0=DAY0, assessments=[], labs=[], as_of=DAY0)
    labels = [s.visit.label for s in statuses]
    assert labels[:4] == ["day +30", "day +100", "6 months", "year 1"]
    assert [s.status for s in statuses[:3]] == [
        VisitStatus.UPCOMING,  # opens day +23
        VisitStatus.FUTURE,  # opens day +86
        VisitStatus.FUTURE,
    ]


@pytest.mark.parametrize(
    ("collect", "message"),
    [
        ("vitals", "schedule.collect: 'vitals' is not accepted; expected one of sledai_2k"),
        ("labs:9999-9", "lab.loinc_code: '9999-9' is not accepted"),
        ("labs:", "expected labs:<LOINC>"),
    ],
)
def test_a_schedule_asking_for_data_the_platform_cannot_check_is_refused(
    collect: str, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message.replace("(", r"\(")):
        check_schedule([ScheduledVisit("odd", 30, 7, 7, (collect,))])


def test_a_visit_on_or_before_day_0_or_with_a_negative_window_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="target_day: 0 is not accepted"):
        check_schedule([ScheduledVisit("day 0", 0, 0, 0)])
    with pytest.raises(InvalidValueError, match="window"):
        check_schedule([ScheduledVisit("odd", 30, -1, 7)])
    with pytest.raises(InvalidValueError, match="upcoming_within_days"):
        schedule_status(
            (DAY_30,), day0=DAY0, assessments=[], labs=[], as_of=DAY0, upcoming_within_days=-1
        )


def test_requirements_are_named_for_readers() -> None:
    assert describe_requirement("sledai_2k") == "SLEDAI-2K"
    assert describe_requirement("labs:718-7") == "Hemoglobin [Mass/volume] in Blood (LOINC 718-7)"
