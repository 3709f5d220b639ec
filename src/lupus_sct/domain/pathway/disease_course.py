"""A patient's disease states over time, tied to day 0.

From the assessments, laboratory results and medications as recorded, derive per visit the
SLEDAI-2K, clinical SLEDAI, PGA, cumulative SDI, LLDAS, DORIS remission, SELENA flare and the
prednisone-equivalent dose, then summarise: the share of follow-up in LLDAS and in remission,
the time to the first flare after day 0, and the day from which the patient is steroid-free.

References
----------
Instruments: docs/spec/instruments.md §1 (SLEDAI-2K, SFI), §2 (SDI), §5.4 (DORIS) and §5.5
(LLDAS). Time in state: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21 (time in LLDAS as a
share of observed time); Petri M et al. Arthritis Rheumatol 2018 (LLDAS duration).

Notes
-----
- Laboratory values within a visit's SLEDAI window (visit date minus ``sledai_window_days`` to the
  visit date, inclusive) add the descriptors they meet (docs/spec/instruments.md §1, derivable
  descriptors), using the worst value in the window, unless the clinician listed the descriptor as
  not attributable to SLE.
- A state that needs an input recorded as "not evaluated" or "unknown" is ``None``: it is never
  guessed. LLDAS criterion 2 needs the previous visit, so the first visit's LLDAS is ``None``.
- SFI operationalisation (ADR 0002): a descriptor present now and absent at the previous visit is
  a new manifestation; renal, CNS, vasculitis and myositis descriptors (and new haemolytic
  anaemia) count as severe, rash, alopecia, mucosal ulcers, serositis, arthritis and fever as
  mild/moderate. Treatment changes come from the medications between the two visits.
- Time in state: each visit's state holds until the next visit (or ``as_of``); time whose state
  is ``None`` is left out of the denominator. Counting starts at day 0 when there is one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from lupus_sct.domain.instruments.lupus.doris_2021 import DorisAssessment, assess_doris_2021
from lupus_sct.domain.instruments.lupus.lldas_2016 import LldasAssessment, assess_lldas
from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.instruments.lupus.sledai_2k import (
    SledaiAssessment,
    SledaiDescriptor,
    clinical_sledai_score,
    in_vocabulary_order,
    score_sledai_2k,
    sledai_2k_score,
)
from lupus_sct.domain.instruments.lupus.slicc_acr_di import score_sdi_as_of
from lupus_sct.domain.missing import Missing, is_recorded
from lupus_sct.domain.pathway.disease_course_flares import flare_between, measurements_in_window
from lupus_sct.domain.records.assessment import Assessment, DamageItem
from lupus_sct.domain.records.glucocorticoid_exposure import (
    glucocorticoid_exposure,
    steroid_free_from,
)
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure


@dataclasses.dataclass(frozen=True, slots=True)
class VisitState:
    """Derived states at one visit; ``None`` means not determinable from what was recorded."""

    visit_date: date
    day: int | None
    descriptors: tuple[SledaiDescriptor, ...] | None
    sledai_2k: int | None
    clinical_sledai: int | None
    pga: float | None
    prednisone_mg_per_day: float | None
    cumulative_prednisone_mg: float
    sdi: int
    lldas: bool | None
    doris_remission: bool | None
    flare: SelenaFlare | None


@dataclasses.dataclass(frozen=True, slots=True)
class DiseaseCourse:
    """The visit states and their summaries up to ``as_of``."""

    as_of: date
    day0: date | None
    visits: tuple[VisitState, ...]
    share_in_lldas: float | None
    share_in_remission: float | None
    days_to_first_flare: int | None
    steroid_free_from_day: int | None


def _descriptors(
    assessment: Assessment, labs: Sequence[LabResult]
) -> frozenset[SledaiDescriptor] | None:
    if not is_recorded(assessment.sledai_descriptors):
        return None
    result = score_sledai_2k(
        SledaiAssessment(
            descriptors=frozenset(assessment.sledai_descriptors),
            measurements=measurements_in_window(
                labs, assessment.visit_date, assessment.sledai_window_days
            ),
            not_attributed_to_sle=frozenset(assessment.sledai_not_attributed),
            window_days=assessment.sledai_window_days,
        )
    )
    return frozenset(result.descriptors)


def _lldas(
    assessment: Assessment,
    descriptors: frozenset[SledaiDescriptor] | None,
    previous: frozenset[SledaiDescriptor] | None,
    prednisone: float | None,
    is_first: bool,
) -> bool | None:
    pga = assessment.pga
    needed = (
        assessment.hemolytic_anemia,
        assessment.gi_activity,
        assessment.maintenance_therapy_tolerated,
        assessment.investigational_drug,
    )
    if descriptors is None or previous is None or isinstance(pga, Missing) or prednisone is None:
        return None
    if is_first or any(isinstance(v, Missing) for v in needed):
        return None
    return assess_lldas(
        LldasAssessment(
            sledai2k_descriptors=descriptors,
            hemolytic_anemia=bool(assessment.hemolytic_anemia),
            gi_activity=bool(assessment.gi_activity),
            new_activity_since_last_visit=bool(descriptors - previous),
            pga=pga,
            prednisolone_mg_per_day=prednisone,
            standard_maintenance_immunosuppression_tolerated=bool(
                assessment.maintenance_therapy_tolerated
            ),
            investigational_drug=bool(assessment.investigational_drug),
        )
    ).lldas


def _doris(
    assessment: Assessment,
    descriptors: frozenset[SledaiDescriptor] | None,
    prednisone: float | None,
) -> bool | None:
    if descriptors is None or isinstance(assessment.pga, Missing) or prednisone is None:
        return None
    return assess_doris_2021(
        DorisAssessment(descriptors, pga=assessment.pga, prednisolone_mg_per_day=prednisone)
    ).remission


def derive_disease_course(
    assessments: Iterable[Assessment],
    labs: Iterable[LabResult],
    medications: Iterable[MedicationExposure],
    *,
    day0: date | None,
    as_of: date,
) -> DiseaseCourse:
    """Derive the visit states and summaries of one patient up to ``as_of`` (inclusive)."""
    visits_in = sorted(
        (a for a in assessments if a.visit_date <= as_of), key=lambda a: a.visit_date
    )
    lab_list = [lab for lab in labs if lab.collected_at.date() <= as_of]
    drugs = list(medications)
    states: list[VisitState] = []
    previous: tuple[Assessment, frozenset[SledaiDescriptor] | None, float | None] | None = None
    damage: list[DamageItem] = []
    for assessment in visits_in:
        descriptors = _descriptors(assessment, lab_list)
        steroid = glucocorticoid_exposure(drugs, assessment.visit_date)
        # A dose that cannot be converted (mg/kg, a drug outside the table) leaves today's
        # prednisone equivalent unknown, so the states that need it stay undetermined.
        dose = steroid.current_mg_per_day if steroid.current_is_known else None
        damage.extend(assessment.damage_items)
        states.append(
            VisitState(
                visit_date=assessment.visit_date,
                day=None if day0 is None else (assessment.visit_date - day0).days,
                descriptors=None if descriptors is None else in_vocabulary_order(descriptors),
                sledai_2k=None if descriptors is None else sledai_2k_score(descriptors),
                clinical_sledai=None if descriptors is None else clinical_sledai_score(descriptors),
                pga=None if isinstance(assessment.pga, Missing) else assessment.pga,
                prednisone_mg_per_day=dose,
                cumulative_prednisone_mg=steroid.cumulative_mg,
                sdi=score_sdi_as_of(damage, assessment.visit_date).score,
                lldas=_lldas(
                    assessment,
                    descriptors,
                    previous[1] if previous else None,
                    dose,
                    previous is None,
                ),
                doris_remission=_doris(assessment, descriptors, dose),
                flare=None
                if previous is None
                else flare_between(previous, (assessment, descriptors, dose), drugs),
            )
        )
        previous = (assessment, descriptors, dose)
    return _summarise(tuple(states), drugs, day0=day0, as_of=as_of)


def share_of_time(
    visits: Sequence[VisitState], state: str, *, start: date, as_of: date
) -> float | None:
    """Share of the observed time from ``start`` to ``as_of`` spent with ``state`` true.

    Each visit's value holds from its date until the next visit (last one until ``as_of``);
    stretches whose value is ``None`` are not observed and leave the denominator.
    """
    observed = 0
    in_state = 0
    for index, visit in enumerate(visits):
        until = (
            visits[index + 1].visit_date if index + 1 < len(visits) else as_of + timedelta(days=1)
        )
        begin = max(visit.visit_date, start)
        days = (until - begin).days
        value = getattr(visit, state)
        if days <= 0 or value is None:
            continue
        observed += days
        in_state += days if value else 0
    return None if observed == 0 else in_state / observed


def _summarise(
    visits: tuple[VisitState, ...],
    drugs: Sequence[MedicationExposure],
    *,
    day0: date | None,
    as_of: date,
) -> DiseaseCourse:
    start = day0 if day0 is not None else (visits[0].visit_date if visits else as_of)
    flares = [
        v
        for v in visits
        if v.flare not in (None, SelenaFlare.NONE) and (day0 is None or v.visit_date > day0)
    ]
    free_from = steroid_free_from(drugs, start=start, as_of=as_of) if day0 is not None else None
    return DiseaseCourse(
        as_of=as_of,
        day0=day0,
        visits=visits,
        share_in_lldas=share_of_time(visits, "lldas", start=start, as_of=as_of),
        share_in_remission=share_of_time(visits, "doris_remission", start=start, as_of=as_of),
        days_to_first_flare=(flares[0].visit_date - day0).days if flares and day0 else None,
        steroid_free_from_day=None
        if free_from is None or day0 is None
        else (free_from - day0).days,
    )
