"""Registry indicators of a transplant or cell-therapy programme, from one row per treated patient.

References
----------
docs/spec/pathway.md §6 and §7 (day +30, +100 and yearly timepoints; OS, PFS, relapse,
NRM, secondary autoimmune disease; relapse and NRM as competing risks). EBMT MED-A and CIBMTR
follow-up forms (infections by period: day 0-30, 31-100, 101-365). FACT-JACIE International
Standards, 8th ed., B4.7 (one-year survival analysis). NCI CTCAE v5.0 (grade 3 or higher).
Kaplan-Meier and Aalen-Johansen estimates come from :mod:`lupus_sct.analytics.survival`.

Notes
-----
- Times are days from day 0. A patient is followed to death or ``as_of`` (last contact).
  Estimates at a day after the last observed time are NaN (not estimated), as R's
  ``summary.survfit(..., extend = FALSE)`` leaves them out.
- Treatment-related mortality is reported, as registries do, as non-relapse mortality: the
  cumulative incidence of death without prior relapse or progression, with relapse or progression
  as the competing event (Aalen-Johansen; cmprsk's Aalen variance; log-log limits).
- Relapse: the competing curve of the same fit. PFS: the first of relapse, progression or death.
- Secondary autoimmune disease: cumulative incidence with death as the competing event.
- Engraftment by day 28: neutrophil recovery (CIBMTR, ANC >= 0.5 x10^9/L) on or before day 28,
  or an ANC that never fell below 0.5, among courses with aplasia and an ANC series that were
  followed to day 28 or died before it (a death before recovery counts as not engrafted); a
  proportion with exact and Wilson limits.
- Infections by period (inclusive bounds): patients at risk are those alive and followed at the
  period's first day; a patient counts once per period however many infections.
- CTCAE grade >= 3: events with onset on or after day 0, counted by grade and by term.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lupus_sct.analytics.response.proportion_ci import ProportionEstimate, estimate_proportion
from lupus_sct.analytics.survival import (
    CauseIncidence,
    KaplanMeierEstimate,
    cumulative_incidence,
    kaplan_meier,
    numbers_at_risk,
)
from lupus_sct.domain.errors import InvalidValueError

TRM_DAYS = (30, 100, 365)  # day +30, registry TRM/NRM at +100, 1 year: docs/spec/pathway.md §6, §7
SURVIVAL_DAYS = (365, 1826)  # 1 and 5 years (365.25-day years, rounded)
ENGRAFTMENT_BY_DAY = 28  # issue 6: engraftment by day 28
INFECTION_PERIODS = ((0, 30), (31, 100), (101, 365))  # EBMT/CIBMTR reporting periods, inclusive
SEVERE_CTCAE_GRADE = 3  # CTCAE v5.0: grade 3 severe, 4 life-threatening, 5 death
NRM, RELAPSE = 1, 2  # cause codes of the competing-risks fit
SAD, DEATH = 1, 2


@dataclass(frozen=True)
class SevereEvent:
    """An adverse event of CTCAE grade >= 3, by day since day 0."""

    day: int
    grade: int
    term: str


@dataclass(frozen=True)
class TransplantRow:
    """One treated patient: their first course with a day 0 in the period, and what followed."""

    label: str
    centre_id: str
    therapy: str
    follow_up_days: int
    death_day: int | None = None
    relapse_day: int | None = None
    secondary_autoimmune_day: int | None = None
    neutrophil_recovery_day: int | None = None
    neutrophils_never_below: bool = False
    engraftment_evaluable: bool = False
    infection_days: tuple[int, ...] = ()
    severe_events: tuple[SevereEvent, ...] = ()

    def __post_init__(self) -> None:
        if self.follow_up_days < 0:
            raise InvalidValueError("follow_up_days", self.follow_up_days, "days >= 0")


@dataclass(frozen=True)
class RateAt:
    """A survival or cumulative incidence read at one day, with its pointwise limits."""

    day: int
    estimate: float
    ci_lower: float
    ci_upper: float
    n_risk: int


@dataclass(frozen=True)
class InfectionPeriod:
    """Infections in one period after day 0."""

    first_day: int
    last_day: int
    infections: int
    patients: ProportionEstimate | None
    n_at_risk: int


@dataclass(frozen=True)
class ProgrammeIndicators:
    """The registry indicators and the curves behind the charts."""

    n: int
    overall_survival: KaplanMeierEstimate
    progression_free: KaplanMeierEstimate
    non_relapse_mortality: CauseIncidence | None
    relapse: CauseIncidence | None
    secondary_autoimmune: CauseIncidence | None
    trm: tuple[RateAt, ...]
    os_at: tuple[RateAt, ...]
    pfs_at: tuple[RateAt, ...]
    relapse_at: tuple[RateAt, ...]
    secondary_autoimmune_at: tuple[RateAt, ...]
    engraftment: ProportionEstimate | None
    infections: tuple[InfectionPeriod, ...]
    severe_by_grade: tuple[tuple[int, int], ...]
    severe_by_term: tuple[tuple[str, int], ...]
    patients_with_severe_event: ProportionEstimate | None


def read_survival(curve: KaplanMeierEstimate, days: Sequence[int]) -> tuple[RateAt, ...]:
    """Kaplan-Meier survival and limits at chosen days (right-continuous)."""
    at = curve.at(np.asarray(days, dtype=np.float64))
    last = float(curve.time[-1])
    return tuple(
        _beyond(RateAt(int(d), float(s), float(lo), float(hi), int(n)), last)
        for d, s, lo, hi, n in zip(
            days, at.survival, at.ci_lower, at.ci_upper, at.n_risk, strict=True
        )
    )


def _beyond(rate: RateAt, last_time: float) -> RateAt:
    """NaN after the last observed time: the curve is not estimated there (R, extend = FALSE)."""
    if rate.day <= last_time:
        return rate
    return RateAt(rate.day, math.nan, math.nan, math.nan, rate.n_risk)


def read_incidence(
    curve: CauseIncidence | None, days: Sequence[int], times: Sequence[float]
) -> tuple[RateAt, ...]:
    """Cumulative incidence and limits at chosen days; 0 while no event of the cause is seen.

    ``times`` are the fit's follow-up times, for the numbers at risk.
    """
    points = np.asarray(days, dtype=np.float64)
    at_risk = numbers_at_risk(times, points)
    last = max(times)
    if curve is None:
        return tuple(
            _beyond(RateAt(int(d), 0.0, 0.0, 0.0, int(n)), last)
            for d, n in zip(days, at_risk, strict=True)
        )
    row = np.searchsorted(curve.time, points, side="right") - 1
    safe = np.maximum(row, 0)
    return tuple(
        _beyond(
            RateAt(
                int(d),
                0.0 if r < 0 else float(curve.cif[s]),
                0.0 if r < 0 else float(curve.ci_lower[s]),
                0.0 if r < 0 else float(curve.ci_upper[s]),
                int(n),
            ),
            last,
        )
        for d, r, s, n in zip(days, row, safe, at_risk, strict=True)
    )


def _competing(
    times: list[float], status: list[int], codes: tuple[int, int]
) -> tuple[CauseIncidence | None, CauseIncidence | None]:
    if not any(status):
        return None, None
    fit = cumulative_incidence(times, status)
    present = {c.cause: c for c in fit.causes}
    return present.get(codes[0]), present.get(codes[1])


def _nrm_relapse(rows: Sequence[TransplantRow]) -> tuple[list[float], list[int]]:
    times, status = [], []
    for row in rows:
        death, relapse = row.death_day, row.relapse_day
        if relapse is not None and (death is None or relapse <= death):
            times.append(float(relapse))
            status.append(RELAPSE)
        elif death is not None:
            times.append(float(death))
            status.append(NRM)
        else:
            times.append(float(row.follow_up_days))
            status.append(0)
    return times, status


def _sad_death(rows: Sequence[TransplantRow]) -> tuple[list[float], list[int]]:
    times, status = [], []
    for row in rows:
        sad, death = row.secondary_autoimmune_day, row.death_day
        if sad is not None and (death is None or sad <= death):
            times.append(float(sad))
            status.append(SAD)
        elif death is not None:
            times.append(float(death))
            status.append(DEATH)
        else:
            times.append(float(row.follow_up_days))
            status.append(0)
    return times, status


def _pfs(rows: Sequence[TransplantRow]) -> tuple[list[float], list[bool]]:
    times, events = [], []
    for row in rows:
        ends = [d for d in (row.death_day, row.relapse_day) if d is not None]
        times.append(float(min(ends)) if ends else float(row.follow_up_days))
        events.append(bool(ends))
    return times, events


def infections_by_period(
    rows: Sequence[TransplantRow], conf_level: float = 0.95
) -> tuple[InfectionPeriod, ...]:
    """Infections and patients with an infection in each period, among patients at risk."""
    periods = []
    for first, last in INFECTION_PERIODS:
        at_risk = [
            r
            for r in rows
            if r.follow_up_days >= first and (r.death_day is None or r.death_day >= first)
        ]
        counts = [sum(first <= d <= last for d in r.infection_days) for r in at_risk]
        with_any = sum(c > 0 for c in counts)
        periods.append(
            InfectionPeriod(
                first_day=first,
                last_day=last,
                infections=sum(counts),
                patients=estimate_proportion(with_any, len(at_risk), conf_level)
                if at_risk
                else None,
                n_at_risk=len(at_risk),
            )
        )
    return tuple(periods)


def engrafted_by_day_28(row: TransplantRow) -> bool:
    """Neutrophil recovery on or before day 28, or an ANC that never fell below 0.5."""
    day = row.neutrophil_recovery_day
    return row.neutrophils_never_below or (day is not None and day <= ENGRAFTMENT_BY_DAY)


def _engraftment(rows: Sequence[TransplantRow], conf_level: float) -> ProportionEstimate | None:
    evaluable = [
        r
        for r in rows
        if r.engraftment_evaluable
        and (
            engrafted_by_day_28(r)
            or r.follow_up_days >= ENGRAFTMENT_BY_DAY
            or r.death_day is not None
        )
    ]
    engrafted = sum(engrafted_by_day_28(r) for r in evaluable)
    return estimate_proportion(engrafted, len(evaluable), conf_level) if evaluable else None


def _severe(
    rows: Sequence[TransplantRow], conf_level: float
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[str, int], ...], ProportionEstimate]:
    events = [e for r in rows for e in r.severe_events if e.grade >= SEVERE_CTCAE_GRADE]
    grades = Counter(e.grade for e in events)
    terms = Counter(e.term for e in events)
    with_any = sum(any(e.grade >= SEVERE_CTCAE_GRADE for e in r.severe_events) for r in rows)
    return (
        tuple((g, grades.get(g, 0)) for g in range(SEVERE_CTCAE_GRADE, 6)),
        tuple(sorted(terms.items(), key=lambda item: (-item[1], item[0]))),
        estimate_proportion(with_any, len(rows), conf_level),
    )


def programme_indicators(
    rows: Sequence[TransplantRow], conf_level: float = 0.95
) -> ProgrammeIndicators:
    """All registry indicators of a cohort of treated patients.

    Raises
    ------
    InvalidValueError
        With no patient (there is nothing to estimate).
    """
    if not rows:
        raise InvalidValueError("patients", "none", "at least one patient with a day 0")
    os_curve = kaplan_meier(
        [r.follow_up_days if r.death_day is None else r.death_day for r in rows],
        [r.death_day is not None for r in rows],
        conf_level=conf_level,
    )
    pfs_curve = kaplan_meier(*_pfs(rows), conf_level=conf_level)
    nrm_times, nrm_status = _nrm_relapse(rows)
    nrm, relapse = _competing(nrm_times, nrm_status, (NRM, RELAPSE))
    sad_times, sad_status = _sad_death(rows)
    sad, _ = _competing(sad_times, sad_status, (SAD, DEATH))
    by_grade, by_term, with_severe = _severe(rows, conf_level)
    return ProgrammeIndicators(
        n=len(rows),
        overall_survival=os_curve,
        progression_free=pfs_curve,
        non_relapse_mortality=nrm,
        relapse=relapse,
        secondary_autoimmune=sad,
        trm=read_incidence(nrm, TRM_DAYS, nrm_times),
        os_at=read_survival(os_curve, SURVIVAL_DAYS),
        pfs_at=read_survival(pfs_curve, SURVIVAL_DAYS),
        relapse_at=read_incidence(relapse, SURVIVAL_DAYS, nrm_times),
        secondary_autoimmune_at=read_incidence(sad, SURVIVAL_DAYS, sad_times),
        engraftment=_engraftment(rows, conf_level),
        infections=infections_by_period(rows, conf_level),
        severe_by_grade=by_grade,
        severe_by_term=by_term,
        patients_with_severe_event=with_severe,
    )
