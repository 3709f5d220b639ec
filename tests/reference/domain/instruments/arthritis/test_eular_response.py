"""EULAR response against the table of van Gestel AM et al. Arthritis Rheum 1996;39:34-40
(rows: present DAS28 <= 3.2, > 3.2-5.1, > 5.1; columns: improvement > 1.2, > 0.6-1.2, <= 0.6)."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import OutOfValidatedRangeError
from lupus_sct.domain.instruments.arthritis.eular_response import EularResponse, eular_response

GOOD = EularResponse.GOOD
MODERATE = EularResponse.MODERATE
NONE = EularResponse.NONE


@pytest.mark.parametrize(
    ("baseline", "followup", "expected", "source"),
    [
        (4.5, 3.2, GOOD, "van Gestel 1996: <= 3.2 and improvement > 1.2 is good"),
        (
            4.4,
            3.2,
            MODERATE,
            "van Gestel 1996: improvement exactly 1.2 is not > 1.2 (decision D11)",
        ),
        (3.9, 3.2, MODERATE, "van Gestel 1996: <= 3.2 and improvement > 0.6 is moderate"),
        (3.8, 3.2, NONE, "van Gestel 1996: improvement exactly 0.6 is none (decision D11)"),
        (6.0, 4.0, MODERATE, "van Gestel 1996: 3.2-5.1 and improvement > 1.2 is moderate"),
        (4.8, 4.0, MODERATE, "van Gestel 1996: 3.2-5.1 and improvement > 0.6 is moderate"),
        (4.6, 4.0, NONE, "van Gestel 1996: 3.2-5.1 and improvement 0.6 is none"),
        (6.4, 5.1, MODERATE, "van Gestel 1996: 5.1 is in the 3.2-5.1 row (> 1.2 -> moderate)"),
        (5.8, 5.1, MODERATE, "van Gestel 1996: 5.1 row, improvement 0.7 -> moderate"),
        (7.0, 5.2, MODERATE, "van Gestel 1996: > 5.1 and improvement > 1.2 is moderate"),
        (6.2, 5.2, NONE, "van Gestel 1996: > 5.1 and improvement 0.6-1.2 is none"),
        (3.0, 3.1, NONE, "docs/spec/instruments.md §10.3: a worsening is 'none'"),
    ],
)
def test_eular_response_follows_the_van_gestel_table(
    baseline: float, followup: float, expected: EularResponse, source: str
) -> None:
    assert eular_response(baseline, followup).response is expected, source


def test_a_das28_above_10_is_refused() -> None:
    with pytest.raises(OutOfValidatedRangeError, match="das28_baseline 11"):
        eular_response(11.0, 3.0)
