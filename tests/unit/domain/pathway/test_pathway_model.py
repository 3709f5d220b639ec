"""Day numbering, unit conversion, steroid equivalence and code checks of the data model."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.codes import is_valid_loinc, is_valid_sctid
from lupus_sct.domain.pathway.course import day_number
from lupus_sct.domain.records.labs import LabResult, canonical_value
from lupus_sct.domain.records.medications import (
    DrugClass,
    Frequency,
    MedicationExposure,
    Route,
    prednisone_equivalent_mg_per_day,
)
from lupus_sct.domain.records.people import age_in_years


def test_day_0_is_the_infusion_day_and_earlier_days_are_negative() -> None:
    # docs/spec/pathway.md §4.4: conditioning on day -5 ... day -1, infusion day 0, then day +1.
    day0 = date(2026, 2, 6)
    assert day_number(day0, date(2026, 2, 1)) == -5
    assert day_number(day0, day0) == 0
    assert day_number(day0, date(2026, 5, 17)) == 100


@given(st.dates(), st.integers(min_value=-400, max_value=4000))
def test_day_numbers_count_whole_calendar_days(day0: date, offset: int) -> None:
    from datetime import timedelta

    try:
        on = day0 + timedelta(days=offset)
    except OverflowError:
        return
    assert day_number(day0, on) == offset


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("55464009", True),  # SLE, docs/spec/pathway.md §10.2
        ("69896004", True),  # rheumatoid arthritis, docs/spec/pathway.md §10.2
        ("234646005", True),  # graft-versus-host disease, docs/spec/pathway.md §10.2
        ("55464008", False),  # last digit changed: Verhoeff check fails
        ("0123456", False),  # leading zero is not an SCTID
    ],
)
def test_snomed_ct_identifiers_are_checked_with_their_verhoeff_digit(
    code: str, expected: bool
) -> None:
    assert is_valid_sctid(code) is expected


@pytest.mark.parametrize("code", ["2160-0", "718-7", "751-8", "777-3", "2890-2", "98979-8"])
def test_loinc_codes_from_the_pathway_primer_pass_the_mod_10_check(code: str) -> None:
    assert is_valid_loinc(code)


def test_loinc_check_digit_catches_a_typo() -> None:
    assert not is_valid_loinc("2160-1")


def test_units_convert_to_the_canonical_unit() -> None:
    at = datetime(2026, 3, 1, tzinfo=UTC)
    # docs/spec/instruments.md §0: umol/L / 88.4 = mg/dL; x10^9/L x 1000 = /uL.
    assert canonical_value(LabResult("l", "p", "2160-0", 88.4, "umol/L", at)) == pytest.approx(1.0)
    assert canonical_value(LabResult("l", "p", "751-8", 500, "/uL", at)) == pytest.approx(0.5)
    assert canonical_value(LabResult("l", "p", "718-7", 95, "g/L", at)) == pytest.approx(9.5)
    # 1 g/g = 113.12 mg/mmol (creatinine molar mass 113.12 g/mol).
    assert canonical_value(LabResult("l", "p", "2890-2", 113.12, "mg/mmol", at)) == pytest.approx(
        1.0
    )


def _steroid(code: str, name: str, dose: float, frequency: Frequency) -> MedicationExposure:
    return MedicationExposure(
        "m",
        "p",
        name,
        code,
        DrugClass.GLUCOCORTICOID,
        dose,
        "mg",
        Route.ORAL,
        frequency,
        date(2026, 1, 1),
    )


def test_glucocorticoids_convert_to_prednisone_equivalents_by_the_bnf_table() -> None:
    # BNF "Glucocorticoid therapy": prednisolone 5 mg = methylprednisolone 4 mg
    # = dexamethasone 750 micrograms = hydrocortisone 20 mg.
    assert prednisone_equivalent_mg_per_day(
        _steroid("6902", "methylprednisolone", 4, Frequency.DAILY)
    ) == pytest.approx(5.0)
    assert prednisone_equivalent_mg_per_day(
        _steroid("3264", "dexamethasone", 0.75, Frequency.DAILY)
    ) == pytest.approx(5.0)
    assert prednisone_equivalent_mg_per_day(
        _steroid("5492", "hydrocortisone", 10, Frequency.TWICE_DAILY)
    ) == pytest.approx(5.0)
    assert prednisone_equivalent_mg_per_day(
        _steroid("8640", "prednisone", 10, Frequency.EVERY_OTHER_DAY)
    ) == pytest.approx(5.0)


def test_a_single_pulse_has_no_daily_equivalent() -> None:
    pulse = _steroid("6902", "methylprednisolone", 1000, Frequency.SINGLE_DOSE)
    assert prednisone_equivalent_mg_per_day(pulse) is None


def test_age_counts_completed_years() -> None:
    assert age_in_years(date(1990, 4, 12), on=date(2026, 4, 11)) == 35
    assert age_in_years(date(1990, 4, 12), on=date(2026, 4, 12)) == 36
