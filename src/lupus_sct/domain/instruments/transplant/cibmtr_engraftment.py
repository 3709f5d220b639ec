"""Haematopoietic recovery after infusion: CIBMTR neutrophil and platelet engraftment.

References
----------
CIBMTR Forms Instruction Manual, Post-Infusion Data (forms 2100/4100): "Neutrophil recovery" and
"Platelet recovery" (first of three consecutive laboratory values obtained on different days).
Kharfan-Dabaja MA, Kumar A, Ayala E, et al. Standardizing definitions of hematopoietic recovery,
graft rejection, graft failure, poor graft function, and donor chimerism in allogeneic
hematopoietic cell transplantation: a report on behalf of the American Society for Transplantation
and Cellular Therapy. Transplant Cell Ther 2021;27:642-9. doi:10.1016/j.jtct.2021.04.007

Notes
-----
Operational algorithm of docs/spec/instruments.md §8.2, and convention C4:

1. values before day 0 are ignored; each day carries at most one value;
2. the nadir is the earliest lowest value; a series whose nadir is not below the threshold
   never fell below it and has no recovery date (``never_below_threshold``);
3. only values after the nadir day count; a value qualifies at >= threshold (inclusive);
4. a platelet value on day d also needs every transfusion day t <= d to satisfy d - t >= 7, so a
   transfusion on day t makes day t + 7 the first countable day;
5. the recovery day is the first of three consecutive qualifying values (successive draws, not
   calendar days); any non-qualifying value breaks the run.

Counts are in x10^9/L and are compared directly with the threshold (no ratio, decision D11 does
not apply). Missing draws are simply absent from the series; they are never zero.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Iterable, Sequence

from lupus_sct.domain.errors import InvalidValueError

ANC_ENGRAFTMENT_THRESHOLD_X10E9_PER_L = 0.5  # CIBMTR Forms Instruction Manual, neutrophil recovery
PLATELET_ENGRAFTMENT_THRESHOLD_X10E9_PER_L = 20.0  # CIBMTR Forms Instruction Manual, platelets
PLATELET_50_THRESHOLD_X10E9_PER_L = 50.0  # CIBMTR Forms Instruction Manual, reported separately
CONSECUTIVE_VALUES_REQUIRED = 3  # CIBMTR Forms Instruction Manual: "three consecutive values"
TRANSFUSION_FREE_DAYS = 7  # CIBMTR Forms Instruction Manual: no platelet transfusion in 7 days
PRIMARY_GRAFT_FAILURE_DAY = 30  # Kharfan-Dabaja 2021: ANC >= 0.5 not reached by day +30 (PB/BM)
PRIMARY_GRAFT_FAILURE_DAY_CORD_BLOOD = 42  # Kharfan-Dabaja 2021: day +42 for cord blood


class RecoveryKind(enum.Enum):
    """Which lineage the series measures."""

    NEUTROPHIL = "neutrophil"
    PLATELET = "platelet"


class GraftSource(enum.Enum):
    """Stem cell source, which sets the primary graft failure day."""

    BONE_MARROW = "bone_marrow"
    PERIPHERAL_BLOOD = "peripheral_blood"
    CORD_BLOOD = "cord_blood"


class GraftFailureStatus(enum.Enum):
    """Primary graft failure: present, absent, or not yet decidable from the series."""

    PRIMARY_GRAFT_FAILURE = "primary_graft_failure"
    NO_PRIMARY_GRAFT_FAILURE = "no_primary_graft_failure"
    NOT_YET_EVALUABLE = "not_yet_evaluable"


@dataclasses.dataclass(frozen=True, slots=True)
class CountValue:
    """One laboratory count on a day relative to infusion (day 0), in x10^9/L."""

    day: int
    value_x10e9_per_l: float


@dataclasses.dataclass(frozen=True, slots=True)
class RecoveryResult:
    """Recovery day (``None`` if not reached) and whether the count never fell below."""

    kind: RecoveryKind
    threshold_x10e9_per_l: float
    engraftment_day: int | None
    never_below_threshold: bool
    nadir_day: int


@dataclasses.dataclass(frozen=True, slots=True)
class GraftFailureAssessment:
    """Primary graft failure status with the cut-off day used and the neutrophil recovery day."""

    status: GraftFailureStatus
    cutoff_day: int
    engraftment_day: int | None


def _checked_series(series: Iterable[CountValue]) -> list[CountValue]:
    values = list(series)
    days = [v.day for v in values]
    duplicates = sorted({d for d in days if days.count(d) > 1})
    if duplicates:
        raise InvalidValueError("series", duplicates, "at most one value per day")
    for v in values:
        if not math.isfinite(v.value_x10e9_per_l) or v.value_x10e9_per_l < 0:
            raise InvalidValueError(f"count on day {v.day}", v.value_x10e9_per_l, "a count >= 0")
    kept = sorted((v for v in values if v.day >= 0), key=lambda v: v.day)
    if not kept:
        raise InvalidValueError("series", len(values), "at least one value on day 0 or later")
    return kept


def _is_transfusion_free(day: int, transfusion_days: Sequence[int]) -> bool:
    return all(day - t >= TRANSFUSION_FREE_DAYS for t in transfusion_days if t <= day)


def _first_run_start(
    after_nadir: Sequence[CountValue], threshold: float, transfusion_days: Sequence[int]
) -> int | None:
    run_start: int | None = None
    run_length = 0
    for v in after_nadir:
        qualifies = v.value_x10e9_per_l >= threshold
        if qualifies and _is_transfusion_free(v.day, transfusion_days):
            run_start = v.day if run_length == 0 else run_start
            run_length += 1
            if run_length == CONSECUTIVE_VALUES_REQUIRED:
                return run_start
        else:
            run_length = 0
    return None


def _recovery(
    kind: RecoveryKind,
    series: Iterable[CountValue],
    threshold: float,
    transfusion_days: Sequence[int],
) -> RecoveryResult:
    if not math.isfinite(threshold) or threshold <= 0:
        raise InvalidValueError("threshold_x10e9_per_L", threshold, "a number > 0")
    kept = _checked_series(series)
    nadir = min(kept, key=lambda v: (v.value_x10e9_per_l, v.day))
    if nadir.value_x10e9_per_l >= threshold:
        return RecoveryResult(kind, threshold, None, True, nadir.day)
    after = [v for v in kept if v.day > nadir.day]
    day = _first_run_start(after, threshold, transfusion_days)
    return RecoveryResult(kind, threshold, day, False, nadir.day)


def neutrophil_recovery(
    series: Iterable[CountValue],
    threshold_x10e9_per_l: float = ANC_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
) -> RecoveryResult:
    """Day of neutrophil recovery (engraftment) by the CIBMTR definition.

    Parameters
    ----------
    series
        ANC values in x10^9/L (>= 0), at most one per day; days before 0 are ignored.
    threshold_x10e9_per_l
        Recovery threshold (> 0), inclusive; 0.5 by default.

    Returns
    -------
    RecoveryResult
        The first day of the first three consecutive values >= threshold after the nadir.

    References
    ----------
    CIBMTR Forms Instruction Manual, neutrophil recovery; Kharfan-Dabaja 2021,
    doi:10.1016/j.jtct.2021.04.007.

    Notes
    -----
    Convention C4. An automated ANC of exactly 0.5 counts: the value entered is taken as final.
    Raises :class:`InvalidValueError` for duplicate days, negative counts, a non-positive
    threshold, or a series with no value on day 0 or later.
    """
    return _recovery(RecoveryKind.NEUTROPHIL, series, threshold_x10e9_per_l, ())


def platelet_recovery(
    series: Iterable[CountValue],
    platelet_transfusion_days: Iterable[int] = (),
    threshold_x10e9_per_l: float = PLATELET_ENGRAFTMENT_THRESHOLD_X10E9_PER_L,
) -> RecoveryResult:
    """Day of platelet recovery by the CIBMTR definition.

    Parameters
    ----------
    series
        Platelet counts in x10^9/L (>= 0), at most one per day; days before 0 are ignored.
    platelet_transfusion_days
        Days (relative to infusion) on which platelets were transfused.
    threshold_x10e9_per_l
        20 by default; CIBMTR also reports 50.

    Returns
    -------
    RecoveryResult
        The first day of the first three consecutive qualifying values after the nadir, where a
        value on day d qualifies if >= threshold and no transfusion fell on days d-6 to d.

    References
    ----------
    CIBMTR Forms Instruction Manual, platelet recovery ("no platelet transfusions in the
    previous 7 days").

    Notes
    -----
    docs/spec/instruments.md §8.2, rule 4: a transfusion on day t makes day t + 7 the first
    countable day. Transfusions before day 0 still apply. Convention C4 otherwise.
    """
    days = tuple(platelet_transfusion_days)
    return _recovery(RecoveryKind.PLATELET, series, threshold_x10e9_per_l, days)


def _run_pending_at_end(result: RecoveryResult, series: Sequence[CountValue], cutoff: int) -> bool:
    """True when the trailing qualifying values start on or before the cut-off day."""
    trailing_start: int | None = None
    for v in series:
        if v.day <= result.nadir_day:
            continue
        if v.value_x10e9_per_l >= result.threshold_x10e9_per_l:
            trailing_start = v.day if trailing_start is None else trailing_start
        else:
            trailing_start = None
    return trailing_start is not None and trailing_start <= cutoff


def assess_primary_graft_failure(
    anc_series: Iterable[CountValue], graft_source: GraftSource
) -> GraftFailureAssessment:
    """Primary graft failure: ANC >= 0.5 x10^9/L not reached by day +30 (+42 for cord blood).

    Parameters
    ----------
    anc_series
        ANC values in x10^9/L, as for :func:`neutrophil_recovery`.
    graft_source
        Bone marrow and peripheral blood use day +30; cord blood uses day +42.

    Returns
    -------
    GraftFailureAssessment
        ``NO_PRIMARY_GRAFT_FAILURE`` when the neutrophil recovery day is on or before the
        cut-off, or the ANC never fell below 0.5; ``PRIMARY_GRAFT_FAILURE`` when recovery came
        later, or the series reaches the cut-off day with no recovery run that could still start
        on or before it; otherwise ``NOT_YET_EVALUABLE``.

    References
    ----------
    Kharfan-Dabaja MA et al. Transplant Cell Ther 2021;27:642-9,
    doi:10.1016/j.jtct.2021.04.007; docs/spec/instruments.md §8.2.

    Notes
    -----
    "Reached" means the CIBMTR recovery day (first of three consecutive values >= 0.5), so a
    run that starts on the cut-off day and completes after it counts as reached. A series that
    ends before the cut-off day, or ends in an incomplete qualifying run that started on or
    before it, cannot decide the question yet (missing is not "failed").
    """
    cutoff = (
        PRIMARY_GRAFT_FAILURE_DAY_CORD_BLOOD
        if graft_source is GraftSource.CORD_BLOOD
        else PRIMARY_GRAFT_FAILURE_DAY
    )
    kept = _checked_series(anc_series)
    result = neutrophil_recovery(kept)
    day = result.engraftment_day
    if result.never_below_threshold or (day is not None and day <= cutoff):
        status = GraftFailureStatus.NO_PRIMARY_GRAFT_FAILURE
    elif day is not None:
        status = GraftFailureStatus.PRIMARY_GRAFT_FAILURE
    elif kept[-1].day < cutoff or _run_pending_at_end(result, kept, cutoff):
        status = GraftFailureStatus.NOT_YET_EVALUABLE
    else:
        status = GraftFailureStatus.PRIMARY_GRAFT_FAILURE
    return GraftFailureAssessment(status, cutoff, day)
