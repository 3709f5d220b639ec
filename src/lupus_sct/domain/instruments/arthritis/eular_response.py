"""EULAR response criteria based on DAS28.

References
----------
van Gestel AM, Prevoo MLL, van 't Hof MA, et al. Development and validation of the European
League Against Rheumatism response criteria for rheumatoid arthritis. Arthritis Rheum
1996;39:34-40. doi:10.1002/art.1780390105
van Gestel AM, Haagsma CJ, van Riel PLCM. Validation of rheumatoid arthritis improvement criteria
that include simplified joint counts. Arthritis Rheum 1998;41:1845-50.
doi:10.1002/1529-0131(199810)41:10<1845::AID-ART17>3.0.CO;2-K

Notes
-----
- Improvement = baseline DAS28 - follow-up DAS28; a worsening is "none".
- The difference and the follow-up bands (<= 3.2, <= 5.1) are compared with the 1e-9 tolerance
  (decision D11), so 4.4 -> 3.2 is an improvement of exactly 1.2 ("moderate").
- Both scores must come from the same DAS28 variant (docs/spec/instruments.md §10, pitfall 4); the
  caller is responsible for that. Both are required; range 0-10.
"""

from __future__ import annotations

import dataclasses
import enum
import math

from lupus_sct.domain.comparisons import above, at_most
from lupus_sct.domain.errors import OutOfValidatedRangeError

GOOD_IMPROVEMENT_ABOVE = 1.2  # van Gestel 1996: improvement > 1.2
MODERATE_IMPROVEMENT_ABOVE = 0.6  # van Gestel 1996: improvement > 0.6 and <= 1.2
LOW_ACTIVITY_AT_MOST = 3.2  # van Gestel 1996: present DAS28 <= 3.2
HIGH_ACTIVITY_ABOVE = 5.1  # van Gestel 1996: present DAS28 > 5.1
DAS28_RANGE = (0.0, 10.0)  # docs/spec/instruments.md §12.3, eular-response das28 range 0-10


class EularResponse(enum.Enum):
    """EULAR response category."""

    GOOD = "good"
    MODERATE = "moderate"
    NONE = "none"


@dataclasses.dataclass(frozen=True, slots=True)
class EularResponseResult:
    """EULAR response with the improvement it was derived from."""

    improvement: float
    response: EularResponse


def _checked(field: str, value: float) -> float:
    low, high = DAS28_RANGE
    if isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise OutOfValidatedRangeError(field, value, low, high, "DAS28 points")
    return value


def eular_response(das28_baseline: float, das28_followup: float) -> EularResponseResult:
    """EULAR response from baseline and follow-up DAS28 of the same variant.

    Parameters
    ----------
    das28_baseline, das28_followup
        DAS28 scores, 0-10.

    Returns
    -------
    EularResponseResult
        Follow-up <= 3.2: good if improvement > 1.2, moderate if > 0.6, else none.
        Follow-up > 3.2 and <= 5.1: moderate if improvement > 0.6, else none.
        Follow-up > 5.1: moderate if improvement > 1.2, else none.

    References
    ----------
    van Gestel AM et al. Arthritis Rheum 1996;39:34-40, doi:10.1002/art.1780390105.

    Notes
    -----
    Decision D11 tolerance on the difference and on the follow-up bands. Raises
    :class:`OutOfValidatedRangeError` outside 0-10.
    """
    baseline = _checked("das28_baseline", das28_baseline)
    followup = _checked("das28_followup", das28_followup)
    improvement = baseline - followup
    large = above(improvement, GOOD_IMPROVEMENT_ABOVE)
    medium = above(improvement, MODERATE_IMPROVEMENT_ABOVE)
    if at_most(followup, LOW_ACTIVITY_AT_MOST):
        response = EularResponse.GOOD if large else EularResponse.MODERATE if medium else None
    elif at_most(followup, HIGH_ACTIVITY_ABOVE):
        response = EularResponse.MODERATE if medium else None
    else:
        response = EularResponse.MODERATE if large else None
    return EularResponseResult(improvement, response or EularResponse.NONE)
