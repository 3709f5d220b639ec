"""DORIS 2021 remission reference cases.

Source: van Vollenhoven RF et al. 2021 DORIS definition of remission in SLE. Lupus Sci Med
2021;8:e000538 (abstract and Table 2): clinical SLEDAI = 0, evaluator global <0.5 (0-3),
prednisolone 5 mg/day or less (decision D3), stable antimalarials, immunosuppressives and
biologics allowed (convention C9); as transcribed in docs/spec/instruments.md §5.4.
"""

from __future__ import annotations

from typing import Any

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.lupus.doris_2021 import DorisAssessment, assess_doris_2021
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor

D = SledaiDescriptor


def _doris(**changes: Any) -> bool:
    fields: dict[str, Any] = {
        "sledai2k_descriptors": frozenset(),
        "pga": 0.0,
        "prednisolone_mg_per_day": 0.0,
    }
    fields.update(changes)
    return assess_doris_2021(DorisAssessment(**fields)).remission


def test_no_activity_no_pga_and_no_steroid_is_remission() -> None:
    # van Vollenhoven 2021: every DORIS component met.
    assert _doris() is True


def test_serological_activity_alone_does_not_prevent_remission() -> None:
    # van Vollenhoven 2021: "serology does not matter"; decision D2 (clinical SLEDAI).
    result = assess_doris_2021(
        DorisAssessment(frozenset({D.LOW_COMPLEMENT, D.INCREASED_DNA_BINDING}), 0.0, 0.0)
    )
    assert (result.remission, result.clinical_sledai) == (True, 0)


@pytest.mark.parametrize("descriptor", [D.LEUKOPENIA, D.THROMBOCYTOPENIA, D.FEVER, D.RASH])
def test_any_clinical_descriptor_prevents_remission(descriptor: SledaiDescriptor) -> None:
    # docs/spec/instruments.md §5.4 pitfall: leukopenia, thrombocytopenia, fever are clinical items.
    assert _doris(sledai2k_descriptors=frozenset({descriptor})) is False


@pytest.mark.parametrize(
    ("pga", "remission"), [(0.4, True), (0.49, True), (0.5, False), (0.6, False)]
)
def test_the_pga_must_be_strictly_below_half_a_point(pga: float, remission: bool) -> None:
    # van Vollenhoven 2021, Table 2: evaluator global assessment <0.5; 0.5 itself fails.
    assert _doris(pga=pga) is remission


@pytest.mark.parametrize(
    ("dose", "remission"), [(4.9, True), (5.0, True), (5.1, False), (7.5, False)]
)
def test_prednisolone_must_be_at_most_5_mg_per_day(dose: float, remission: bool) -> None:
    # van Vollenhoven 2021 abstract: "prednisolone 5 mg/day or less" (decision D3, inclusive).
    assert _doris(prednisolone_mg_per_day=dose) is remission


@pytest.mark.parametrize(
    "flag", ["antimalarial_stable", "immunosuppressive_stable", "biologic_stable"]
)
@pytest.mark.parametrize("value", [True, False, None])
def test_stable_treatment_flags_are_recorded_and_never_change_remission(
    flag: str, value: bool | None
) -> None:
    # Convention C9: DORIS 2021 allows all three classes; the flags are recorded only.
    result = assess_doris_2021(DorisAssessment(frozenset(), 0.0, 0.0, **{flag: value}))
    assert (result.remission, getattr(result, flag)) == (True, value)


@pytest.mark.parametrize(
    "changes", [{"pga": 3.01}, {"pga": -0.01}, {"prednisolone_mg_per_day": 1000.1}]
)
def test_values_outside_their_validated_range_are_refused(changes: dict[str, Any]) -> None:
    # docs/spec/instruments.md §12.3: PGA 0-3, prednisolone 0-1000 mg/day.
    with pytest.raises(OutOfValidatedRangeError):
        _doris(**changes)
