"""Response over time on a hand-worked synthetic cohort of three patients (no real data).

Day 0 is 2024-01-01 and follow-up runs to 2025-06-30 (day 546). Landmarks: 3 months = day 91
(window 46-136), 6 months = day 183 (137-228), 12 months = day 365 (319-411), 24 months = day 730
(684-776), each ``round(m x 365.25 / 12)`` +/- 45 days. Every expected value below is worked by
hand from the table and the published definitions: SRI-4 (Furie 2009: a fall of >= 4, no new
BILAG A, at most one new B, PGA rise < 0.3), KDIGO 2024 renal response (partial: UPCR <= 50% of
baseline and < 3 g/g with eGFR within 15%), Jayne 2004 remission (SLEDAI < 3) and R's type 7
quantiles (Hyndman & Fan 1996) for the trajectory.

| patient | day | SLEDAI-2K | PGA | LLDAS | DORIS | flare | prednisone | other |
|---------|-----|-----------|-----|-------|-------|-------|------------|-------|
| A       | -5  | 10        | 2.0 |       |       |       | 20         | BILAG MSK B |
| A       | 90  | 0         | 0.2 | yes   | yes   | none  | 0          | BILAG MSK D |
| A       | 180 | 4         | 0.5 | yes   | no    | none  | 5          | |
| A       | 365 | 8         | 1.5 | no    | no    | mild  | 10         | BILAG MSK B |
| B       | -10 | 2         | 1.0 |       |       |       | 7.5        | dies day 200 |
| B       | 95  | 2         | 1.0 | ?     | no    | none  | 7.5        | |
| C       | -1  | 6         | 1.5 |       |       |       | 10         | UPCR 2.0 g/g, eGFR 80 |
| C       | 170 | 0         | 0.0 | yes   | yes   | none  | 0          | UPCR 0.8 g/g, eGFR 78 |
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lupus_sct.analytics.response import (
    TRAYNOR_2002,
    DayValue,
    Endpoint,
    LandmarkSettings,
    PatientResponseCourse,
    Verdict,
    response_over_time,
)
from lupus_sct.domain.instruments.lupus.bilag_2004 import BilagDomain, BilagGrade
from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.pathway.disease_course import DiseaseCourse, VisitState

DAY0 = date(2024, 1, 1)
AS_OF = date(2025, 6, 30)
MSK = BilagDomain.MUSCULOSKELETAL


def _state(
    day: int,
    sledai: int,
    pga: float,
    *,
    lldas: bool | None = None,
    doris: bool | None = None,
    flare: SelenaFlare | None = None,
    prednisone: float | None = 0.0,
) -> VisitState:
    return VisitState(
        visit_date=DAY0 + timedelta(days=day),
        day=day,
        descriptors=(),
        sledai_2k=sledai,
        clinical_sledai=sledai,
        pga=pga,
        prednisone_mg_per_day=prednisone,
        cumulative_prednisone_mg=0.0,
        sdi=0,
        lldas=lldas,
        doris_remission=doris,
        flare=flare,
    )


def _course(visits: list[VisitState], share_lldas: float | None) -> DiseaseCourse:
    return DiseaseCourse(AS_OF, DAY0, tuple(visits), share_lldas, share_lldas, None, None)


def _on(day: int) -> date:
    return DAY0 + timedelta(days=day)


PATIENT_A = PatientResponseCourse(
    "A",
    _course(
        [
            _state(-5, 10, 2.0, prednisone=20),
            _state(90, 0, 0.2, lldas=True, doris=True, flare=SelenaFlare.NONE),
            _state(180, 4, 0.5, lldas=True, doris=False, flare=SelenaFlare.NONE, prednisone=5),
            _state(
                365,
                8,
                1.5,
                lldas=False,
                doris=False,
                flare=SelenaFlare.MILD_MODERATE,
                prednisone=10,
            ),
        ],
        0.5,
    ),
    bilag={
        _on(-5): {MSK: BilagGrade.B},
        _on(90): {MSK: BilagGrade.D},
        _on(180): {MSK: BilagGrade.D},
        _on(365): {MSK: BilagGrade.B},
    },
)
PATIENT_B = PatientResponseCourse(
    "B",
    _course(
        [
            _state(-10, 2, 1.0, prednisone=7.5),
            _state(95, 2, 1.0, lldas=None, doris=False, flare=SelenaFlare.NONE, prednisone=7.5),
        ],
        None,
    ),
    bilag={},
    death_day=200,
)
PATIENT_C = PatientResponseCourse(
    "C",
    _course(
        [
            _state(-1, 6, 1.5, prednisone=10),
            _state(170, 0, 0.0, lldas=True, doris=True, flare=SelenaFlare.NONE),
        ],
        1.0,
    ),
    bilag={},
    upcr_g_per_g=(DayValue(-1, 2.0), DayValue(170, 0.8)),
    egfr_ml_min_173m2=(DayValue(-1, 80.0), DayValue(170, 78.0)),
)
COHORT = [PATIENT_A, PATIENT_B, PATIENT_C]


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return response_over_time(COHORT, LandmarkSettings(months=(3, 6, 12, 24)))


def _met_of(result, endpoint: Endpoint, month: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    estimate = result.rate(endpoint, month).estimate
    return (estimate.events, estimate.total)


def test_three_month_rates_count_only_evaluable_patients(result) -> None:  # type: ignore[no-untyped-def]
    assert _met_of(result, Endpoint.DORIS_REMISSION, 3) == (1, 2)  # A yes, B no, C no visit
    assert _met_of(result, Endpoint.LLDAS, 3) == (1, 1)  # B's LLDAS undetermined: missing
    assert result.rate(Endpoint.LLDAS, 3).counts[Verdict.MISSING] == 2
    assert _met_of(result, Endpoint.PROTOCOL_REMISSION, 3) == (2, 2)  # 0 and 2 are < 3
    assert _met_of(result, Endpoint.STEROID_FREE, 3) == (1, 2)  # 0 mg vs 7.5 mg
    assert _met_of(result, Endpoint.FLARE, 3) == (0, 2)


def test_sri_4_needs_a_baseline_sledai_of_at_least_4(result) -> None:  # type: ignore[no-untyped-def]
    rate = result.rate(Endpoint.SRI_4, 3)
    assert _met_of(result, Endpoint.SRI_4, 3) == (1, 1)  # A: 10 -> 0, MSK B -> D, PGA fell
    assert rate.counts[Verdict.NOT_APPLICABLE] == 1  # B: baseline 2 cannot fall by 4
    assert _met_of(result, Endpoint.SRI_4, 12) == (0, 1)  # A: 10 -> 8 is a fall of 2


def test_renal_response_at_six_months_is_partial_by_kdigo_2024(result) -> None:  # type: ignore[no-untyped-def]
    # C: UPCR 2.0 -> 0.8 g/g (<= 1.0 and < 3.0, not < 0.5), eGFR 78 >= 0.85 x 80 = 68
    assert _met_of(result, Endpoint.RENAL_RESPONSE, 6) == (1, 1)
    assert _met_of(result, Endpoint.COMPLETE_RENAL_RESPONSE, 6) == (0, 1)


def test_death_and_follow_up_still_to_come_are_counted_apart(result) -> None:  # type: ignore[no-untyped-def]
    twelve = result.rate(Endpoint.FLARE, 12)
    assert _met_of(result, Endpoint.FLARE, 12) == (1, 1)  # A's mild flare at day 365
    assert twelve.counts[Verdict.DIED] == 1  # B died on day 200, before day 319
    assert twelve.counts[Verdict.MISSING] == 1  # C: window closed without a visit
    later = result.rate(Endpoint.DORIS_REMISSION, 24)
    assert later.estimate is None  # no evaluable patient: no proportion, not 0%
    assert (later.counts[Verdict.NOT_DUE], later.counts[Verdict.DIED]) == (2, 1)


def test_rates_carry_exact_and_wilson_limits(result) -> None:  # type: ignore[no-untyped-def]
    estimate = result.rate(Endpoint.DORIS_REMISSION, 3).estimate
    # 1/2: Clopper-Pearson 0.0126-0.9874 (Beta quantiles: 1 - 0.975 ** 0.5 and 0.975 ** 0.5)
    assert estimate.exact_lower == pytest.approx(1 - 0.975**0.5)
    assert estimate.exact_upper == pytest.approx(0.975**0.5)
    assert estimate.wilson_lower < estimate.proportion < estimate.wilson_upper


def test_a_protocol_remission_keeps_its_definition() -> None:
    result = response_over_time(
        COHORT, LandmarkSettings(months=(6,), protocol_remission=TRAYNOR_2002)
    )
    assert result.settings.protocol_remission.name == "Traynor 2002"
    # A scores 4 at day 180 (<= 5), C scores 0
    assert _met_of(result, Endpoint.PROTOCOL_REMISSION, 6) == (2, 2)


def test_sledai_trajectory_gives_median_and_iqr_by_month(result) -> None:  # type: ignore[no-untyped-def]
    by_month = {p.month: p.summary for p in result.trajectory}
    # month 0 (baselines 10, 2, 6): type 7 quartiles of [2, 6, 10] are 4, 6, 8
    assert (by_month[0].n, by_month[0].q1, by_month[0].median, by_month[0].q3) == (3, 4, 6, 8)
    # days 90 and 95 round to month 3: scores 0 and 2
    assert (by_month[3].median, by_month[3].q1, by_month[3].q3) == (1, 0.5, 1.5)
    # days 180 and 170 round to month 6: scores 4 and 0
    assert (by_month[6].median, by_month[6].q1, by_month[6].q3) == (2, 1, 3)
    assert by_month[12].n == 1


def test_time_in_state_summarises_patients_with_a_share(result) -> None:  # type: ignore[no-untyped-def]
    lldas = result.time_in_state[0]
    assert lldas.state == "LLDAS"
    # shares 0.5 and 1.0 (B has none): median 0.75, type 7 quartiles 0.625 and 0.875
    assert (lldas.summary.n, lldas.summary.median) == (2, 0.75)
    assert (lldas.summary.q1, lldas.summary.q3) == (0.625, 0.875)
