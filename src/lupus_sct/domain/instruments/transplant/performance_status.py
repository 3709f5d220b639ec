"""Karnofsky performance status (KPS), ECOG/Zubrod performance status, and a labelled conversion.

References
----------
Karnofsky DA, Burchenal JH. The clinical evaluation of chemotherapeutic agents in cancer. In:
MacLeod CM, ed. Evaluation of Chemotherapeutic Agents. New York: Columbia University Press;
1949:191-205.
Oken MM, Creech RH, Tormey DC, et al. Toxicity and response criteria of the Eastern Cooperative
Oncology Group. Am J Clin Oncol 1982;5:649-55. doi:10.1097/00000421-198212000-00014

Notes
-----
Follows docs/spec/instruments.md §7.2 and §7.3, and decision D9: the native scale is
stored; the KPS to ECOG conversion is the conventional protocol table, derived and labelled, and
not validated. KPS runs 0-100 in steps of 10; ECOG is a whole number 0-5. Patients under 16 are
assessed with the Lansky scale (CIBMTR), which is not implemented here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lupus_sct.domain.errors import InvalidValueError

KPS_MIN, KPS_MAX, KPS_STEP = 0, 100, 10  # Karnofsky 1949: 0-100 in steps of 10
ECOG_MIN, ECOG_MAX = 0, 5  # Oken 1982: grades 0-5
CONVERSION_LABEL = "conventional KPS-ECOG table, not validated"  # decision D9
KPS_TO_ECOG = {
    100: 0,
    90: 0,
    80: 1,
    70: 1,
    60: 2,
    50: 2,
    40: 3,
    30: 3,
    20: 4,
    10: 4,
    0: 5,
}  # docs/spec/instruments.md §7.3, conventional table (decision D9; not validated)


class NotOnScaleError(InvalidValueError):
    """A performance status that is not a point of its scale."""

    def __init__(self, field: str, value: Any, scale: str) -> None:
        super().__init__(field, value, scale)
        self.args = (f"{field.upper()} {value:g} is not on the {scale}",)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclasses.dataclass(frozen=True, slots=True)
class EcogConversion:
    """An ECOG grade converted from KPS, with the label of the (non-validated) table used."""

    ecog: int
    kps: int
    conversion: str = CONVERSION_LABEL


def is_valid_kps(kps: float) -> bool:
    """Whether ``kps`` is one of 0, 10, ..., 100."""
    return KPS_MIN <= kps <= KPS_MAX and kps == int(kps) and int(kps) % KPS_STEP == 0


def is_valid_ecog(ecog: float) -> bool:
    """Whether ``ecog`` is a whole number 0-5."""
    return ECOG_MIN <= ecog <= ECOG_MAX and ecog == int(ecog)


def kps_to_ecog(kps: float) -> EcogConversion:
    """Convert KPS to ECOG with the conventional table (decision D9).

    Raises
    ------
    NotOnScaleError
        When ``kps`` is not on the Karnofsky scale ("KPS 55 is not on the Karnofsky scale (0-100
        in steps of 10)").
    """
    if not is_valid_kps(kps):
        raise NotOnScaleError("kps", kps, "Karnofsky scale (0-100 in steps of 10)")
    return EcogConversion(ecog=KPS_TO_ECOG[int(kps)], kps=int(kps))
