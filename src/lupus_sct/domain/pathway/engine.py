"""The pathway engine: phases per course kind, allowed transitions, dates and expected lengths.

References
----------
docs/spec/pathway.md §4, §4.4, §4.6, §4.7, §5, §8 and §9: §4 autologous HSCT (mobilisation,
apheresis, conditioning, infusion on day 0, aplasia, engraftment, discharge); §4.4 day numbering;
§4.6 primary graft failure at day +30 (CIBMTR; Kharfan-Dabaja MA et al. Transplant Cell Ther
2021;27:642-9, doi:10.1016/j.jtct.2021.04.007); §4.7 discharge around day +12; §5 allogeneic (no
mobilisation or collection from the patient); §8 MSC (no conditioning, one or more infusions);
§9 CAR-T (apheresis, manufacturing, lymphodepletion, infusion, CRS/ICANS monitoring).

Notes
-----
- Each kind's regular phases form one line; a course moves one step at a time. An MSC course may
  go from follow-up back to infusion for a repeat infusion (docs/spec/pathway.md §8: Wang 2014 gave
  days 0 and 7; Chinese RCTs up to 5 infusions). Day 0 stays the first infusion.
- Any phase that is not final may end early in ``withdrawn`` or ``died``; ``not_eligible`` is
  reachable only from referral and evaluation. The three early ends are final.
- Dates: a phase cannot be entered before the last phase change, nor before the course started;
  phases from infusion on cannot be dated before day 0, and the first infusion phase falls on
  day 0 when day 0 is already known from a recorded infusion event. Same-day changes are allowed
  (infusion and the start of aplasia share day 0).
- Expected maximum lengths are named constants with their source; a protocol overrides them
  through :class:`PathwaySettings`. A course is over its expected length when the days spent in
  the phase exceed the maximum (the maximum itself is still within expectation).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from lupus_sct.domain.errors import PathwayOrderError
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.pathway.follow_up_schedule import (
    DEFAULT_SCHEDULE,
    UPCOMING_WITHIN_DAYS,
    ScheduledVisit,
)
from lupus_sct.domain.pathway.milestones import CD34_MIN_X10E6_PER_KG, TRM_WINDOW_DAYS
from lupus_sct.domain.pathway.phases import CoursePhase, PhaseChange

P = CoursePhase

_PRE_TREATMENT = (P.REFERRAL, P.EVALUATION, P.ELIGIBLE, P.CONSENTED)
PHASE_SEQUENCES: dict[CourseKind, tuple[CoursePhase, ...]] = {
    CourseKind.AUTOLOGOUS_HSCT: (
        *_PRE_TREATMENT,
        P.MOBILISATION,
        P.COLLECTION,
        P.CONDITIONING,
        P.INFUSION,
        P.APLASIA,
        P.ENGRAFTED,
        P.DISCHARGED,
        P.FOLLOW_UP,
    ),  # docs/spec/pathway.md §4
    CourseKind.ALLOGENEIC_HSCT: (
        *_PRE_TREATMENT,
        P.CONDITIONING,
        P.INFUSION,
        P.APLASIA,
        P.ENGRAFTED,
        P.DISCHARGED,
        P.FOLLOW_UP,
    ),  # docs/spec/pathway.md §5: the graft comes from a donor
    CourseKind.MSC: (*_PRE_TREATMENT, P.INFUSION, P.FOLLOW_UP),  # docs/spec/pathway.md §8
    CourseKind.CAR_T: (
        *_PRE_TREATMENT,
        P.APHERESIS,
        P.MANUFACTURING,
        P.LYMPHODEPLETION,
        P.INFUSION,
        P.CRS_ICANS_MONITORING,
        P.DISCHARGED,
        P.FOLLOW_UP,
    ),  # docs/spec/pathway.md §9
}
EARLY_ENDS = frozenset({P.NOT_ELIGIBLE, P.WITHDRAWN, P.DIED})
FINAL_PHASES = EARLY_ENDS
NOT_ELIGIBLE_FROM = frozenset({P.REFERRAL, P.EVALUATION})  # an eligibility verdict ends these
REPEATS: dict[CourseKind, frozenset[tuple[CoursePhase, CoursePhase]]] = {
    kind: frozenset({(P.FOLLOW_UP, P.INFUSION)}) if kind is CourseKind.MSC else frozenset()
    for kind in CourseKind
}  # docs/spec/pathway.md §8: one or more MSC infusions
_FROM_DAY0 = frozenset(
    {P.INFUSION, P.APLASIA, P.ENGRAFTED, P.CRS_ICANS_MONITORING, P.DISCHARGED, P.FOLLOW_UP}
)  # docs/spec/pathway.md §4.4: these phases are on day 0 or later

# Expected maximum days in a phase (exceeding it raises a worklist alert).
REFERRAL_MAX_DAYS = 30  # (general practice) referral triaged within a month
EVALUATION_MAX_DAYS = 60  # (general practice) candidate work-up of docs/spec/pathway.md §2
ELIGIBLE_MAX_DAYS = 30  # (general practice) consent discussion after the MDT verdict
CONSENTED_MAX_DAYS = 60  # (general practice) consent to start of mobilisation or apheresis
MOBILISATION_MAX_DAYS = 14  # docs/spec/pathway.md §4.1: apheresis ~10 days after Cy (gen. practice)
COLLECTION_MAX_DAYS = 7  # docs/spec/pathway.md §4.1: daily apheresis to the target (gen. practice)
CONDITIONING_MAX_DAYS = 7  # docs/spec/pathway.md §4.3: Cy x4 days, ATG x5 (Chinese series), day <0
APHERESIS_MAX_DAYS = 3  # docs/spec/pathway.md §9.1: one non-mobilised leukapheresis (gen. practice)
MANUFACTURING_MAX_DAYS = 28  # docs/spec/pathway.md §9.2: manufacture takes weeks (general practice)
LYMPHODEPLETION_MAX_DAYS = 7  # docs/spec/pathway.md §9.3: Flu/Cy days -5 to -3, +48 h if febrile
INFUSION_MAX_DAYS = 2  # docs/spec/pathway.md §4.4: infusion is day 0; next phase on day 0 or +1
APLASIA_MAX_DAYS = (
    30  # docs/spec/pathway.md §4.6: primary graft failure if ANC not reached by day +30 (CIBMTR)
)
ENGRAFTED_MAX_DAYS = 7  # docs/spec/pathway.md §4.7: discharge at engraftment, 27% delayed ~3 days
CRS_ICANS_MONITORING_MAX_DAYS = 28  # docs/spec/pathway.md §9.5: CRS onset days 5-11; 4 weeks nearby
DISCHARGED_MAX_DAYS = 30  # (general practice) first follow-up at day +30, docs/spec/pathway.md §6

DEFAULT_MAX_PHASE_DAYS: Mapping[CoursePhase, int] = MappingProxyType(
    {
        P.REFERRAL: REFERRAL_MAX_DAYS,
        P.EVALUATION: EVALUATION_MAX_DAYS,
        P.ELIGIBLE: ELIGIBLE_MAX_DAYS,
        P.CONSENTED: CONSENTED_MAX_DAYS,
        P.MOBILISATION: MOBILISATION_MAX_DAYS,
        P.COLLECTION: COLLECTION_MAX_DAYS,
        P.CONDITIONING: CONDITIONING_MAX_DAYS,
        P.APHERESIS: APHERESIS_MAX_DAYS,
        P.MANUFACTURING: MANUFACTURING_MAX_DAYS,
        P.LYMPHODEPLETION: LYMPHODEPLETION_MAX_DAYS,
        P.INFUSION: INFUSION_MAX_DAYS,
        P.APLASIA: APLASIA_MAX_DAYS,
        P.ENGRAFTED: ENGRAFTED_MAX_DAYS,
        P.CRS_ICANS_MONITORING: CRS_ICANS_MONITORING_MAX_DAYS,
        P.DISCHARGED: DISCHARGED_MAX_DAYS,
    }
)  # follow-up and the final phases have no expected maximum
MAX_PHASE_DAYS_SOURCES: Mapping[CoursePhase, str] = MappingProxyType(
    {
        P.REFERRAL: "(general practice)",
        P.EVALUATION: "(general practice)",
        P.ELIGIBLE: "(general practice)",
        P.CONSENTED: "(general practice)",
        P.MOBILISATION: (
            "apheresis about 10 days after Cy, docs/spec/pathway.md §4.1 (general practice)"
        ),
        P.COLLECTION: (
            "daily apheresis until the target, docs/spec/pathway.md §4.1 (general practice)"
        ),
        P.CONDITIONING: "Cy over 4 days or ATG over 5 before day 0, docs/spec/pathway.md §4.3",
        P.APHERESIS: "one leukapheresis, docs/spec/pathway.md §9 (general practice)",
        P.MANUFACTURING: "manufacture takes weeks, docs/spec/pathway.md §9 (general practice)",
        P.LYMPHODEPLETION: "Flu/Cy days -5 to -3, docs/spec/pathway.md §9",
        P.INFUSION: "day 0, docs/spec/pathway.md §4.4 (general practice)",
        P.APLASIA: "primary graft failure by day +30, CIBMTR / Kharfan-Dabaja 2021",
        P.ENGRAFTED: "discharge at engraftment, docs/spec/pathway.md §4.7",
        P.CRS_ICANS_MONITORING: "CRS onset days 5-11, docs/spec/pathway.md §9.5 (general practice)",
        P.DISCHARGED: "first follow-up at day +30, docs/spec/pathway.md §6 (general practice)",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class PathwaySettings:
    """Per-protocol pathway settings; the defaults apply when a protocol says nothing.

    ``max_phase_days`` maps a phase to its expected maximum length in days (inclusive); a phase
    absent from it has no maximum. ``cd34_min_x10e6_per_kg`` is the minimum adequate CD34+ dose,
    ``trm_window_days`` the treatment-related mortality window after day 0 (inclusive), and
    ``upcoming_within_days`` how far ahead a visit counts as upcoming.
    """

    schedule: tuple[ScheduledVisit, ...] = DEFAULT_SCHEDULE
    max_phase_days: Mapping[CoursePhase, int] = dataclasses.field(
        default_factory=lambda: DEFAULT_MAX_PHASE_DAYS
    )
    cd34_min_x10e6_per_kg: float = CD34_MIN_X10E6_PER_KG
    trm_window_days: int = TRM_WINDOW_DAYS
    upcoming_within_days: int = UPCOMING_WITHIN_DAYS


def phases_of(kind: CourseKind) -> frozenset[CoursePhase]:
    """Every phase a course of this kind can be in, the early ends included."""
    return frozenset(PHASE_SEQUENCES[kind]) | EARLY_ENDS


def allowed_next_phases(kind: CourseKind, current: CoursePhase) -> frozenset[CoursePhase]:
    """The phases a course of ``kind`` in ``current`` may enter next (empty when final)."""
    sequence = PHASE_SEQUENCES[kind]
    if current in FINAL_PHASES or current not in sequence:
        return frozenset()
    index = sequence.index(current)
    regular = {sequence[index + 1]} if index + 1 < len(sequence) else set()
    repeat = {new for old, new in REPEATS[kind] if old is current}
    ends = {P.WITHDRAWN, P.DIED} | ({P.NOT_ELIGIBLE} if current in NOT_ELIGIBLE_FROM else set())
    return frozenset(regular | repeat | ends)


def _label(phase: CoursePhase) -> str:
    return phase.value.replace("_", " ")


def _kind_label(kind: CourseKind) -> str:
    return {
        CourseKind.AUTOLOGOUS_HSCT: "an autologous HSCT",
        CourseKind.ALLOGENEIC_HSCT: "an allogeneic HSCT",
        CourseKind.MSC: "an MSC",
        CourseKind.CAR_T: "a CAR-T",
    }[kind]


def _last_change(history: Iterable[PhaseChange]) -> PhaseChange | None:
    return max(history, key=lambda c: c.entered_on, default=None)


def _check_allowed(kind: CourseKind, current: CoursePhase, new: CoursePhase, on: date) -> None:
    if new not in phases_of(kind):
        raise PathwayOrderError(f"{_label(new)} is not a phase of {_kind_label(kind)} course")
    allowed = allowed_next_phases(kind, current)
    if new in allowed:
        return
    if not allowed:
        raise PathwayOrderError(
            f"the course has ended ({_label(current)}); it cannot enter {_label(new)} "
            f"on {on.isoformat()}"
        )
    order = (*PHASE_SEQUENCES[kind], P.NOT_ELIGIBLE, P.WITHDRAWN, P.DIED)
    names = ", ".join(_label(p) for p in order if p in allowed)
    raise PathwayOrderError(
        f"{_label(new)} on {on.isoformat()} cannot follow {_label(current)}: "
        f"{_kind_label(kind)} course in {_label(current)} can only go to {names}"
    )


def _check_dates(
    new: CoursePhase,
    on: date,
    last: PhaseChange | None,
    started_on: date | None,
    day0: date | None,
    first_infusion: bool,
) -> None:
    if last is not None and on < last.entered_on:
        raise PathwayOrderError(
            f"{_label(new)} on {on.isoformat()} cannot be dated before {_label(last.phase)} "
            f"on {last.entered_on.isoformat()}"
        )
    if started_on is not None and on < started_on:
        raise PathwayOrderError(
            f"{_label(new)} on {on.isoformat()} is before the course started "
            f"({started_on.isoformat()})"
        )
    if day0 is None or new not in _FROM_DAY0:
        return
    if on < day0:
        raise PathwayOrderError(
            f"{_label(new)} on {on.isoformat()} cannot be dated before day 0 "
            f"(infusion on {day0.isoformat()})"
        )
    if new is P.INFUSION and first_infusion and on != day0:
        raise PathwayOrderError(
            f"infusion on {on.isoformat()} does not match day 0 of this course "
            f"(infusion recorded on {day0.isoformat()})"
        )


def check_transition(
    kind: CourseKind,
    current_phase: CoursePhase,
    history: Iterable[PhaseChange],
    new_phase: CoursePhase,
    on: date,
    *,
    started_on: date | None = None,
    day0: date | None = None,
) -> None:
    """Refuse a phase change the pathway does not allow or that is dated out of order.

    Parameters
    ----------
    kind, current_phase
        The course kind and the phase the course is in now.
    history
        The course's phase changes so far (any order).
    new_phase, on
        The phase to enter and the date it is entered.
    started_on, day0
        The course start date and its day 0 when known; ``None`` skips those checks.

    Raises
    ------
    PathwayOrderError
        With a sentence naming both phases and their dates, e.g. "infusion on 2026-02-01 cannot
        be dated before conditioning on 2026-02-03".
    """
    changes = list(history)
    _check_allowed(kind, current_phase, new_phase, on)
    first_infusion = not any(c.phase is P.INFUSION for c in changes)
    _check_dates(new_phase, on, _last_change(changes), started_on, day0, first_infusion)


def phase_entered_on(
    current_phase: CoursePhase, history: Iterable[PhaseChange], started_on: date
) -> date:
    """The date the course entered its current phase (the latest change into it).

    A course still in referral with no recorded change entered it on its start date.
    """
    dates = [c.entered_on for c in history if c.phase is current_phase]
    return max(dates) if dates else started_on


def days_over_expected_length(
    phase: CoursePhase, entered_on: date, as_of: date, settings: PathwaySettings
) -> int | None:
    """Days beyond the phase's expected maximum on ``as_of``, or ``None`` when not over it.

    A phase with no maximum (follow-up, final phases, or one the protocol leaves out) is never
    over. Being in the phase for exactly the maximum number of days is within expectation.
    """
    maximum = settings.max_phase_days.get(phase)
    if maximum is None:
        return None
    over = (as_of - entered_on).days - maximum
    return over if over > 0 else None
