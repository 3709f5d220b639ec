"""SELENA Flare Index (SFI): none, mild/moderate or severe flare between two visits.

References
----------
Petri M, Buyon J, Kim M. Classification and definition of major flares in SLE clinical trials.
Lupus 1999;8:685-91. Petri M et al. N Engl J Med 2005;353:2550-8 (OC-SELENA). Buyon JP et al.
Ann Intern Med 2005;142:953-62.

Notes
-----
Implements the operational rules of docs/spec/instruments.md §1 ("SELENA Flare
Index (classic)"), with convention C3: "increase to >12" (score) and "increase to >2.5" (PGA)
mean the current value is above the limit *and* higher than the previous value, so a stable high
score is not a flare (pitfall 6). Severe overrides mild/moderate. New mycophenolate counts as
severe (later SFI versions).

PGA comparisons use the platform tolerance (decision D11, :mod:`lupus_sct.domain.comparisons`):
a PGA rise of exactly 1.0 computed as ``2.1 - 1.1`` counts as a rise of 1.0.

Missing data: every flag defaults to ``False`` ("not present"). When the current prednisone dose
in mg/kg/day is not recorded, severe criterion 3 (increased *and* >0.5 mg/kg/day) cannot be met;
an increase still meets mild/moderate criterion 3.
"""

from __future__ import annotations

import dataclasses
import enum

from lupus_sct.domain.comparisons import above, at_least
from lupus_sct.domain.instruments.lupus.sledai_2k import check_sledai_points
from lupus_sct.domain.missing import check_observed_range

SFI_SEVERE_SLEDAI_ABOVE = 12  # Petri 1999 SFI table: severe "increase to >12"; convention C3
SFI_MILD_MODERATE_MIN_SLEDAI_RISE = 3  # Petri 1999, SFI table: "increase >=3 points"
SFI_SEVERE_PGA_ABOVE = 2.5  # Petri 1999 SFI: severe "increase to >2.5"; convention C3
SFI_MILD_MODERATE_MIN_PGA_RISE = 1.0  # Petri 1999, SFI table: PGA "increase >=1.0"
SFI_SEVERE_PREDNISONE_ABOVE_MG_PER_KG = 0.5  # Petri 1999, SFI table: ">0.5 mg/kg/day" (strict)

PGA_MIN, PGA_MAX = 0.0, 3.0  # SELENA-SLEDAI PGA, 0-3 visual analogue scale (Petri 2005)
PREDNISONE_MAX_MG_PER_KG_PER_DAY = 30.0  # docs/spec/instruments.md §12.3: validated range 0-30


class SelenaFlare(enum.Enum):
    """SFI category; severe overrides mild/moderate."""

    NONE = "none"
    MILD_MODERATE = "mild_moderate"
    SEVERE = "severe"


@dataclasses.dataclass(frozen=True, slots=True)
class SelenaFlareInput:
    """Two consecutive visits' SELENA-SLEDAI and PGA, plus the treatment and clinical flags."""

    sledai_prev: int
    sledai_curr: int
    pga_prev: float
    pga_curr: float
    prednisone_increased: bool = False
    prednisone_mg_per_kg_curr: float | None = None
    prednisone_doubled: bool = False
    nsaid_or_hydroxychloroquine_added: bool = False
    new_cyclophosphamide_azathioprine_methotrexate: bool = False
    new_mycophenolate: bool = False
    hospitalized_for_sle: bool = False
    severe_manifestation_new_or_worse: bool = False
    mild_moderate_manifestation_new_or_worse: bool = False

    def __post_init__(self) -> None:
        check_sledai_points("sledai_prev", self.sledai_prev)
        check_sledai_points("sledai_curr", self.sledai_curr)
        check_observed_range("pga_prev", self.pga_prev, PGA_MIN, PGA_MAX)
        check_observed_range("pga_curr", self.pga_curr, PGA_MIN, PGA_MAX)
        if self.prednisone_mg_per_kg_curr is not None:
            check_observed_range(
                "prednisone_mg_per_kg_curr",
                self.prednisone_mg_per_kg_curr,
                0,
                PREDNISONE_MAX_MG_PER_KG_PER_DAY,
            )


@dataclasses.dataclass(frozen=True, slots=True)
class SelenaFlareResult:
    """The SFI category."""

    flare: SelenaFlare


def _severe_on_score_or_pga(visit: SelenaFlareInput) -> bool:
    score_rose_above_12 = (
        visit.sledai_curr > SFI_SEVERE_SLEDAI_ABOVE and visit.sledai_curr > visit.sledai_prev
    )
    pga_rose_above_2_5 = above(visit.pga_curr, SFI_SEVERE_PGA_ABOVE) and above(
        visit.pga_curr, visit.pga_prev
    )
    return score_rose_above_12 or pga_rose_above_2_5


def _severe_on_treatment_or_manifestation(visit: SelenaFlareInput) -> bool:
    dose = visit.prednisone_mg_per_kg_curr
    high_dose_increase = (
        visit.prednisone_increased
        and dose is not None
        and above(dose, SFI_SEVERE_PREDNISONE_ABOVE_MG_PER_KG)
    )
    return any(
        (
            high_dose_increase,
            visit.prednisone_doubled,
            visit.new_cyclophosphamide_azathioprine_methotrexate,
            visit.new_mycophenolate,
            visit.hospitalized_for_sle,
            visit.severe_manifestation_new_or_worse,
        )
    )


def _is_mild_moderate(visit: SelenaFlareInput) -> bool:
    return any(
        (
            visit.sledai_curr - visit.sledai_prev >= SFI_MILD_MODERATE_MIN_SLEDAI_RISE,
            at_least(visit.pga_curr - visit.pga_prev, SFI_MILD_MODERATE_MIN_PGA_RISE),
            visit.prednisone_increased,
            visit.nsaid_or_hydroxychloroquine_added,
            visit.mild_moderate_manifestation_new_or_worse,
        )
    )


def classify_selena_flare(visit: SelenaFlareInput) -> SelenaFlareResult:
    """Classify the change between two visits with the SELENA Flare Index.

    Parameters
    ----------
    visit
        Previous and current SELENA-SLEDAI (0-105) and PGA (0-3), and the flags of the SFI table.

    Returns
    -------
    SelenaFlareResult
        ``severe`` if any severe rule holds; otherwise ``mild_moderate`` if any mild/moderate
        rule holds; otherwise ``none``.

    Raises
    ------
    InvalidValueError
        When the input is built: a score that is not a whole number, or a value outside its
        range (SLEDAI 0-105, PGA 0-3, prednisone 0-30 mg/kg/day).

    References
    ----------
    Petri M, Buyon J, Kim M. Lupus 1999;8:685-91.

    Notes
    -----
    Severe: score >12 and higher than before; PGA >2.5 and higher than before (convention C3);
    prednisone increased to >0.5 mg/kg/day; prednisone doubled; new cyclophosphamide,
    azathioprine, methotrexate or mycophenolate; hospitalisation for SLE; a new or worse severe
    manifestation. Mild/moderate: score rise >=3; PGA rise >=1.0 (robust, decision D11);
    prednisone increased; NSAID or hydroxychloroquine added; a new or worse mild/moderate
    manifestation.
    """
    if _severe_on_score_or_pga(visit) or _severe_on_treatment_or_manifestation(visit):
        return SelenaFlareResult(SelenaFlare.SEVERE)
    if _is_mild_moderate(visit):
        return SelenaFlareResult(SelenaFlare.MILD_MODERATE)
    return SelenaFlareResult(SelenaFlare.NONE)
