"""Follow-up schedules relative to day 0, with visit windows and what each visit collects.

References
----------
../shared/docs/pathway.md, section 6: day +30 (engraftment, early toxicity, CIBMTR critical
forms), day +100 (CIBMTR 100-day follow-up, EBMT MED-A), 6 months (disease response), then yearly
(CIBMTR annual forms to 6 years, then every 2 years; Burt 2006 yearly to 5 years).

Notes
-----
Default schedule (issue #4): day +30, +100, 6 months, then yearly to 5 years, then every 2 years.
Months and years are counted in days (6 months = day 182, 1 year = day 365; 365.25 days per year
rounded down for later years). Windows are inclusive on both sides. A protocol may replace the
schedule.
"""

from __future__ import annotations

import dataclasses

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
    ScheduledVisit("day +30", 30, 7, 7, _EARLY),  # pathway.md section 6: day +30
    ScheduledVisit("day +100", 100, 14, 14, (*_EARLY, *_RESPONSE)),  # CIBMTR 100-day form
    ScheduledVisit("6 months", 182, 30, 30, _RESPONSE),  # CIBMTR 6-month follow-up
    *(_yearly(year, 60) for year in range(1, 6)),  # yearly to 5 years (Burt 2006)
    *(_yearly(year, 90) for year in (7, 9, 11, 13, 15)),  # then every 2 years (CIBMTR)
)
