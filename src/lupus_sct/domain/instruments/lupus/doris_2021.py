"""DORIS 2021 definition of remission in SLE.

References
----------
van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of remission in SLE: final
recommendations from an international task force. Lupus Sci Med 2021;8:e000538.
doi:10.1136/lupus-2021-000538

Notes
-----
docs/spec/instruments.md §5.4. Remission needs a clinical SLEDAI of 0 (decision
D2: SLEDAI-2K without low complement and anti-dsDNA, so serology does not matter), an evaluator
global assessment <0.5 on the 0-3 scale (strict: 0.5 fails) and prednisolone or equivalent
<=5 mg/day (decision D3: the abstract's "5 mg/day or less", not Table 2's "<5 mg/day").
Leukopenia, thrombocytopenia and fever are clinical items and count.

Antimalarials, immunosuppressives and biologics are allowed when stable: their flags are recorded
with the result and never change ``remission`` (convention C9); ``None`` means not recorded.
Duration is not part of the definition ("sustained remission" is derived from a series).
"""

from __future__ import annotations

import dataclasses

from lupus_sct.domain.comparisons import at_most, below
from lupus_sct.domain.instruments.lupus.sledai_2k import SledaiDescriptor, clinical_sledai_score
from lupus_sct.domain.missing import check_observed_range

DORIS_MAX_CLINICAL_SLEDAI = 0  # van Vollenhoven 2021, Table 2: clinical SLEDAI = 0
DORIS_PGA_BELOW = 0.5  # van Vollenhoven 2021, Table 2: evaluator global <0.5 (strict)
DORIS_MAX_PREDNISOLONE_MG_PER_DAY = 5.0  # van Vollenhoven 2021, abstract: <=5 mg/day; decision D3

PGA_MIN, PGA_MAX = 0.0, 3.0  # evaluator global assessment, 0-3 scale (van Vollenhoven 2021)
PREDNISOLONE_MAX_MG_PER_DAY = 1000.0  # docs/spec/instruments.md §12.3: validated range 0-1000


@dataclasses.dataclass(frozen=True, slots=True)
class DorisAssessment:
    """One visit's SLEDAI-2K descriptors, PGA, steroid dose and stable-treatment flags."""

    sledai2k_descriptors: frozenset[SledaiDescriptor]
    pga: float
    prednisolone_mg_per_day: float
    antimalarial_stable: bool | None = None
    immunosuppressive_stable: bool | None = None
    biologic_stable: bool | None = None

    def __post_init__(self) -> None:
        check_observed_range("pga", self.pga, PGA_MIN, PGA_MAX)
        check_observed_range(
            "prednisolone_mg_per_day", self.prednisolone_mg_per_day, 0, PREDNISOLONE_MAX_MG_PER_DAY
        )


@dataclasses.dataclass(frozen=True, slots=True)
class DorisResult:
    """Remission, the clinical SLEDAI it used, and the recorded treatment flags (convention C9)."""

    remission: bool
    clinical_sledai: int
    antimalarial_stable: bool | None
    immunosuppressive_stable: bool | None
    biologic_stable: bool | None


def assess_doris_2021(assessment: DorisAssessment) -> DorisResult:
    """Whether one visit meets the DORIS 2021 definition of remission.

    Parameters
    ----------
    assessment
        SLEDAI-2K descriptors present (attributable to SLE), PGA (0-3) and prednisolone
        equivalent in mg/day (0-1000).

    Returns
    -------
    DorisResult
        ``remission`` and the ``clinical_sledai`` computed from the descriptors.

    Raises
    ------
    OutOfValidatedRangeError
        When the input is built with a PGA outside 0-3 or a dose outside 0-1000 mg/day.

    References
    ----------
    van Vollenhoven RF et al. Lupus Sci Med 2021;8:e000538. doi:10.1136/lupus-2021-000538

    Notes
    -----
    Decision D2 (clinical SLEDAI) and decision D3 (prednisolone <=5 mg/day, inclusive);
    convention C9 (treatment flags recorded, never scored). The PGA and dose comparisons use the
    platform tolerance (decision D11).
    """
    clinical = clinical_sledai_score(assessment.sledai2k_descriptors)
    remission = (
        clinical <= DORIS_MAX_CLINICAL_SLEDAI
        and below(assessment.pga, DORIS_PGA_BELOW)
        and at_most(assessment.prednisolone_mg_per_day, DORIS_MAX_PREDNISOLONE_MG_PER_DAY)
    )
    return DorisResult(
        remission=remission,
        clinical_sledai=clinical,
        antimalarial_stable=assessment.antimalarial_stable,
        immunosuppressive_stable=assessment.immunosuppressive_stable,
        biologic_stable=assessment.biologic_stable,
    )


def is_in_doris_remission(assessment: DorisAssessment) -> bool:
    """``True`` when the visit meets DORIS 2021 remission (see :func:`assess_doris_2021`)."""
    return assess_doris_2021(assessment).remission
