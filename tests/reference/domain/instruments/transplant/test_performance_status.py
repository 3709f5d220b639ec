"""Karnofsky, ECOG and the conventional conversion: reference values.

Sources: Karnofsky DA, Burchenal JH 1949 (0-100 in steps of 10); Oken MM, et al. Am J Clin Oncol
1982;5:649-55 (ECOG 0-5); the conventional KPS-to-ECOG table of docs/spec/instruments.md
§7.3 (decision D9, not validated).
"""

from __future__ import annotations

import pytest

from lupus_sct.domain.instruments.transplant.performance_status import (
    NotOnScaleError,
    is_valid_ecog,
    is_valid_kps,
    kps_to_ecog,
)

# docs/spec/instruments.md §7.3, conventional KPS -> ECOG table.
CONVENTIONAL_TABLE = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4, 0: 5}


@pytest.mark.parametrize(("kps", "ecog"), sorted(CONVENTIONAL_TABLE.items()))
def test_kps_converts_to_ecog_by_the_conventional_table(kps: int, ecog: int) -> None:
    # docs/spec/instruments.md §7.3 (decision D9).
    assert kps_to_ecog(kps).ecog == ecog


def test_the_conversion_is_labelled_as_not_validated() -> None:
    # Decision D9; docs/spec/instruments.md §12.3 result field "conversion".
    assert kps_to_ecog(80).conversion == "conventional KPS-ECOG table, not validated"


@pytest.mark.parametrize("kps", [55, -10, 110, 95.5])
def test_kps_off_the_karnofsky_scale_cannot_be_converted(kps: float) -> None:
    # Karnofsky 1949: 0-100 in steps of 10; message from docs/spec/instruments.md §12.1.
    with pytest.raises(NotOnScaleError):
        kps_to_ecog(kps)


def test_the_off_scale_message_is_the_clinical_one() -> None:
    # docs/spec/instruments.md §12.1, "Invalid records" example.
    with pytest.raises(NotOnScaleError) as raised:
        kps_to_ecog(55)
    assert str(raised.value) == "KPS 55 is not on the Karnofsky scale (0-100 in steps of 10)"


@pytest.mark.parametrize(
    ("kps", "valid"), [(0, True), (10, True), (100, True), (100.0, True), (5, False), (101, False)]
)
def test_kps_is_valid_only_on_the_scale_points(kps: float, valid: bool) -> None:
    # Karnofsky 1949.
    assert is_valid_kps(kps) is valid


@pytest.mark.parametrize(
    ("ecog", "valid"), [(0, True), (5, True), (3.0, True), (2.5, False), (-1, False), (6, False)]
)
def test_ecog_is_valid_only_as_a_whole_number_from_0_to_5(ecog: float, valid: bool) -> None:
    # Oken 1982: grades 0-5; docs/spec/instruments.md §7.3: non-integers are invalid.
    assert is_valid_ecog(ecog) is valid
