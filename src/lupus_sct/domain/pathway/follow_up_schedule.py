"""Follow-up schedules relative to day 0, with visit windows and what each visit collects.

References
----------
docs/spec/pathway.md §6: day +30 (engraftment, early toxicity, CIBMTR critical
forms), day +100 (CIBMTR 100-day follow-up, EBMT MED-A), 6 months (disease response), then yearly
(CIBMTR annual forms to 6 years, then every 2 years; Burt 2006 yearly to 5 years).

Notes
-----
Default schedule (issue #4): day +30, +100, 6 months, then yearly to 5 years, then every 2 years.
Months and years are counted in days (6 months = day 182, 1 year = day 365; 365.25 days per year
rounded down for later years). Windows are inclusive on both sides. A protocol may replace the
schedule.

The status of each visit (done, overdue, due, upcoming, future) and the data a done visit still
lacks are derived by :func:`schedule_status`; the rules are set out above that function.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.missing import is_recorded
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult, lab_test

DAYS_PER_YEAR = 365.25  # Julian year, so that yearly targets do not drift from calendar years


@dataclasses.dataclass(frozen=True, slots=True)
class ScheduledVisit:
    """A planned visit: target day after day 0, an inclusive window and the data to collect."""

    label: str
    target_day: int
    window_before_days: int
    window_after_days: int
    collect: tuple[str, ...] = ()


_RESPONSE = ("sledai_2k", "pga", "labs:2160-0,2890-2,4485-9,4498-2,5130-0,751-8,777-3,718-7")
_EARLY = ("labs:751-8,777-3,718-7,2160-0,1742-6", "adverse_events")


def _yearly(year: int, window_days: int) -> ScheduledVisit:
    return ScheduledVisit(
        f"year {year}", int(year * DAYS_PER_YEAR), window_days, window_days, (*_RESPONSE, "sdi")
    )


DEFAULT_SCHEDULE: tuple[ScheduledVisit, ...] = (
    ScheduledVisit("day +30", 30, 7, 7, _EARLY),  # docs/spec/pathway.md §6: day +30
    ScheduledVisit("day +100", 100, 14, 14, (*_EARLY, *_RESPONSE)),  # CIBMTR 100-day form
    ScheduledVisit("6 months", 182, 30, 30, _RESPONSE),  # CIBMTR 6-month follow-up
    *(_yearly(year, 60) for year in range(1, 6)),  # yearly to 5 years (Burt 2006)
    *(_yearly(year, 90) for year in (7, 9, 11, 13, 15)),  # then every 2 years (CIBMTR)
)


# --- Status of each scheduled visit as of a date -------------------------------------------------
#
# Notes
# -----
# A visit is *done* when an assessment is dated within its window (on or before ``as_of``); the
# assessment nearest the target day is taken (the earlier one on a tie). Otherwise it is
# *overdue* once the window has closed, *due* while the window is open, *upcoming* when the window
# opens within ``upcoming_within_days`` (inclusive), and *future* before that. Window edges are
# inclusive: on the closing day the visit is still due, the day after it is overdue.
#
# What each ``collect`` item needs, looked for within the visit's window (both edges inclusive):
# - "sledai_2k": an assessment with the SLEDAI-2K descriptors evaluated (not "not evaluated");
# - "pga": an assessment with the physician global assessment recorded;
# - "labs:<loinc>,<loinc>...": a result of each listed LOINC code (each missing code is reported
#   on its own as "labs:<loinc>");
# - "sdi" and "adverse_events": satisfied by the visit itself. Damage items are carried forward
#   (decision D4) and adverse events are recorded when they occur, and the data model has no
#   "reviewed, nothing new" record, so an absent item cannot be told from an absent review; the
#   assessment in the window stands for the review.
# Any other item is refused with :class:`InvalidValueError`, so a protocol cannot ask for data the
# platform cannot check.

UPCOMING_WITHIN_DAYS = 30  # issue #4 default: a visit whose window opens within 30 days
COLLECT_SLEDAI_2K = "sledai_2k"
COLLECT_PGA = "pga"
COLLECT_SDI = "sdi"
COLLECT_ADVERSE_EVENTS = "adverse_events"
COLLECT_LABS_PREFIX = "labs:"
COLLECT_ITEMS = (COLLECT_SLEDAI_2K, COLLECT_PGA, COLLECT_SDI, COLLECT_ADVERSE_EVENTS)
_REVIEWED_AT_VISIT = frozenset({COLLECT_SDI, COLLECT_ADVERSE_EVENTS})


class VisitStatus(enum.Enum):
    """Where a scheduled visit stands on a date."""

    DONE = "done"
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"
    FUTURE = "future"


@dataclasses.dataclass(frozen=True, slots=True)
class ScheduledVisitStatus:
    """A scheduled visit's window in calendar dates, its status and the data it still lacks.

    ``missing`` lists the ``collect`` items not found (only for a done visit), with each missing
    laboratory test as its own ``labs:<loinc>`` item.
    """

    visit: ScheduledVisit
    target_date: date
    opens_on: date
    closes_on: date
    status: VisitStatus
    done_on: date | None = None
    missing: tuple[str, ...] = ()


def requirement_items(item: str) -> tuple[str, ...]:
    """Split one ``collect`` item into the items checked ("labs:a,b" -> "labs:a", "labs:b").

    Raises :class:`InvalidValueError` for an item the platform cannot check or an unknown LOINC.
    """
    if item in COLLECT_ITEMS:
        return (item,)
    if item.startswith(COLLECT_LABS_PREFIX):
        codes = [c.strip() for c in item.removeprefix(COLLECT_LABS_PREFIX).split(",")]
        if not all(codes):
            raise InvalidValueError("schedule.collect", item, "labs:<LOINC>[,<LOINC>...]")
        for code in codes:
            lab_test(code)
        return tuple(f"{COLLECT_LABS_PREFIX}{code}" for code in codes)
    raise InvalidValueError(
        "schedule.collect", item, f"one of {', '.join(COLLECT_ITEMS)} or labs:<LOINC>,..."
    )


def check_schedule(schedule: Iterable[ScheduledVisit]) -> None:
    """Refuse a schedule with a visit before day +1, a negative window or an unknown item."""
    for visit in schedule:
        if visit.target_day < 1:
            raise InvalidValueError(
                f"schedule[{visit.label}].target_day", visit.target_day, "a day after day 0"
            )
        if visit.window_before_days < 0 or visit.window_after_days < 0:
            raise InvalidValueError(
                f"schedule[{visit.label}].window",
                (visit.window_before_days, visit.window_after_days),
                "days >= 0",
            )
        for item in visit.collect:
            requirement_items(item)


def describe_requirement(item: str) -> str:
    """A reader's name for a checked item ("SLEDAI-2K", "Hemoglobin ... (LOINC 718-7)")."""
    names = {
        COLLECT_SLEDAI_2K: "SLEDAI-2K",
        COLLECT_PGA: "physician global assessment",
        COLLECT_SDI: "SLICC/ACR damage index",
        COLLECT_ADVERSE_EVENTS: "adverse event review",
    }
    if item.startswith(COLLECT_LABS_PREFIX):
        code = item.removeprefix(COLLECT_LABS_PREFIX)
        return f"{lab_test(code).name} (LOINC {code})"
    return names.get(item, item)


def _missing_items(
    visit: ScheduledVisit,
    in_window: Sequence[Assessment],
    lab_codes: frozenset[str],
) -> tuple[str, ...]:
    found = {
        COLLECT_SLEDAI_2K: any(is_recorded(a.sledai_descriptors) for a in in_window),
        COLLECT_PGA: any(is_recorded(a.pga) for a in in_window),
    }
    missing: list[str] = []
    for item in visit.collect:
        for part in requirement_items(item):
            if part in _REVIEWED_AT_VISIT:
                continue
            if part.startswith(COLLECT_LABS_PREFIX):
                ok = part.removeprefix(COLLECT_LABS_PREFIX) in lab_codes
            else:
                ok = found[part]
            if not ok and part not in missing:
                missing.append(part)
    return tuple(missing)


def _classify(opens: date, closes: date, as_of: date, upcoming_within_days: int) -> VisitStatus:
    if as_of > closes:
        return VisitStatus.OVERDUE
    if as_of >= opens:
        return VisitStatus.DUE
    if (opens - as_of).days <= upcoming_within_days:
        return VisitStatus.UPCOMING
    return VisitStatus.FUTURE


def visit_status(
    visit: ScheduledVisit,
    *,
    day0: date,
    assessments: Sequence[Assessment],
    labs: Sequence[LabResult],
    as_of: date,
    upcoming_within_days: int = UPCOMING_WITHIN_DAYS,
) -> ScheduledVisitStatus:
    """The status of one scheduled visit on ``as_of``; records after ``as_of`` are ignored."""
    target = day0 + timedelta(days=visit.target_day)
    opens = target - timedelta(days=visit.window_before_days)
    closes = target + timedelta(days=visit.window_after_days)
    last = min(closes, as_of)
    in_window = [a for a in assessments if opens <= a.visit_date <= last]
    if not in_window:
        status = _classify(opens, closes, as_of, upcoming_within_days)
        return ScheduledVisitStatus(visit, target, opens, closes, status)
    done = min(in_window, key=lambda a: (abs((a.visit_date - target).days), a.visit_date))
    codes = frozenset(lab.loinc_code for lab in labs if opens <= lab.collected_at.date() <= last)
    missing = _missing_items(visit, in_window, codes)
    return ScheduledVisitStatus(
        visit, target, opens, closes, VisitStatus.DONE, done.visit_date, missing
    )


def schedule_status(
    schedule: Iterable[ScheduledVisit],
    *,
    day0: date,
    assessments: Iterable[Assessment],
    labs: Iterable[LabResult],
    as_of: date,
    upcoming_within_days: int = UPCOMING_WITHIN_DAYS,
) -> tuple[ScheduledVisitStatus, ...]:
    """The status of every scheduled visit of a course whose day 0 is ``day0``.

    Parameters
    ----------
    schedule
        The protocol's visits (checked with :func:`check_schedule`).
    day0
        The course's day 0 (first infusion).
    assessments, labs
        The patient's assessments (the visits that happened) and laboratory results.
    as_of
        The date the status is for; later records are ignored.
    upcoming_within_days
        A visit is upcoming when its window opens within this many days (inclusive, >= 0).

    Raises
    ------
    InvalidValueError
        For an invalid schedule or a negative ``upcoming_within_days``.
    """
    visits = tuple(schedule)
    check_schedule(visits)
    if upcoming_within_days < 0:
        raise InvalidValueError("upcoming_within_days", upcoming_within_days, "days >= 0")
    seen = [a for a in assessments if a.visit_date <= as_of]
    results = [lab for lab in labs if lab.collected_at.date() <= as_of]
    return tuple(
        visit_status(
            visit,
            day0=day0,
            assessments=seen,
            labs=results,
            as_of=as_of,
            upcoming_within_days=upcoming_within_days,
        )
        for visit in visits
    )
