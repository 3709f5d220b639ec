"""LLDAS reference cases.

Source: Franklyn K et al. Definition and initial validation of a Lupus Low Disease Activity
State (LLDAS). Ann Rheum Dis 2016;75:1615-21, criteria 1-5 and the major-organ list, as
transcribed in docs/spec/instruments.md §5.5.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.lldas_2016 import LldasAssessment, assess_lldas
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor

D = SledaiDescriptor


def _lldas(**changes: Any) -> tuple[bool, tuple[int, ...]]:
    fields: dict[str, Any] = {
        "sledai2k_descriptors": frozenset(),
        "hemolytic_anemia": False,
        "gi_activity": False,
        "new_activity_since_last_visit": False,
        "pga": 0.0,
        "prednisolone_mg_per_day": 0.0,
        "standard_maintenance_immunosuppression_tolerated": True,
        "investigational_drug": False,
    }
    fields.update(changes)
    result = assess_lldas(LldasAssessment(**fields))
    return result.lldas, result.unmet_criteria


def test_a_quiescent_visit_is_in_lldas() -> None:
    # Franklyn 2016: all five criteria met.
    assert _lldas() == (True, ())


@pytest.mark.parametrize(
    ("descriptors", "expected"),
    [
        ({D.RASH, D.THROMBOCYTOPENIA}, (True, ())),  # 3 points
        ({D.RASH, D.ALOPECIA}, (True, ())),  # 4 points, no major organ
        ({D.RASH, D.ALOPECIA, D.LEUKOPENIA}, (False, (1,))),  # 5 points
        ({D.ARTHRITIS}, (True, ())),  # 4 points, musculoskeletal is not a major organ
        ({D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING}, (True, ())),  # serology alone, 4 points
    ],
)
def test_the_sledai_2k_must_be_at_most_4(
    descriptors: set[SledaiDescriptor], expected: tuple[bool, tuple[int, ...]]
) -> None:
    # Franklyn 2016, criterion 1: SLEDAI-2K <=4; docs/spec/instruments.md §5.5 pitfall: serology
    # alone is compatible.
    assert _lldas(sledai2k_descriptors=frozenset(descriptors)) == expected


MAJOR_ORGAN = [
    D.URINARY_CASTS,
    D.HEMATURIA,
    D.PROTEINURIA,
    D.PYURIA,
    D.SEIZURE,
    D.PSYCHOSIS,
    D.ORGANIC_BRAIN_SYNDROME,
    D.VISUAL_DISTURBANCE,
    D.CRANIAL_NERVE_DISORDER,
    D.LUPUS_HEADACHE,
    D.CVA,
    D.PLEURISY,
    D.PERICARDITIS,
    D.VASCULITIS,
    D.FEVER,
]


@pytest.mark.parametrize("descriptor", MAJOR_ORGAN)
def test_any_major_organ_descriptor_prevents_lldas(descriptor: SledaiDescriptor) -> None:
    # Franklyn 2016, criterion 1: no renal, CNS, cardiopulmonary, vasculitis or fever activity
    # (docs/spec/instruments.md §5.5 table), even when the total is <=4 (fever alone scores 1).
    assert _lldas(sledai2k_descriptors=frozenset({descriptor})) == (False, (1,))


@pytest.mark.parametrize("flag", ["hemolytic_anemia", "gi_activity"])
def test_haemolytic_anaemia_or_gi_activity_prevents_lldas(flag: str) -> None:
    # Franklyn 2016, criterion 1: no haemolytic anaemia or gastrointestinal activity.
    assert _lldas(**{flag: True}) == (False, (1,))


def test_new_activity_since_the_last_visit_prevents_lldas() -> None:
    # Franklyn 2016, criterion 2.
    assert _lldas(new_activity_since_last_visit=True) == (False, (2,))


@pytest.mark.parametrize(("pga", "in_lldas"), [(0.9, True), (1.0, True), (1.1, False)])
def test_the_pga_must_be_at_most_1(pga: float, in_lldas: bool) -> None:
    # Franklyn 2016, criterion 3: SELENA-SLEDAI PGA <=1 (0-3).
    assert _lldas(pga=pga)[0] is in_lldas


@pytest.mark.parametrize(("dose", "in_lldas"), [(7.4, True), (7.5, True), (7.6, False)])
def test_prednisolone_must_be_at_most_7_5_mg_per_day(dose: float, in_lldas: bool) -> None:
    # Franklyn 2016, criterion 4: prednisolone equivalent <=7.5 mg/day.
    assert _lldas(prednisolone_mg_per_day=dose)[0] is in_lldas


@pytest.mark.parametrize(
    "changes",
    [
        {"standard_maintenance_immunosuppression_tolerated": False},
        {"investigational_drug": True},
    ],
)
def test_poorly_tolerated_maintenance_or_an_investigational_drug_prevents_lldas(
    changes: dict[str, Any],
) -> None:
    # Franklyn 2016, criterion 5.
    assert _lldas(**changes) == (False, (5,))


def test_every_unmet_criterion_is_reported() -> None:
    # Franklyn 2016: criteria 1-5 are independent.
    assert _lldas(
        gi_activity=True,
        new_activity_since_last_visit=True,
        pga=2.0,
        prednisolone_mg_per_day=10.0,
        investigational_drug=True,
    ) == (False, (1, 2, 3, 4, 5))


@pytest.mark.parametrize("changes", [{"pga": 3.5}, {"prednisolone_mg_per_day": -1.0}])
def test_values_outside_their_validated_range_are_refused(changes: dict[str, Any]) -> None:
    # docs/spec/instruments.md §12.3: PGA 0-3, prednisolone 0-1000 mg/day.
    with pytest.raises(OutOfValidatedRangeError):
        _lldas(**changes)
