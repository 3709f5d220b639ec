"""SLEDAI-2K trajectories by month since day 0, and time spent in LLDAS and in remission.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-365.
doi:10.1080/00031305.1996.10473566 (definition 7, R's and NumPy's default, for the quartiles).
Franklyn K et al. Ann Rheum Dis 2016;75:1615-21. doi:10.1136/annrheumdis-2015-207726 (time in
LLDAS as a share of observed time), computed per patient by
:func:`lupus_sct.domain.pathway.disease_course.share_of_time`.

Notes
-----
- Month 0 is baseline: the last visit on day -90 to day 0. A later visit belongs to month
  ``round(day / 30.4375)`` (Python rounds halves to even); visits on days 1-15 round to month 0
  and are left out, so that the baseline is never mixed with the aplastic first fortnight.
  Within a month a patient counts once, with the last visit's score; visits without a
  determinable SLEDAI-2K are skipped.
- Time in state summarises each patient's share (``DiseaseCourse.share_in_lldas`` and
  ``share_in_remission``) as a median and interquartile range over patients with a share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lupus_sct.analytics.response.landmarks import (
    DAYS_PER_MONTH,
    PatientResponseCourse,
    baseline_visit,
)
from lupus_sct.domain.errors import InvalidValueError


@dataclass(frozen=True)
class Quartiles:
    """Median and interquartile range of ``n`` values (Hyndman & Fan definition 7)."""

    n: int
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class TrajectoryPoint:
    """SLEDAI-2K at one month since day 0 over the patients seen that month."""

    month: int
    summary: Quartiles


@dataclass(frozen=True)
class TimeInState:
    """The share of observed follow-up spent in a state, over patients."""

    state: str
    summary: Quartiles | None


def quartiles(values: Sequence[float]) -> Quartiles:
    """Median, first and third quartiles (linear interpolation, R type 7)."""
    if not values:
        raise InvalidValueError("values", "none", "at least one value")
    q1, median, q3 = np.percentile(np.asarray(values, dtype=np.float64), [25.0, 50.0, 75.0])
    return Quartiles(len(values), float(median), float(q1), float(q3))


def _monthly_scores(patient: PatientResponseCourse, max_month: int) -> dict[int, int]:
    scores: dict[int, int] = {}
    base = baseline_visit(patient.course)
    if base is not None and base.sledai_2k is not None:
        scores[0] = base.sledai_2k
    for visit in patient.course.visits:
        if visit.day is None or visit.day <= 0 or visit.sledai_2k is None:
            continue
        month = round(visit.day / DAYS_PER_MONTH)
        if 1 <= month <= max_month:
            scores[month] = visit.sledai_2k
    return scores


def sledai_trajectory(
    patients: Sequence[PatientResponseCourse], *, max_month: int = 60
) -> tuple[TrajectoryPoint, ...]:
    """Median and IQR of SLEDAI-2K by month since day 0 (months with at least one patient)."""
    by_month: dict[int, list[float]] = {}
    for patient in patients:
        for month, score in _monthly_scores(patient, max_month).items():
            by_month.setdefault(month, []).append(float(score))
    return tuple(
        TrajectoryPoint(month, quartiles(values)) for month, values in sorted(by_month.items())
    )


def time_in_state(patients: Sequence[PatientResponseCourse]) -> tuple[TimeInState, ...]:
    """Shares of follow-up in LLDAS and in DORIS remission, summarised over patients."""
    result = []
    for state, attribute in (
        ("LLDAS", "share_in_lldas"),
        ("DORIS remission", "share_in_remission"),
    ):
        shares = [
            float(share) for p in patients if (share := getattr(p.course, attribute)) is not None
        ]
        result.append(TimeInState(state, quartiles(shares) if shares else None))
    return tuple(result)
