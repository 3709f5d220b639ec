"""Longitudinal states on a synthetic course, each expected value worked by hand from the
published definitions (weights: Gladman 2002; DORIS: van Vollenhoven 2021; LLDAS: Franklyn 2016;
SFI: Petri 1999 with the rules of docs/spec/instruments.md §1; SDI: Gladman 1996, decision D4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lupus_sct.domain.instruments.lupus.selena_flare_index import SelenaFlare
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor as D
from lupus_sct.domain.instruments.lupus.slicc_acr_di import SdiItem
from lupus_sct.domain.missing import Missing
from lupus_sct.domain.pathway.disease_course import derive_disease_course, share_of_time
from lupus_sct.domain.records.assessment import Assessment, DamageItem
from lupus_sct.domain.records.glucocorticoid_exposure import (
    glucocorticoid_exposure,
    steroid_free_from,
)
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route

DAY0 = date(2026, 1, 10)
AS_OF = date(2026, 9, 30)


def _visit(day: date, descriptors: tuple[D, ...], pga: float, **extra: object) -> Assessment:
    base: dict[str, object] = dict(
        hemolytic_anemia=False,
        gi_activity=False,
        maintenance_therapy_tolerated=True,
        investigational_drug=False,
        hospitalised_for_sle=False,
    )
    return Assessment(
        id=f"a-{day}",
        patient_id="p",
        visit_date=day,
        sledai_descriptors=descriptors,
        pga=pga,
        **{**base, **extra},  # type: ignore[arg-type]
    )


def _prednisone(start: date, stop: date | None, mg: float, exposure_id: str) -> MedicationExposure:
    return MedicationExposure(
        exposure_id,
        "p",
        "prednisone",
        "8640",
        DrugClass.GLUCOCORTICOID,
        mg,
        "mg",
        Route.ORAL,
        Frequency.DAILY,
        start,
        stop,
    )


VISITS = [
    _visit(
        date(2025, 12, 1),
        (D.ARTHRITIS, D.RASH, D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING, D.PROTEINURIA),
        2.0,
        damage_items=(DamageItem(SdiItem.OCULAR_CATARACT, date(2025, 11, 1)),),
    ),
    _visit(date(2026, 3, 15), (D.LOW_COMPLEMENT,), 0.3),
    _visit(
        date(2026, 6, 15),
        (D.ARTHRITIS, D.RASH),
        1.2,
        damage_items=(DamageItem(SdiItem.DIABETES, date(2025, 10, 1)),),
    ),
]
DRUGS = [
    _prednisone(date(2025, 6, 1), date(2026, 2, 28), 20, "m1"),
    _prednisone(date(2026, 3, 1), date(2026, 5, 31), 5, "m2"),
]
LABS = [LabResult("l1", "p", "777-3", 80, "10*9/L", datetime(2026, 6, 1, 8, tzinfo=UTC))]


@pytest.fixture(scope="module")
def course():  # type: ignore[no-untyped-def]
    return derive_disease_course(VISITS, LABS, DRUGS, day0=DAY0, as_of=AS_OF)


def test_scores_per_visit_follow_the_sledai_2k_weights(course) -> None:  # type: ignore[no-untyped-def]
    first, second, third = course.visits
    assert (first.sledai_2k, first.clinical_sledai) == (14, 10)  # 4+2+2+2+4; minus serology 4
    assert (second.sledai_2k, second.clinical_sledai) == (2, 0)  # low complement only
    # arthritis 4 + rash 2 + thrombocytopenia 1 derived from platelets 80 <100 in the window
    assert (third.sledai_2k, third.clinical_sledai) == (7, 7)
    assert D.THROMBOCYTOPENIA in third.descriptors
    assert [v.day for v in course.visits] == [-40, 64, 156]


def test_doris_and_lldas_at_each_visit(course) -> None:  # type: ignore[no-untyped-def]
    first, second, third = course.visits
    assert first.lldas is None  # criterion 2 needs a previous visit
    assert first.doris_remission is False  # clinical SLEDAI 10
    # visit 2: clinical SLEDAI 0, PGA 0.3 <0.5, prednisone 5 <=5 (decision D3) -> remission;
    # SLEDAI 2 <=4, no major organ, nothing new, PGA <=1, 5 <=7.5 -> LLDAS
    assert second.doris_remission is True
    assert second.lldas is True
    assert third.lldas is False
    assert third.doris_remission is False


def test_a_rise_of_more_than_3_points_with_new_arthritis_is_a_mild_flare(course) -> None:  # type: ignore[no-untyped-def]
    assert course.visits[1].flare is SelenaFlare.NONE
    assert course.visits[2].flare is SelenaFlare.MILD_MODERATE  # 2 -> 7, new arthritis and rash
    assert course.days_to_first_flare == 156


def test_time_in_state_counts_each_state_until_the_next_visit(course) -> None:  # type: ignore[no-untyped-def]
    # From day 0 (2026-01-10): 64 days with LLDAS unknown, 92 days in LLDAS (15 Mar-14 Jun),
    # 108 days out of it (15 Jun-30 Sep): 92 / (92 + 108).
    assert course.share_in_lldas == pytest.approx(92 / 200)
    # Remission: 64 days out (visit 1 state), 92 in, 108 out.
    assert course.share_in_remission == pytest.approx(92 / 264)


def test_steroid_doses_are_current_and_cumulative(course) -> None:  # type: ignore[no-untyped-def]
    first, second, third = course.visits
    assert first.prednisone_mg_per_day == 20
    assert second.prednisone_mg_per_day == 5
    assert third.prednisone_mg_per_day == 0
    # 20 mg for the 273 days 1 Jun 2025 - 28 Feb 2026, then 5 mg for 1-15 Mar 2026.
    assert second.cumulative_prednisone_mg == pytest.approx(20 * 273 + 5 * 15)
    assert course.steroid_free_from_day == 142  # 1 June 2026 is day +142


def test_damage_accrues_and_never_decreases(course) -> None:  # type: ignore[no-untyped-def]
    # Cataract is an "ever" item (decision D4); diabetes counts after 6 months (Oct 2025 -> Jun).
    assert [v.sdi for v in course.visits] == [1, 1, 2]


def test_a_state_whose_input_was_not_evaluated_is_not_guessed() -> None:
    visits = [
        _visit(date(2026, 2, 1), (), 0.2),
        _visit(date(2026, 3, 1), (), 0.2, investigational_drug=Missing.UNKNOWN),
        Assessment("x", "p", date(2026, 4, 1), pga=0.1),
    ]
    course = derive_disease_course(visits, [], [], day0=DAY0, as_of=AS_OF)
    assert course.visits[1].lldas is None
    assert course.visits[2].sledai_2k is None
    assert course.visits[2].doris_remission is None
    assert course.visits[2].flare is None


def test_a_patient_still_on_steroids_is_not_steroid_free() -> None:
    drugs = [_prednisone(date(2026, 1, 1), None, 5, "m")]
    assert steroid_free_from(drugs, start=DAY0, as_of=AS_OF) is None
    assert steroid_free_from([], start=DAY0, as_of=AS_OF) == DAY0


def test_a_methylprednisolone_pulse_adds_to_the_cumulative_dose_only() -> None:
    pulse = MedicationExposure(
        "mp",
        "p",
        "methylprednisolone",
        "6902",
        DrugClass.GLUCOCORTICOID,
        1,
        "g",
        Route.INTRAVENOUS,
        Frequency.SINGLE_DOSE,
        date(2026, 2, 1),
    )
    exposure = glucocorticoid_exposure([pulse], date(2026, 2, 1))
    assert exposure.current_mg_per_day == 0
    assert exposure.cumulative_mg == pytest.approx(1250)  # BNF: methylprednisolone 4 mg = 5 mg


def test_time_in_state_is_undefined_without_observed_time() -> None:
    assert share_of_time([], "lldas", start=DAY0, as_of=AS_OF) is None


def test_a_steroid_dose_that_cannot_be_converted_leaves_lldas_and_doris_undetermined() -> None:
    per_kg = MedicationExposure(
        "kg",
        "p",
        "prednisone",
        "8640",
        DrugClass.GLUCOCORTICOID,
        0.5,
        "mg/kg",
        Route.ORAL,
        Frequency.DAILY,
        date(2026, 1, 1),
    )
    visits = [_visit(date(2026, 2, 1), (), 0.2), _visit(date(2026, 3, 1), (), 0.2)]
    course = derive_disease_course(visits, [], [per_kg], day0=DAY0, as_of=AS_OF)
    assert [v.prednisone_mg_per_day for v in course.visits] == [None, None]
    assert [v.doris_remission for v in course.visits] == [None, None]
    assert course.visits[1].lldas is None


def test_an_unconvertible_dose_that_has_stopped_no_longer_hides_todays_dose() -> None:
    per_kg = MedicationExposure(
        "kg",
        "p",
        "prednisone",
        "8640",
        DrugClass.GLUCOCORTICOID,
        0.5,
        "mg/kg",
        Route.ORAL,
        Frequency.DAILY,
        date(2025, 1, 1),
        date(2025, 3, 1),
    )
    exposure = glucocorticoid_exposure([per_kg, DRUGS[1]], date(2026, 3, 15))
    assert exposure.current_mg_per_day == 5  # the 5 mg prednisone exposure active that day
    assert exposure.current_is_known
    assert exposure.unconverted == ("kg",)
