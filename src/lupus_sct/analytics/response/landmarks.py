"""Response rates at landmark times after day 0: remission, LLDAS, SRI-4, renal response, flare.

Each patient's state at a landmark is the state at the last visit inside a window around it; the
rate is the share of evaluable patients meeting the endpoint, with exact and Wilson intervals.

References
----------
DORIS remission: van Vollenhoven RF et al. Ann Rheum Dis 2021;80:14-19.
doi:10.1136/annrheumdis-2020-218346. LLDAS: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21.
doi:10.1136/annrheumdis-2015-207726. SRI-4: Furie RA et al. Arthritis Rheum 2009;61:1143-51.
doi:10.1002/art.24698. Renal response: KDIGO 2024 (Kidney Int 2024;105(1S):S1-S69,
doi:10.1016/j.kint.2023.09.002) or EULAR/ERA-EDTA 2019 (Fanouriakis A et al. Ann Rheum Dis
2020;79:713-23, doi:10.1136/annrheumdis-2020-216924). Protocol remission: Jayne D et al. Lupus
2004;13:168-76 (PMID 15119545, "SLEDAI < 3"); Traynor AE et al. Arthritis Rheum
2002;46:2917-23, doi:10.1002/art.10594 ("SLEDAI declined to <= 5"). Flare: SELENA Flare Index
(Petri M et al. Lupus 1999;8:685-91) as derived in :mod:`lupus_sct.domain.pathway.disease_course`.
Landmark analysis: Anderson JR, Cain KC, Gelber RD. J Clin Oncol 1983;1:710-9.
doi:10.1200/JCO.1983.1.11.710

Notes
-----
Our interpretations, each a named constant or parameter:

- A landmark of ``m`` months is day ``round(m * 30.4375)`` (365.25 / 12 days a month); its window
  is that day ``+/- window_days`` (inclusive, default 45: half the gap between the 3- and 6-month
  landmarks, so adjacent landmarks never share a visit).
- Baseline is the last visit on day -``BASELINE_LOOKBACK_DAYS`` to day 0 (inclusive); baseline
  laboratory values likewise.
- Every patient falls in one of: met, not met, missing (window closed without an evaluable
  visit or input), not applicable (SRI-4 with baseline SLEDAI-2K below 4, which cannot fall by 4;
  renal response with baseline UPCR below 0.5 g/g, which is already a complete response), died
  before the window opened, or not yet due (window still open on ``as_of``). Only met and not met
  enter the denominator; the other counts are returned, never read as non-response.
- SRI-4 uses SLEDAI-2K where Furie 2009 used SELENA-SLEDAI (the same items and weights except
  for the proteinuria and rash definitions); treatment failure is not recorded, so it is taken as
  false; BILAG grades that break convention C8 make the landmark missing.
- Renal response counts complete or partial response; the complete-only rate is separate.
- Flare by a landmark: any SELENA flare (mild/moderate or severe) at a visit after day 0 up to the
  landmark visit; not met needs every such visit's flare to be determinable.
- Steroid-free: a prednisone-equivalent dose of 0 mg/day on the day of the landmark visit.
- Protocol remissions are named definitions: Jayne 2004 ``SLEDAI-2K <= 2`` (i.e. ``< 3``) and
  Traynor 2002 ``SLEDAI-2K <= 5`` (its abstract; docs/spec/pathway.md §7 writes "< 5"). Both
  papers used SLEDAI, not SLEDAI-2K.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from lupus_sct.analytics.response.proportion_ci import ProportionEstimate, estimate_proportion
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.ln_renal_response import (
    KDIGO_COMPLETE_UPCR_G_PER_G,
    LnDefinition,
    LnRenalMeasurements,
    LnResponse,
    assess_ln_renal_response,
)
from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.instruments.lupus.sri_4 import (
    SRI_4_MIN_SLEDAI_REDUCTION,
    Sri4Assessment,
    assess_sri_4,
)
from lupus_sct.domain.pathway.disease_course import DiseaseCourse, VisitState

DAYS_PER_MONTH = 365.25 / 12  # mean Gregorian month
DEFAULT_LANDMARK_MONTHS = (3, 6, 12, 24, 36, 60)  # issue 6; docs/spec/pathway.md §6 timepoints
DEFAULT_WINDOW_DAYS = 45  # our choice: half the 3-to-6-month gap, windows never overlap
BASELINE_LOOKBACK_DAYS = 90  # our choice: the pre-treatment work-up of docs/spec/pathway.md §2
RENAL_BASELINE_MIN_UPCR_G_PER_G = KDIGO_COMPLETE_UPCR_G_PER_G  # below it: already "complete"
MAX_RENAL_MONTHS = 120.0  # ln_renal_response.MONTHS_RANGE upper bound

BilagGrades = Mapping[BilagDomain, BilagGrade]


@dataclass(frozen=True)
class ProtocolRemission:
    """A SLEDAI-2K remission definition as a study protocol wrote it (bound inclusive)."""

    name: str
    sledai_2k_at_most: int
    source: str


JAYNE_2004 = ProtocolRemission("Jayne 2004", 2, "Jayne D et al. Lupus 2004;13:168-76: SLEDAI < 3")
TRAYNOR_2002 = ProtocolRemission(
    "Traynor 2002", 5, "Traynor AE et al. Arthritis Rheum 2002;46:2917-23: SLEDAI <= 5"
)


class Endpoint(enum.Enum):
    """What is counted at a landmark."""

    DORIS_REMISSION = "DORIS remission"
    LLDAS = "LLDAS"
    PROTOCOL_REMISSION = "protocol remission"
    SRI_4 = "SRI-4"
    RENAL_RESPONSE = "renal response (complete or partial)"
    COMPLETE_RENAL_RESPONSE = "complete renal response"
    FLARE = "any flare since day 0"
    SEVERE_FLARE = "severe flare since day 0"
    STEROID_FREE = "steroid-free"


class Verdict(enum.Enum):
    """One patient at one landmark."""

    MET = "met"
    NOT_MET = "not met"
    MISSING = "missing"
    NOT_APPLICABLE = "not applicable"
    DIED = "died before the window"
    NOT_DUE = "not yet due"


@dataclass(frozen=True)
class DayValue:
    """A measurement on a day relative to day 0."""

    day: int
    value: float


@dataclass(frozen=True)
class PatientResponseCourse:
    """What the response analysis needs of one patient, aligned at day 0.

    ``bilag`` maps visit dates to the BILAG-2004 grades entered; ``upcr_g_per_g`` and
    ``egfr_ml_min_173m2`` are laboratory series; ``death_day`` is the day of death, if any.
    """

    patient_id: str
    course: DiseaseCourse
    bilag: Mapping[date, BilagGrades]
    upcr_g_per_g: tuple[DayValue, ...] = ()
    egfr_ml_min_173m2: tuple[DayValue, ...] = ()
    death_day: int | None = None

    def __post_init__(self) -> None:
        if self.course.day0 is None:
            raise InvalidValueError("course.day0", None, "a course with a day 0 (cells infused)")

    @property
    def follow_up_days(self) -> int:
        """Days from day 0 to ``as_of``."""
        day0 = self.course.day0
        return 0 if day0 is None else (self.course.as_of - day0).days


@dataclass(frozen=True)
class LandmarkRate:
    """One endpoint at one landmark: the rate among evaluable patients and every other count."""

    endpoint: Endpoint
    month: int
    day: int
    counts: Mapping[Verdict, int]
    estimate: ProportionEstimate | None


@dataclass(frozen=True)
class LandmarkSettings:
    """How landmarks are read."""

    months: tuple[int, ...] = DEFAULT_LANDMARK_MONTHS
    window_days: int = DEFAULT_WINDOW_DAYS
    protocol_remission: ProtocolRemission = JAYNE_2004
    renal_definition: LnDefinition = LnDefinition.KDIGO_2024
    conf_level: float = 0.95

    def __post_init__(self) -> None:
        if not self.months or any(m < 1 for m in self.months):
            raise InvalidValueError("landmark_months", self.months, "whole months of 1 or more")
        if self.window_days < 0:
            raise InvalidValueError("window_days", self.window_days, "a whole number of days >= 0")


def landmark_day(month: int) -> int:
    """The day after day 0 of a landmark of ``month`` months."""
    return round(month * DAYS_PER_MONTH)


def landmark_visit(course: DiseaseCourse, day: int, window_days: int) -> VisitState | None:
    """The last visit on day ``day - window_days`` to ``day + window_days`` (inclusive)."""
    inside = [v for v in course.visits if v.day is not None and abs(v.day - day) <= window_days]
    return inside[-1] if inside else None


def baseline_visit(course: DiseaseCourse) -> VisitState | None:
    """The last visit on day -90 to day 0 (inclusive)."""
    before = [
        v for v in course.visits if v.day is not None and -BASELINE_LOOKBACK_DAYS <= v.day <= 0
    ]
    return before[-1] if before else None


def _flag(value: bool | None) -> Verdict:
    if value is None:
        return Verdict.MISSING
    return Verdict.MET if value else Verdict.NOT_MET


def _sri_4(patient: PatientResponseCourse, visit: VisitState) -> Verdict:
    base = baseline_visit(patient.course)
    if base is None or base.sledai_2k is None:
        return Verdict.MISSING
    if base.sledai_2k < SRI_4_MIN_SLEDAI_REDUCTION:
        return Verdict.NOT_APPLICABLE
    before, after = patient.bilag.get(base.visit_date), patient.bilag.get(visit.visit_date)
    if visit.sledai_2k is None or base.pga is None or visit.pga is None:
        return Verdict.MISSING
    if before is None or after is None:
        return Verdict.MISSING
    try:
        assessment = Sri4Assessment(
            sledai_baseline=base.sledai_2k,
            sledai_followup=visit.sledai_2k,
            bilag_baseline=before,
            bilag_followup=after,
            pga_baseline=base.pga,
            pga_followup=visit.pga,
        )
    except InvalidValueError:
        return Verdict.MISSING
    return _flag(assess_sri_4(assessment).responder)


def _last(series: Sequence[DayValue], low: int, high: int) -> float | None:
    inside = [p for p in series if low <= p.day <= high]
    return max(inside, key=lambda p: p.day).value if inside else None


def _renal(
    patient: PatientResponseCourse, day: int, window: int, settings: LandmarkSettings
) -> LnResponse | Verdict:
    upcr0 = _last(patient.upcr_g_per_g, -BASELINE_LOOKBACK_DAYS, 0)
    egfr0 = _last(patient.egfr_ml_min_173m2, -BASELINE_LOOKBACK_DAYS, 0)
    upcr1 = _last(patient.upcr_g_per_g, day - window, day + window)
    egfr1 = _last(patient.egfr_ml_min_173m2, day - window, day + window)
    if upcr0 is None or egfr0 is None or upcr1 is None or egfr1 is None:
        return Verdict.MISSING
    if upcr0 < RENAL_BASELINE_MIN_UPCR_G_PER_G:
        return Verdict.NOT_APPLICABLE
    months = min(day / DAYS_PER_MONTH, MAX_RENAL_MONTHS)
    try:
        measurements = LnRenalMeasurements(upcr0, upcr1, egfr0, egfr1, months)
    except InvalidValueError:
        return Verdict.MISSING
    return assess_ln_renal_response(settings.renal_definition, measurements).response


def _flare(course: DiseaseCourse, visit: VisitState, severe_only: bool) -> Verdict:
    since = [v for v in course.visits if v.day is not None and 0 < v.day <= (visit.day or 0)]
    wanted = (
        {SelenaFlare.SEVERE} if severe_only else {SelenaFlare.SEVERE, SelenaFlare.MILD_MODERATE}
    )
    if any(v.flare in wanted for v in since):
        return Verdict.MET
    if since and all(v.flare is not None for v in since):
        return Verdict.NOT_MET
    return Verdict.MISSING


def _renal_verdict(result: LnResponse | Verdict, complete_only: bool) -> Verdict:
    if isinstance(result, Verdict):
        return result
    met = {LnResponse.COMPLETE} if complete_only else {LnResponse.COMPLETE, LnResponse.PARTIAL}
    return Verdict.MET if result in met else Verdict.NOT_MET


def _steroid_free(visit: VisitState) -> Verdict:
    dose = visit.prednisone_mg_per_day
    return Verdict.MISSING if dose is None else _flag(dose == 0)


def _protocol(visit: VisitState, definition: ProtocolRemission) -> Verdict:
    score = visit.sledai_2k
    return Verdict.MISSING if score is None else _flag(score <= definition.sledai_2k_at_most)


Judge = Callable[[PatientResponseCourse, VisitState, int, LandmarkSettings], Verdict]
JUDGES: dict[Endpoint, Judge] = {
    Endpoint.DORIS_REMISSION: lambda p, v, d, s: _flag(v.doris_remission),
    Endpoint.LLDAS: lambda p, v, d, s: _flag(v.lldas),
    Endpoint.PROTOCOL_REMISSION: lambda p, v, d, s: _protocol(v, s.protocol_remission),
    Endpoint.SRI_4: lambda p, v, d, s: _sri_4(p, v),
    Endpoint.RENAL_RESPONSE: lambda p, v, d, s: _renal_verdict(
        _renal(p, d, s.window_days, s), complete_only=False
    ),
    Endpoint.COMPLETE_RENAL_RESPONSE: lambda p, v, d, s: _renal_verdict(
        _renal(p, d, s.window_days, s), complete_only=True
    ),
    Endpoint.FLARE: lambda p, v, d, s: _flare(p.course, v, severe_only=False),
    Endpoint.SEVERE_FLARE: lambda p, v, d, s: _flare(p.course, v, severe_only=True),
    Endpoint.STEROID_FREE: lambda p, v, d, s: _steroid_free(v),
}


def judge_patient(
    patient: PatientResponseCourse, endpoint: Endpoint, month: int, settings: LandmarkSettings
) -> Verdict:
    """One patient's verdict for one endpoint at the landmark of ``month`` months."""
    day = landmark_day(month)
    window = settings.window_days
    if patient.death_day is not None and patient.death_day < day - window:
        return Verdict.DIED
    visit = landmark_visit(patient.course, day, window)
    if visit is None:
        return Verdict.NOT_DUE if patient.follow_up_days < day + window else Verdict.MISSING
    return JUDGES[endpoint](patient, visit, day, settings)


def landmark_rates(
    patients: Sequence[PatientResponseCourse], settings: LandmarkSettings | None = None
) -> tuple[LandmarkRate, ...]:
    """Every endpoint at every landmark, endpoints in declaration order within each landmark."""
    used = settings or LandmarkSettings()
    rates = []
    for month in used.months:
        for endpoint in Endpoint:
            verdicts = [judge_patient(p, endpoint, month, used) for p in patients]
            counts = {v: verdicts.count(v) for v in Verdict}
            met, evaluable = counts[Verdict.MET], counts[Verdict.MET] + counts[Verdict.NOT_MET]
            rates.append(
                LandmarkRate(
                    endpoint=endpoint,
                    month=month,
                    day=landmark_day(month),
                    counts=counts,
                    estimate=estimate_proportion(met, evaluable, used.conf_level)
                    if evaluable
                    else None,
                )
            )
    return tuple(rates)
