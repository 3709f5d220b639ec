"""Milestones derived from a course's records: engraftment, CD34+ dose, neutropenia, early death.

References
----------
- Engraftment: CIBMTR Forms Instruction Manual (neutrophil and platelet recovery) and
  Kharfan-Dabaja MA et al. Transplant Cell Ther 2021;27:642-9, doi:10.1016/j.jtct.2021.04.007,
  as implemented in :mod:`lupus_sct.domain.instruments.transplant.cibmtr_engraftment`
  (docs/spec/instruments.md §8.2).
- CD34+ dose: EBMT minimum >= 2 x10^6 CD34+ cells/kg (docs/spec/pathway.md §4.1).
- Severe neutropenia: ANC < 0.5 x10^9/L (< 500/mm3): Freifeld AG et al. Clinical practice
  guideline for the use of antimicrobial agents in neutropenic patients with cancer: 2010 update
  by the IDSA. Clin Infect Dis 2011;52:e56-93, doi:10.1093/cid/cir073; the same bound is CTCAE
  v5.0 grade 4 "Neutrophil count decreased".
- Treatment-related mortality window: day +100 (docs/spec/pathway.md §6 and §7: registry TRM/NRM at
  day 100, EBMT MED-A, CIBMTR 100-day form).

Notes
-----
- Day numbers are relative to day 0 (docs/spec/pathway.md §4.4). Without day 0 (not infused yet)
  nothing after day 0 is derived.
- Lab series: ANC is LOINC 751-8 and platelets 777-3, converted to x10^9/L with
  :func:`~lupus_sct.domain.records.labs.canonical_value`. The CIBMTR algorithm takes one value per
  day;
  when a day has several draws we keep the lowest, so recovery is never declared on a draw that
  another draw of the same day contradicts (our choice; CIBMTR does not say). Converted counts
  are rounded to 9 decimals so that 500 /uL is exactly 0.5 x10^9/L at the threshold.
- Platelet transfusions are those of the patient given for this course or for no course.
- Days of severe neutropenia: from the first day on or after day 0 with ANC < 0.5 x10^9/L to the
  day before the CIBMTR neutrophil recovery day, both inclusive (= recovery day - first day).
  0 when the ANC never fell below 0.5 after day 0; ``None`` while not recovered (ongoing) or
  without values. Note that a transient rise above 0.5 that does not start a recovery run is
  counted as neutropenic.
- Death within the TRM window: a death on day 0 to day +window (inclusive). A death before
  day 0 is outside the window (it is reported by its day). While the patient is alive and the
  window is still open on ``as_of`` the answer is ``None`` (not yet known); alive after the window
  closed is ``False``. The cause is not judged: registries report day-100 mortality as TRM.
- CD34+ dose: the infused dose is the sum over the course's infusion events; it is unknown
  (``None``) when any infusion's CD34+ dose was not recorded. The collected yield is the sum over
  apheresis days, likewise. Adequate means >= the minimum (inclusive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.transplant.cibmtr_engraftment import (
    PLATELET_50_THRESHOLD_X10E9_PER_L,
    CountValue,
    RecoveryResult,
    neutrophil_recovery,
    platelet_recovery,
)
from lupus_sct.domain.missing import is_recorded
from lupus_sct.domain.pathway.course import (
    Apheresis,
    CourseEvent,
    CourseKind,
    EventKind,
    Infusion,
    TherapyCourse,
)
from lupus_sct.domain.records.labs import LabResult, canonical_value
from lupus_sct.domain.records.transfusions import BloodProduct, Transfusion

ANC_LOINC = "751-8"  # Neutrophils [#/volume] in Blood (LOINC)
PLATELET_LOINC = "777-3"  # Platelets [#/volume] in Blood (LOINC)
CD34_MIN_X10E6_PER_KG = 2.0  # EBMT minimum CD34+ yield, docs/spec/pathway.md §4.1 [M]
TRM_WINDOW_DAYS = 100  # registry TRM at day +100 (EBMT MED-A, CIBMTR), docs/spec/pathway.md §6, §7
SEVERE_NEUTROPENIA_BELOW_X10E9_PER_L = 0.5  # Freifeld 2011 (IDSA): ANC < 500/mm3; CTCAE grade 4
COUNT_DECIMALS = 9  # strips float noise of unit conversion (700 /uL -> 0.7), cf. decision D11
HSCT_KINDS = frozenset({CourseKind.AUTOLOGOUS_HSCT, CourseKind.ALLOGENEIC_HSCT})
NO_APLASIA_KINDS = frozenset({CourseKind.MSC})  # docs/spec/pathway.md §8: nothing to engraft


@dataclasses.dataclass(frozen=True, slots=True)
class Cd34Dose:
    """CD34+ cells collected and infused (x10^6/kg) against the minimum; ``None`` is unknown."""

    minimum_x10e6_per_kg: float
    collected_x10e6_per_kg: float | None
    collection_adequate: bool | None
    infused_x10e6_per_kg: float | None
    infused_adequate: bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class SevereNeutropenia:
    """Days with ANC < 0.5 x10^9/L after day 0; ``days`` is ``None`` while ongoing."""

    first_day: int | None
    recovery_day: int | None
    days: int | None


@dataclasses.dataclass(frozen=True, slots=True)
class EarlyDeath:
    """Death relative to day 0 and whether it fell in the TRM window (``None``: not yet known)."""

    window_days: int
    death_day: int | None
    within_window: bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class CourseMilestones:
    """Everything derived for one course as of a date; ``None`` means not derivable (yet)."""

    course_id: str
    as_of: date
    day0: date | None
    neutrophil: RecoveryResult | None
    platelet_20: RecoveryResult | None
    platelet_50: RecoveryResult | None
    severe_neutropenia: SevereNeutropenia | None
    cd34: Cd34Dose | None
    early_death: EarlyDeath


def daily_series(
    labs: Iterable[LabResult], loinc_code: str, *, day0: date, as_of: date
) -> list[CountValue]:
    """One value per day (the lowest of the day) from day 0 to ``as_of``, in x10^9/L."""
    lowest: dict[int, float] = {}
    for lab in labs:
        on = lab.collected_at.date()
        if lab.loinc_code != loinc_code or not day0 <= on <= as_of:
            continue
        day = (on - day0).days
        value = round(canonical_value(lab), COUNT_DECIMALS)
        lowest[day] = min(value, lowest.get(day, value))
    return [CountValue(day, value) for day, value in sorted(lowest.items())]


def platelet_transfusion_days(
    transfusions: Iterable[Transfusion], *, course_id: str, day0: date, as_of: date
) -> list[int]:
    """Days (relative to day 0, negative allowed) of platelet transfusions up to ``as_of``."""
    return sorted(
        (t.given_on - day0).days
        for t in transfusions
        if t.product is BloodProduct.PLATELETS
        and t.course_id in (None, course_id)
        and t.given_on <= as_of
    )


def severe_neutropenia(
    anc: list[CountValue], recovery: RecoveryResult | None
) -> SevereNeutropenia | None:
    """Days of severe neutropenia (ANC < 0.5 x10^9/L) up to the CIBMTR neutrophil recovery.

    Parameters
    ----------
    anc
        ANC values on day 0 or later, one per day, in x10^9/L.
    recovery
        The CIBMTR neutrophil recovery of the same series (threshold 0.5).

    Returns
    -------
    SevereNeutropenia or None
        ``days`` = recovery day - first day with ANC < 0.5 (days first..recovery-1 inclusive);
        0 when never below; ``None`` days while not recovered. ``None`` without values.

    References
    ----------
    Freifeld AG et al. Clin Infect Dis 2011;52:e56-93, doi:10.1093/cid/cir073 (neutropenia
    ANC < 500 cells/mm3); CIBMTR Forms Instruction Manual, neutrophil recovery.
    """
    if not anc or recovery is None:
        return None
    below = [v.day for v in anc if v.value_x10e9_per_l < SEVERE_NEUTROPENIA_BELOW_X10E9_PER_L]
    if not below:
        return SevereNeutropenia(None, None, 0)
    first = below[0]
    day = recovery.engraftment_day
    return SevereNeutropenia(first, day, None if day is None else day - first)


def cd34_dose(
    events: Iterable[CourseEvent], *, minimum_x10e6_per_kg: float = CD34_MIN_X10E6_PER_KG
) -> Cd34Dose:
    """CD34+ cells collected (apheresis days) and infused, each judged against the minimum.

    Raises :class:`InvalidValueError` for a minimum that is not above 0.
    """
    if not minimum_x10e6_per_kg > 0:
        raise InvalidValueError("cd34_min_x10e6_per_kg", minimum_x10e6_per_kg, "a number above 0")
    collected = _total(
        e.details.cd34_x10e6_per_kg
        for e in events
        if e.kind is EventKind.APHERESIS and isinstance(e.details, Apheresis)
    )
    infused = _total(
        e.details.cd34_x10e6_per_kg
        for e in events
        if e.kind is EventKind.INFUSION and isinstance(e.details, Infusion)
    )
    return Cd34Dose(
        minimum_x10e6_per_kg,
        collected,
        None if collected is None else collected >= minimum_x10e6_per_kg,
        infused,
        None if infused is None else infused >= minimum_x10e6_per_kg,
    )


def _total(values: Iterable[object]) -> float | None:
    items = list(values)
    if not items or not all(is_recorded(v) for v in items):
        return None
    return float(sum(v for v in items if isinstance(v, int | float)))


def early_death(
    day0: date | None, death_on: date | None, *, as_of: date, window_days: int = TRM_WINDOW_DAYS
) -> EarlyDeath:
    """Whether death came on day 0 to day +``window_days`` (inclusive); ``None`` if not yet known.

    Raises :class:`InvalidValueError` for a window below 1 day.
    """
    if window_days < 1:
        raise InvalidValueError("trm_window_days", window_days, "a whole number of days >= 1")
    if day0 is None:
        return EarlyDeath(window_days, None, None)
    if death_on is not None and death_on <= as_of:
        day = (death_on - day0).days
        return EarlyDeath(window_days, day, 0 <= day <= window_days)
    window_closed = (as_of - day0).days > window_days
    return EarlyDeath(window_days, None, False if window_closed else None)


def _recoveries(
    course: TherapyCourse,
    day0: date,
    labs: list[LabResult],
    transfusions: Iterable[Transfusion],
    as_of: date,
) -> tuple[list[CountValue], RecoveryResult | None, RecoveryResult | None, RecoveryResult | None]:
    anc = daily_series(labs, ANC_LOINC, day0=day0, as_of=as_of)
    platelets = daily_series(labs, PLATELET_LOINC, day0=day0, as_of=as_of)
    given = platelet_transfusion_days(transfusions, course_id=course.id, day0=day0, as_of=as_of)
    neutrophil = neutrophil_recovery(anc) if anc else None
    platelet_20 = platelet_recovery(platelets, given) if platelets else None
    platelet_50 = (
        platelet_recovery(platelets, given, PLATELET_50_THRESHOLD_X10E9_PER_L)
        if platelets
        else None
    )
    return anc, neutrophil, platelet_20, platelet_50


def derive_course_milestones(
    course: TherapyCourse,
    *,
    events: Iterable[CourseEvent],
    labs: Iterable[LabResult],
    transfusions: Iterable[Transfusion],
    death_on: date | None,
    as_of: date,
    cd34_min_x10e6_per_kg: float = CD34_MIN_X10E6_PER_KG,
    trm_window_days: int = TRM_WINDOW_DAYS,
) -> CourseMilestones:
    """Derive a course's milestones from its records as of ``as_of``.

    Engraftment and neutropenia need day 0 and apply to HSCT and CAR-T courses (an MSC course
    has no aplasia, docs/spec/pathway.md §8); the CD34+ dose applies to HSCT courses only. Records
    dated after ``as_of`` are ignored.
    """
    day0 = course.day0 if course.day0 is not None and course.day0 <= as_of else None
    neutrophil = platelet_20 = platelet_50 = None
    neutropenia = None
    if day0 is not None and course.kind not in NO_APLASIA_KINDS:
        anc, neutrophil, platelet_20, platelet_50 = _recoveries(
            course, day0, list(labs), transfusions, as_of
        )
        neutropenia = severe_neutropenia(anc, neutrophil)
    dated_events = [e for e in events if e.event_date <= as_of]
    return CourseMilestones(
        course_id=course.id,
        as_of=as_of,
        day0=day0,
        neutrophil=neutrophil,
        platelet_20=platelet_20,
        platelet_50=platelet_50,
        severe_neutropenia=neutropenia,
        cd34=cd34_dose(dated_events, minimum_x10e6_per_kg=cd34_min_x10e6_per_kg)
        if course.kind in HSCT_KINDS
        else None,
        early_death=early_death(day0, death_on, as_of=as_of, window_days=trm_window_days),
    )
