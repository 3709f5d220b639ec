"""SLICC/ACR Damage Index (SDI): item vocabulary, organ caps, 6-month rule and longitudinal score.

References
----------
Gladman D, Ginzler E, Goldsmith C, et al. The development and initial validation of the Systemic
Lupus International Collaborating Clinics/American College of Rheumatology damage index for
systemic lupus erythematosus. Arthritis Rheum 1996;39:363-9.
doi:10.1002/art.1780390303

Notes
-----
Item ids, weights and organ maxima follow docs/spec/instruments.md §2 (41 items,
maximum 47). Version: "SLICC/ACR DI 1996"; the 2024 SLICC/ACR/LFA revision is not implemented.

- Count items (CVA, MI, significant tissue loss, GI infarction or resection, avascular necrosis,
  malignancy) score 1 for one episode or site and 2 for two or more; repeat episodes are attested
  by the clinician as >= 6 months apart.
- End-stage renal disease (ESRD) scores 3 and replaces the other renal items (pitfall 1).
- The 6-month rule (decision D4, convention C10): an item scores once it has persisted for at
  least 6 months (exactly 6 months scores), except the exempt items in :data:`EXEMPT_ITEMS`.
- Each recorded item keeps its onset date, so the score can be derived at any date and never
  decreases (decision D4): :func:`score_sdi_as_of`.
- Missing data: an item that is not given is "not present"; the SDI has no "not evaluated" state
  per item. Callers keep unassessed visits apart.
"""

from __future__ import annotations

import calendar
import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol

from lupus_sct.domain.errors import InvalidValueError

VERSION = "SLICC/ACR DI 1996"  # docs/spec/instruments.md §0.6
PERSISTENCE_MONTHS = 6  # Gladman 1996: damage present >= 6 months; convention C10 (inclusive)
COUNT_ITEM_MAX_POINTS = 2  # Gladman 1996: "2 if >1"; docs/spec/instruments.md §2, pitfall 6
ESRD_POINTS = 3  # Gladman 1996: end-stage renal disease scores 3
GFR_ITEM_MAX_EGFR_EXCLUSIVE = 50.0  # decision D4: "GFR <50%" from labs = eGFR < 50 mL/min/1.73 m2
SDI_MAX = 47  # Gladman 1996: maximum score; docs/spec/instruments.md §2


class SdiItem(enum.Enum):
    """The SDI items; the six count items score 2 when they occurred more than once."""

    OCULAR_CATARACT = "ocular_cataract"
    OCULAR_RETINAL_CHANGE_OR_OPTIC_ATROPHY = "ocular_retinal_change_or_optic_atrophy"
    NP_COGNITIVE_IMPAIRMENT_OR_MAJOR_PSYCHOSIS = "np_cognitive_impairment_or_major_psychosis"
    NP_SEIZURES_REQUIRING_THERAPY_6MO = "np_seizures_requiring_therapy_6mo"
    NP_CVA = "np_cva"
    NP_CRANIAL_OR_PERIPHERAL_NEUROPATHY = "np_cranial_or_peripheral_neuropathy"
    NP_TRANSVERSE_MYELITIS = "np_transverse_myelitis"
    RENAL_GFR_LT_50PCT = "renal_gfr_lt_50pct"
    RENAL_PROTEINURIA_GE_3_5G_24H = "renal_proteinuria_ge_3_5g_24h"
    RENAL_ESRD = "renal_esrd"
    PULM_HYPERTENSION = "pulm_hypertension"
    PULM_FIBROSIS = "pulm_fibrosis"
    PULM_SHRINKING_LUNG = "pulm_shrinking_lung"
    PULM_PLEURAL_FIBROSIS = "pulm_pleural_fibrosis"
    PULM_INFARCTION_OR_RESECTION = "pulm_infarction_or_resection"
    CV_ANGINA_OR_CABG = "cv_angina_or_cabg"
    CV_MI = "cv_mi"
    CV_CARDIOMYOPATHY = "cv_cardiomyopathy"
    CV_VALVULAR_DISEASE = "cv_valvular_disease"
    CV_PERICARDITIS_6MO_OR_PERICARDIECTOMY = "cv_pericarditis_6mo_or_pericardiectomy"
    PV_CLAUDICATION_6MO = "pv_claudication_6mo"
    PV_MINOR_TISSUE_LOSS = "pv_minor_tissue_loss"
    PV_SIGNIFICANT_TISSUE_LOSS = "pv_significant_tissue_loss"
    PV_VENOUS_THROMBOSIS = "pv_venous_thrombosis"
    GI_INFARCTION_OR_RESECTION = "gi_infarction_or_resection"
    GI_MESENTERIC_INSUFFICIENCY = "gi_mesenteric_insufficiency"
    GI_CHRONIC_PERITONITIS = "gi_chronic_peritonitis"
    GI_STRICTURE_OR_UPPER_GI_SURGERY = "gi_stricture_or_upper_gi_surgery"
    GI_PANCREATIC_INSUFFICIENCY = "gi_pancreatic_insufficiency"
    MSK_MUSCLE_ATROPHY_OR_WEAKNESS = "msk_muscle_atrophy_or_weakness"
    MSK_DEFORMING_OR_EROSIVE_ARTHRITIS = "msk_deforming_or_erosive_arthritis"
    MSK_OSTEOPOROSIS_WITH_FRACTURE = "msk_osteoporosis_with_fracture"
    MSK_AVASCULAR_NECROSIS = "msk_avascular_necrosis"
    MSK_OSTEOMYELITIS = "msk_osteomyelitis"
    MSK_RUPTURED_TENDON = "msk_ruptured_tendon"
    SKIN_SCARRING_CHRONIC_ALOPECIA = "skin_scarring_chronic_alopecia"
    SKIN_EXTENSIVE_SCARRING = "skin_extensive_scarring"
    SKIN_ULCERATION_6MO = "skin_ulceration_6mo"
    PREMATURE_GONADAL_FAILURE = "premature_gonadal_failure"
    DIABETES = "diabetes"
    MALIGNANCY = "malignancy"


COUNT_ITEMS = frozenset(
    {
        SdiItem.NP_CVA,
        SdiItem.CV_MI,
        SdiItem.PV_SIGNIFICANT_TISSUE_LOSS,
        SdiItem.GI_INFARCTION_OR_RESECTION,
        SdiItem.MSK_AVASCULAR_NECROSIS,
        SdiItem.MALIGNANCY,
    }
)  # Gladman 1996: "2 if >1"; docs/spec/instruments.md §2

EXEMPT_ITEMS = frozenset(
    {
        SdiItem.OCULAR_CATARACT,
        SdiItem.NP_CVA,
        SdiItem.CV_MI,
        SdiItem.PV_SIGNIFICANT_TISSUE_LOSS,
        SdiItem.GI_INFARCTION_OR_RESECTION,
        SdiItem.GI_STRICTURE_OR_UPPER_GI_SURGERY,
        SdiItem.RENAL_ESRD,
        SdiItem.MALIGNANCY,
    }
)  # Gladman 1996 "ever" items, plus ESRD and malignancy (decision D4)

RENAL_ITEMS_REPLACED_BY_ESRD = frozenset(
    {SdiItem.RENAL_GFR_LT_50PCT, SdiItem.RENAL_PROTEINURIA_GE_3_5G_24H}
)  # Gladman 1996: "or ESRD (3)"; docs/spec/instruments.md §2, pitfall 1


class SdiOrgan(enum.Enum):
    """The 12 organ systems of the SDI form, with their maximum score."""

    OCULAR = ("ocular", 2)  # Gladman 1996
    NEUROPSYCHIATRIC = ("neuropsychiatric", 6)  # Gladman 1996
    RENAL = ("renal", 3)  # Gladman 1996; ESRD replaces the other renal items
    PULMONARY = ("pulmonary", 5)  # Gladman 1996
    CARDIOVASCULAR = ("cardiovascular", 6)  # Gladman 1996
    PERIPHERAL_VASCULAR = ("peripheral_vascular", 5)  # Gladman 1996
    GASTROINTESTINAL = ("gastrointestinal", 6)  # Gladman 1996
    MUSCULOSKELETAL = ("musculoskeletal", 7)  # Gladman 1996
    SKIN = ("skin", 3)  # Gladman 1996
    PREMATURE_GONADAL_FAILURE = ("premature_gonadal_failure", 1)  # Gladman 1996
    DIABETES = ("diabetes", 1)  # Gladman 1996
    MALIGNANCY = ("malignancy", 2)  # Gladman 1996

    @property
    def maximum(self) -> int:
        """The organ's maximum score."""
        return self.value[1]


_ORGAN_PREFIXES = (
    ("ocular_", SdiOrgan.OCULAR),
    ("np_", SdiOrgan.NEUROPSYCHIATRIC),
    ("renal_", SdiOrgan.RENAL),
    ("pulm_", SdiOrgan.PULMONARY),
    ("cv_", SdiOrgan.CARDIOVASCULAR),
    ("pv_", SdiOrgan.PERIPHERAL_VASCULAR),
    ("gi_", SdiOrgan.GASTROINTESTINAL),
    ("msk_", SdiOrgan.MUSCULOSKELETAL),
    ("skin_", SdiOrgan.SKIN),
    ("premature_gonadal_failure", SdiOrgan.PREMATURE_GONADAL_FAILURE),
    ("diabetes", SdiOrgan.DIABETES),
    ("malignancy", SdiOrgan.MALIGNANCY),
)


def organ_of(item: SdiItem) -> SdiOrgan:
    """The organ system an item belongs to (the item id's prefix)."""
    return next(organ for prefix, organ in _ORGAN_PREFIXES if item.value.startswith(prefix))


@dataclasses.dataclass(frozen=True, slots=True)
class SdiScore:
    """An SDI score with its organ subtotals (organs scoring 0 included)."""

    score: int
    organ_scores: tuple[tuple[SdiOrgan, int], ...]
    version: str = VERSION


@dataclasses.dataclass(frozen=True, slots=True)
class SdiPersistenceItem:
    """One damage item with how long it has been present (``persistence`` shape).

    Raises
    ------
    InvalidValueError
        When ``months_present`` is negative or ``episodes`` is below 1, or above 1 for an item that
        is not a count item.
    """

    item: SdiItem
    months_present: float
    episodes: int = 1

    def __post_init__(self) -> None:
        if self.months_present < 0:
            raise InvalidValueError(
                f"{self.item.value}.months_present", self.months_present, "a number >= 0"
            )
        _check_episodes(self.item, self.episodes)


class DatedSdiItem(Protocol):
    """A damage item with its onset date (for example ``assessment.DamageItem``)."""

    @property
    def item(self) -> SdiItem: ...

    @property
    def onset_date(self) -> date: ...

    @property
    def episodes(self) -> int: ...


def _check_episodes(item: SdiItem, episodes: int) -> None:
    if episodes < 1:
        raise InvalidValueError(f"{item.value}.episodes", episodes, "a whole number >= 1")
    if episodes > 1 and item not in COUNT_ITEMS:
        raise InvalidValueError(
            f"{item.value}.episodes",
            episodes,
            "1 (only CVA, MI, significant tissue loss, GI infarction or resection, avascular "
            "necrosis and malignancy are counted)",
        )


def item_points(item: SdiItem, episodes: int) -> int:
    """Points of one present item before organ rules: 1; 2 for a repeated count item; 3 for ESRD.

    Parameters
    ----------
    item
        The damage item.
    episodes
        Episodes or sites (>= 1); above 1 only for count items.

    Raises
    ------
    InvalidValueError
        When ``episodes`` is not valid for the item.
    """
    _check_episodes(item, episodes)
    if item is SdiItem.RENAL_ESRD:
        return ESRD_POINTS
    if item in COUNT_ITEMS:
        return min(episodes, COUNT_ITEM_MAX_POINTS)
    return 1


def score_sdi(points: Mapping[SdiItem, int]) -> SdiScore:
    """Sum item points by organ, applying the ESRD rule and the organ maxima.

    Parameters
    ----------
    points
        Points of each present item, as :func:`item_points` gives them (absent = not present).

    Returns
    -------
    SdiScore
        The total (0-47) and the organ subtotals.

    Notes
    -----
    When ESRD is present, the other renal items are ignored (Gladman 1996; docs/spec/instruments.md
    §2, pitfall 1). Each organ is capped at its published maximum as a safeguard.
    """
    esrd = points.get(SdiItem.RENAL_ESRD, 0) > 0
    subtotals = dict.fromkeys(SdiOrgan, 0)
    for item, value in points.items():
        if esrd and item in RENAL_ITEMS_REPLACED_BY_ESRD:
            continue
        subtotals[organ_of(item)] += value
    capped = tuple((organ, min(total, organ.maximum)) for organ, total in subtotals.items())
    return SdiScore(score=sum(total for _, total in capped), organ_scores=capped)


def score_sdi_total(counts: Mapping[SdiItem, int]) -> SdiScore:
    """Score the ``total`` shape: every item given has met its persistence requirement.

    Parameters
    ----------
    counts
        For each item, the number of episodes or sites present (0 = absent; at most 1 for items
        that are not count items). A count of 0 scores 0, 1 scores 1, >= 2 scores 2.

    Raises
    ------
    InvalidValueError
        When a count is negative, or above 1 for an item that is not a count item.
    """
    points: dict[SdiItem, int] = {}
    for item, count in counts.items():
        if count < 0:
            raise InvalidValueError(item.value, count, "a whole number >= 0")
        if count > 0:
            points[item] = item_points(item, count)
    return score_sdi(points)


def meets_persistence(item: SdiItem, months_present: float) -> bool:
    """Whether an item counts under the 6-month rule (decision D4, convention C10)."""
    return item in EXEMPT_ITEMS or months_present >= PERSISTENCE_MONTHS


def score_sdi_persistence(items: Sequence[SdiPersistenceItem]) -> SdiScore:
    """Score the ``persistence`` shape: apply the 6-month rule to each item.

    Raises
    ------
    InvalidValueError
        When an item appears more than once.
    """
    points: dict[SdiItem, int] = {}
    for entry in items:
        if entry.item in points:
            raise InvalidValueError("items", entry.item.value, "each SDI item at most once")
        points[entry.item] = (
            item_points(entry.item, entry.episodes)
            if meets_persistence(entry.item, entry.months_present)
            else 0
        )
    return score_sdi({item: value for item, value in points.items() if value})


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def item_counts_as_of(item: SdiItem, onset_date: date, as_of: date) -> bool:
    """Whether an item with this onset date is scored at ``as_of`` (decision D4, convention C10).

    An exempt item counts from its onset date; any other item from the date 6 calendar months
    after onset (inclusive; 31 August + 6 months is the last day of February).
    """
    if onset_date > as_of:
        return False
    if item in EXEMPT_ITEMS:
        return True
    return add_months(onset_date, PERSISTENCE_MONTHS) <= as_of


def score_sdi_as_of(items: Iterable[DatedSdiItem], as_of: date) -> SdiScore:
    """The SDI at ``as_of`` from dated damage items, never decreasing as ``as_of`` advances.

    Parameters
    ----------
    items
        Damage items with onset dates, possibly from several assessments; an item recorded more
        than once contributes its highest points among the records that count at ``as_of``.
    as_of
        The date at which damage is assessed; items with a later onset are not yet present.

    Returns
    -------
    SdiScore
        The score at ``as_of``.

    Notes
    -----
    Decision D4: damage is irreversible, so an item scored once stays scored. The score depends
    only on which records have reached their scoring date, and that set only grows with
    ``as_of``, so the score is non-decreasing in time and in the items recorded.
    """
    points: dict[SdiItem, int] = {}
    for record in items:
        if item_counts_as_of(record.item, record.onset_date, as_of):
            value = item_points(record.item, record.episodes)
            points[record.item] = max(points.get(record.item, 0), value)
    return score_sdi(points)


def gfr_item_onset(egfr_series: Iterable[tuple[date, float]]) -> date | None:
    """Onset of the "GFR <50%" item derived from laboratory eGFR (decision D4), or ``None``.

    Parameters
    ----------
    egfr_series
        ``(date, eGFR in mL/min/1.73 m2)`` results, in any order.

    Returns
    -------
    date or None
        The first date of the earliest run of consecutive results all below 50 whose last result
        is at least 6 calendar months after its first; ``None`` if there is no such run.

    Notes
    -----
    A result of 50 or more ends a run. Fed to :func:`score_sdi_as_of`, the item then scores from
    6 months after this onset, which is on or before the run's last result. Items a clinician
    asserts are taken as asserted and do not need this derivation.
    """
    run_start: date | None = None
    for when, egfr in sorted(egfr_series):
        if egfr >= GFR_ITEM_MAX_EGFR_EXCLUSIVE:
            run_start = None
            continue
        run_start = run_start or when
        if add_months(run_start, PERSISTENCE_MONTHS) <= when:
            return run_start
    return None
