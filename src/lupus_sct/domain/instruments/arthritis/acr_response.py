"""ACR20, ACR50 and ACR70 improvement criteria for rheumatoid arthritis.

References
----------
Felson DT, Anderson JJ, Boers M, et al. American College of Rheumatology preliminary definition
of improvement in rheumatoid arthritis. Arthritis Rheum 1995;38:727-35.
doi:10.1002/art.1780380602

Notes
-----
- ACRn needs >= n% improvement in the tender (68) and swollen (66) joint counts, and in at least
  3 of 5: patient pain, patient global, physician global, HAQ-DI and the acute-phase reactant.
- "At least n%" is inclusive and written as a product, ``baseline - followup >= n/100 x
  baseline``, compared with the 1e-9 tolerance (decision D11).
- A measure whose baseline is 0 cannot improve and counts as not improved; the joint-count
  baselines must be > 0.
- ACRn is computed against baseline. The acute-phase reactant must be the same marker and unit at
  both visits (the caller's responsibility). Every measure is required (missing is not zero).
"""

from __future__ import annotations

import dataclasses
import math

from lupus_sct.domain.comparisons import at_least
from lupus_sct.domain.errors import InvalidValueError, OutOfValidatedRangeError

ACR_LEVELS_PCT = (20, 50, 70)  # Felson 1995: ACR20; ACR50 and ACR70 by the same rule
OTHER_MEASURES_REQUIRED = 3  # Felson 1995: improvement in 3 of the 5 remaining measures
TJC68_MAX = 68  # Felson 1995: 68-joint tender count
SJC66_MAX = 66  # Felson 1995: 66-joint swollen count
VAS_MAX_MM = 100.0  # Felson 1995: pain and global assessments on a 100 mm VAS
HAQ_DI_MAX = 3.0  # Fries 1980: HAQ disability index 0-3


@dataclasses.dataclass(frozen=True, slots=True)
class AcrCoreSet:
    """The ACR core set measured at one visit."""

    tjc68: int
    sjc66: int
    patient_pain_mm: float
    patient_global_mm: float
    physician_global_mm: float
    haq_di: float
    acute_phase_reactant: float


@dataclasses.dataclass(frozen=True, slots=True)
class AcrResponseResult:
    """Whether ACR20, ACR50 and ACR70 are met."""

    acr20: bool
    acr50: bool
    acr70: bool


_BOUNDS = {
    "tjc68": (TJC68_MAX, "joints"),
    "sjc66": (SJC66_MAX, "joints"),
    "patient_pain_mm": (VAS_MAX_MM, "mm"),
    "patient_global_mm": (VAS_MAX_MM, "mm"),
    "physician_global_mm": (VAS_MAX_MM, "mm"),
    "haq_di": (HAQ_DI_MAX, ""),
    "acute_phase_reactant": (math.inf, ""),
}


def _check(visit: str, core: AcrCoreSet) -> None:
    for field, (high, unit) in _BOUNDS.items():
        value = getattr(core, field)
        if isinstance(value, bool) or not math.isfinite(value) or not 0 <= value <= high:
            raise OutOfValidatedRangeError(f"{field} ({visit})", value, 0, high, unit)


def is_improved_by(baseline: float, followup: float, percent: float) -> bool:
    """``baseline - followup >= percent/100 x baseline``; a zero baseline is never improved.

    Felson 1995; decision D11 tolerance.
    """
    if baseline <= 0:
        return False
    return at_least(baseline - followup, percent / 100 * baseline)


def meets_acr(baseline: AcrCoreSet, followup: AcrCoreSet, percent: float) -> bool:
    """Tell whether the ACR criterion at ``percent`` (20, 50 or 70) is met (Felson 1995)."""
    joints = is_improved_by(baseline.tjc68, followup.tjc68, percent) and is_improved_by(
        baseline.sjc66, followup.sjc66, percent
    )
    others = (
        "patient_pain_mm",
        "patient_global_mm",
        "physician_global_mm",
        "haq_di",
        "acute_phase_reactant",
    )
    improved = sum(
        is_improved_by(getattr(baseline, f), getattr(followup, f), percent) for f in others
    )
    return joints and improved >= OTHER_MEASURES_REQUIRED


def acr_response(baseline: AcrCoreSet, followup: AcrCoreSet) -> AcrResponseResult:
    """ACR20/50/70 from the baseline and follow-up core sets.

    Parameters
    ----------
    baseline, followup
        Core sets: TJC68 0-68 and SJC66 0-66 (baselines > 0), pain and globals 0-100 mm,
        HAQ-DI 0-3, acute-phase reactant >= 0 (same marker and unit at both visits).

    Returns
    -------
    AcrResponseResult
        ACR20, ACR50 and ACR70 flags; ACR70 implies ACR50 implies ACR20.

    References
    ----------
    Felson DT et al. Arthritis Rheum 1995;38:727-35, doi:10.1002/art.1780380602.

    Notes
    -----
    Raises :class:`OutOfValidatedRangeError` for a value outside its range and
    :class:`InvalidValueError` for a zero joint-count baseline.
    """
    _check("baseline", baseline)
    _check("follow-up", followup)
    for field, value in (("tjc68_baseline", baseline.tjc68), ("sjc66_baseline", baseline.sjc66)):
        if value <= 0:
            raise InvalidValueError(field, value, "a count > 0 (no improvement is possible from 0)")
    met = [meets_acr(baseline, followup, pct) for pct in ACR_LEVELS_PCT]
    return AcrResponseResult(acr20=met[0], acr50=met[1], acr70=met[2])
