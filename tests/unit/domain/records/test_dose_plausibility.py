"""Dose ceilings refuse keying and unit errors, never a real prescription (issue #15).

A record stored before the ceilings (a dose above one) stays readable: only input is checked.

The expected ceilings follow from the sources in :mod:`lupus_sct.domain.records.dose_plausibility`:
EULAR 2023 SLE recommendations (Fanouriakis, Ann Rheum Dis 2024;83:15) give intravenous
methylprednisolone pulses up to 1000 mg/day; BNF: methylprednisolone 4 mg = prednisolone 5 mg, so
1000 mg methylprednisolone = 1250 mg prednisone; CD19 CAR T cells 1 x 10^6/kg (Mueller, NEJM 2024).
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.records.dose_plausibility import check_dose_plausible
from lupus_sct.domain.records.medications import DrugClass, Frequency, MedicationExposure, Route

PREDNISONE = ("prednisone", "8640", DrugClass.GLUCOCORTICOID)
METHYLPREDNISOLONE = ("methylprednisolone", "6902", DrugClass.GLUCOCORTICOID)
RITUXIMAB = ("rituximab", "121191", DrugClass.BIOLOGIC)


def _exposure(
    drug: tuple[str, str, DrugClass],
    dose: float,
    unit: str = "mg",
    frequency: Frequency = Frequency.DAILY,
) -> MedicationExposure:
    name, code, drug_class = drug
    return MedicationExposure(
        "m1", "p1", name, code, drug_class, dose, unit, Route.ORAL, frequency, date(2026, 5, 1)
    )


@pytest.mark.parametrize(
    ("drug", "ceiling", "unit", "frequency"),
    [
        (PREDNISONE, 1250.0, "mg", Frequency.DAILY),  # 1250 mg prednisone = 1 g MP
        (PREDNISONE, 1.25, "g", Frequency.DAILY),
        (METHYLPREDNISOLONE, 1000.0, "mg", Frequency.DAILY),  # the 1 g pulse itself
        (METHYLPREDNISOLONE, 500.0, "mg", Frequency.TWICE_DAILY),  # 2 x 500 mg = 1 g/day
        (METHYLPREDNISOLONE, 1000.0, "mg", Frequency.SINGLE_DOSE),
        (METHYLPREDNISOLONE, 30.0, "mg/kg", Frequency.DAILY),  # BNFC: 30 mg/kg pulse
        (RITUXIMAB, 400_000.0, "mg", Frequency.SINGLE_DOSE),  # IVIG 2 g/kg x 200 kg
        (RITUXIMAB, 100.0, "10*6/kg", Frequency.SINGLE_DOSE),
    ],
)
def test_a_dose_is_accepted_at_its_ceiling_and_refused_just_above(
    drug: tuple[str, str, DrugClass], ceiling: float, unit: str, frequency: Frequency
) -> None:
    check_dose_plausible(_exposure(drug, math.nextafter(ceiling, 0), unit, frequency))
    check_dose_plausible(_exposure(drug, ceiling, unit, frequency))
    with pytest.raises(OutOfValidatedRangeError) as refused:
        check_dose_plausible(_exposure(drug, math.nextafter(ceiling, math.inf), unit, frequency))
    assert refused.value.field == "medication.dose"
    assert refused.value.high == pytest.approx(ceiling)


def test_a_prednisone_dose_of_a_trillion_mg_is_refused_with_the_ceiling_in_mg() -> None:
    with pytest.raises(OutOfValidatedRangeError) as refused:
        check_dose_plausible(_exposure(PREDNISONE, 1e12))
    assert refused.value.accepted == "a value in 0-1250 mg"


def test_a_record_above_a_ceiling_stored_before_the_ceilings_can_still_be_built() -> None:
    assert _exposure(PREDNISONE, 1e12).dose == 1e12
