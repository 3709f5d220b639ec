"""Bad input is refused with a message naming the field, the value and what is accepted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError, PathwayOrderError
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor
from lupus_sct.domain.instruments.lupus.slicc_acr_di import SdiItem
from lupus_sct.domain.pathway.course import (
    AgentDose,
    Conditioning,
    CourseEvent,
    CourseKind,
    CourseStatus,
    Engraftment,
    EngraftmentLineage,
    EventKind,
    Infusion,
    Mobilisation,
    TherapyCourse,
    check_event_fits_course,
)
from lupus_sct.domain.records.assessment import Assessment, DamageItem
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Diagnosis, Disease
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route
from lupus_sct.domain.records.people import check_birth_date

COLLECTED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _lab(code: str, value: float, unit: str) -> LabResult:
    return LabResult("l", "p", code, value, unit, COLLECTED)


def test_a_lab_with_an_unknown_unit_names_the_field_the_value_and_the_accepted_units() -> None:
    with pytest.raises(InvalidValueError) as caught:
        _lab("2160-0", 1.2, "mmol/L")
    message = str(caught.value)
    assert "lab[2160-0].unit" in message
    assert "'mmol/L'" in message
    assert "mg/dL, umol/L" in message


def test_a_lab_with_an_unknown_loinc_code_is_refused() -> None:
    with pytest.raises(InvalidValueError, match=r"lab.loinc_code: '9999-9' is not accepted"):
        _lab("9999-9", 1.0, "mg/dL")


def test_creatinine_0_is_outside_the_plausible_range() -> None:
    # docs/spec/instruments.md §0.7 gives this exact message shape.
    with pytest.raises(
        OutOfValidatedRangeError, match=r"lab\[2160-0\].value 0 mg/dL is outside 0.1-40"
    ):
        _lab("2160-0", 0, "mg/dL")


def test_a_negative_neutrophil_count_is_refused() -> None:
    with pytest.raises(OutOfValidatedRangeError, match="751-8"):
        _lab("751-8", -0.1, "10*9/L")


def test_creatinine_in_umol_per_litre_is_checked_after_conversion() -> None:
    # 88.4 umol/L = 1 mg/dL (docs/spec/instruments.md §0): 4000 umol/L is 45 mg/dL, above 40.
    with pytest.raises(OutOfValidatedRangeError, match=r"umol/L is outside 8\.84-3536"):
        _lab("2160-0", 4000, "umol/L")
    assert _lab("2160-0", 88.4, "umol/L").value == 88.4


def test_a_lab_time_without_a_utc_offset_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="UTC offset"):
        LabResult("l", "p", "718-7", 12.0, "g/dL", datetime(2026, 3, 1, 8, 0))  # noqa: DTZ001


def test_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_birth_date(date(2026, 6, 2), as_of=date(2026, 6, 1))
    assert str(caught.value) == (
        "patient.birth_date: '2026-06-02' is not accepted; expected a date on or before 2026-06-01"
    )


def test_a_birth_date_more_than_120_years_ago_is_refused_even_from_29_february() -> None:
    # 1900 was not a leap year (Gregorian rule), so 120 years before 2020-02-29 is 1900-02-28.
    with pytest.raises(InvalidValueError, match="1900-02-28"):
        check_birth_date(date(1900, 2, 27), as_of=date(2020, 2, 29))
    check_birth_date(date(1900, 2, 28), as_of=date(2020, 2, 29))


def _course() -> TherapyCourse:
    return TherapyCourse(
        "c",
        "p",
        CourseKind.AUTOLOGOUS_HSCT,
        "auto-hsct-sle",
        CourseStatus.PLANNED,
        date(2026, 1, 1),
    )


def _event(kind: EventKind, day: date, details: object, event_id: str = "e") -> CourseEvent:
    return CourseEvent(event_id, "c", kind, day, details)  # type: ignore[arg-type]


CONDITIONING = Conditioning((AgentDose("cyclophosphamide", 50, "mg/kg", (-5, -4, -3, -2)),))


def test_an_infusion_dated_before_its_conditioning_is_refused() -> None:
    conditioning = _event(EventKind.CONDITIONING, date(2026, 2, 1), CONDITIONING, "e1")
    infusion = _event(EventKind.INFUSION, date(2026, 1, 30), Infusion(), "e2")
    with pytest.raises(PathwayOrderError) as caught:
        check_event_fits_course(_course(), [conditioning], infusion)
    assert str(caught.value) == (
        "infusion on 2026-01-30 cannot be dated before the conditioning on 2026-02-01"
    )


def test_a_conditioning_dated_after_the_infusion_is_refused() -> None:
    infusion = _event(EventKind.INFUSION, date(2026, 2, 6), Infusion(), "e1")
    conditioning = _event(EventKind.CONDITIONING, date(2026, 2, 7), CONDITIONING, "e2")
    with pytest.raises(PathwayOrderError, match="cannot be dated after the infusion on 2026-02-06"):
        check_event_fits_course(_course(), [infusion], conditioning)


def test_engraftment_before_day_0_is_refused() -> None:
    infusion = _event(EventKind.INFUSION, date(2026, 2, 6), Infusion(), "e1")
    engraftment = _event(
        EventKind.ENGRAFTMENT,
        date(2026, 2, 5),
        Engraftment(EngraftmentLineage.NEUTROPHIL_0_5),
        "e2",
    )
    with pytest.raises(PathwayOrderError, match="engraftment on 2026-02-05 cannot be dated before"):
        check_event_fits_course(_course(), [infusion], engraftment)


def test_an_msc_course_has_no_conditioning() -> None:
    msc = TherapyCourse("c", "p", CourseKind.MSC, "uc-msc", CourseStatus.PLANNED, date(2026, 1, 1))
    with pytest.raises(PathwayOrderError, match="a conditioning is not part of a msc course"):
        check_event_fits_course(
            msc, [], _event(EventKind.CONDITIONING, date(2026, 2, 1), CONDITIONING)
        )


def test_a_second_hsct_infusion_needs_a_new_course_but_msc_may_repeat() -> None:
    first = _event(EventKind.INFUSION, date(2026, 2, 6), Infusion(), "e1")
    second = _event(EventKind.INFUSION, date(2026, 2, 13), Infusion(), "e2")
    with pytest.raises(PathwayOrderError, match="already has a infusion"):
        check_event_fits_course(_course(), [first], second)
    msc = TherapyCourse("c", "p", CourseKind.MSC, "uc-msc", CourseStatus.ACTIVE, date(2026, 1, 1))
    check_event_fits_course(msc, [first], second)


def test_conditioning_days_must_precede_day_0() -> None:
    with pytest.raises(InvalidValueError, match=r"conditioning.agents.days: 0 is not accepted"):
        Conditioning((AgentDose("cyclophosphamide", 50, "mg/kg", (-2, -1, 0)),))


def test_mobilisation_needs_an_agent_and_a_positive_dose() -> None:
    with pytest.raises(InvalidValueError, match=r"mobilisation\.agents"):
        Mobilisation(())
    with pytest.raises(InvalidValueError, match=r"agent\[filgrastim\].dose: 0 is not accepted"):
        AgentDose("filgrastim", 0, "ug/kg", (4, 5, 6))


def test_event_details_must_match_the_event_kind() -> None:
    with pytest.raises(InvalidValueError, match=r"event\[infusion\].details: 'Conditioning'"):
        _event(EventKind.INFUSION, date(2026, 2, 6), CONDITIONING)


def test_a_diagnosis_code_must_belong_to_its_disease() -> None:
    with pytest.raises(InvalidValueError, match=r"diagnosis.icd10_code: 'M05.9' .* M32.x"):
        Diagnosis("d", "p", Disease.SLE, "M05.9", "55464009", date(2015, 1, 1))
    with pytest.raises(InvalidValueError, match="Verhoeff"):
        Diagnosis("d", "p", Disease.SLE, "M32.14", "55464008", date(2015, 1, 1))
    with pytest.raises(InvalidValueError, match="criteria for RA"):
        Diagnosis(
            "d",
            "p",
            Disease.RA,
            "M06.9",
            "69896004",
            date(2015, 1, 1),
            (ClassificationCriteria.SLICC_2012,),
        )


def test_an_assessment_refuses_an_out_of_scale_pga_and_a_contradictory_descriptor() -> None:
    with pytest.raises(OutOfValidatedRangeError, match=r"assessment\.pga 3\.5 is outside 0-3"):
        Assessment("a", "p", date(2026, 3, 1), pga=3.5)
    with pytest.raises(InvalidValueError, match="sledai_not_attributed: 'fever'"):
        Assessment(
            "a",
            "p",
            date(2026, 3, 1),
            sledai_descriptors=(SledaiDescriptor.FEVER,),
            sledai_not_attributed=(SledaiDescriptor.FEVER,),
        )
    with pytest.raises(InvalidValueError, match="sledai_window_days: 14"):
        Assessment("a", "p", date(2026, 3, 1), sledai_window_days=14)


def test_damage_cannot_start_after_the_visit_and_only_count_items_repeat() -> None:
    with pytest.raises(InvalidValueError, match=r"onset_date: '2026-04-01'"):
        Assessment(
            "a",
            "p",
            date(2026, 3, 1),
            damage_items=(DamageItem(SdiItem.DIABETES, date(2026, 4, 1)),),
        )
    with pytest.raises(InvalidValueError, match=r"sdi_item\[diabetes\].episodes: 2"):
        DamageItem(SdiItem.DIABETES, date(2020, 1, 1), episodes=2)


def test_a_medication_cannot_stop_before_it_starts_and_the_class_must_match_the_code() -> None:
    def exposure(**kw: object) -> MedicationExposure:
        base: dict[str, object] = dict(
            id="m",
            patient_id="p",
            drug_name="prednisone",
            rxnorm_code="8640",
            drug_class=DrugClass.GLUCOCORTICOID,
            dose=10.0,
            dose_unit="mg",
            route=Route.ORAL,
            frequency=Frequency.DAILY,
            start_date=date(2026, 1, 1),
        )
        return MedicationExposure(**{**base, **kw})  # type: ignore[arg-type]

    with pytest.raises(InvalidValueError, match=r"medication\.stop_date: '2025-12-31'"):
        exposure(stop_date=date(2025, 12, 31))
    with pytest.raises(InvalidValueError, match="glucocorticoid for RxCUI 8640"):
        exposure(drug_class=DrugClass.BIOLOGIC)
    with pytest.raises(InvalidValueError, match=r"medication\.dose_unit: 'tablets'"):
        exposure(dose_unit="tablets")


def test_a_work_up_finding_must_fit_its_item() -> None:
    from lupus_sct.domain.records.workup import WorkupFinding, WorkupItem

    day = date(2026, 1, 5)
    assert WorkupFinding("w", "p", WorkupItem.LVEF_PCT, 55, day).value == 55
    with pytest.raises(
        OutOfValidatedRangeError, match=r"workup\[lvef_pct\]\.value 95 % is outside 5-90"
    ):
        WorkupFinding("w", "p", WorkupItem.LVEF_PCT, 95, day)
    with pytest.raises(InvalidValueError, match="a multiple of 10"):
        WorkupFinding("w", "p", WorkupItem.KPS, 75, day)  # Karnofsky 1949: steps of 10
    with pytest.raises(InvalidValueError, match="true or false"):
        WorkupFinding("w", "p", WorkupItem.HIV_POSITIVE, "negative", day)
    with pytest.raises(InvalidValueError, match="one of I, II, III"):
        WorkupFinding("w", "p", WorkupItem.LUPUS_NEPHRITIS_CLASS, "VII", day)
