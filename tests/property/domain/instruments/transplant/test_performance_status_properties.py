"""Performance status invariants: the conversion is non-increasing in KPS and stays within 0-5."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lupus_sct.domain.instruments.transplant.performance_status import (
    is_valid_ecog,
    is_valid_kps,
    kps_to_ecog,
)

kps_points = st.integers(0, 10).map(lambda k: k * 10)


@given(kps_points, kps_points)
def test_a_higher_kps_never_converts_to_a_worse_ecog(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert kps_to_ecog(high).ecog <= kps_to_ecog(low).ecog
    assert is_valid_ecog(kps_to_ecog(low).ecog)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_valid_kps_is_a_whole_multiple_of_ten_within_the_scale(kps: float) -> None:
    if is_valid_kps(kps):
        assert 0 <= kps <= 100
        assert kps % 10 == 0
