"""What the decision aid compares: its options, its outcomes and which evidence rows feed each cell.

References
----------
Joseph-Williams N et al. Toward minimum standards for certifying patient decision aids: a
modified Delphi consensus process. Med Decis Making 2014;34(6):699-710.
doi:10.1177/0272989X13501721 (qualifying criteria Q3-Q5: the options and their positive and
negative features; certification: equal detail).
Elwyn G et al. Developing a quality criteria framework for patient decision aids: online
international Delphi consensus process. BMJ 2006;333:417. doi:10.1136/bmj.38926.629329.AE
(probabilities: same denominator, same time period, reference class).

Notes
-----
- Every option has a cell for every outcome (IPDAS "equal detail"); a cell with no evidence says
  "not known", and one that cannot happen with that option says "does not apply".
- Rows are chosen by outcome code (studies.csv ``outcome``) and a timepoint window. The codes
  accepted for one outcome can differ in definition between studies (for example SLEDAI <3 and
  "major clinical response"); the page shows each study's own definition next to the number.
- Standard therapy: the shared evidence holds only the placebo arm of Deng 2017 (IV
  methylprednisolone + cyclophosphamide, then prednisone + mycophenolate, in lupus nephritis),
  so standard-therapy numbers exist only for lupus nephritis (docs/spec/evidence.md §1b).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from lupus_sct.domain.evidence.studies import EvidenceRow
from lupus_sct.services.evidence.studies import COMPARATOR_ARMS


class OptionKey(enum.StrEnum):
    """The options the decision aid compares (issue 7, item 4)."""

    STANDARD = "standard"
    HSCT = "hsct"
    MSC = "msc"
    CAR_T = "car-t"


class Population(enum.StrEnum):
    """Whose evidence is shown: everyone in the studies, or people with lupus nephritis."""

    ALL = "all"
    NEPHRITIS = "nephritis"


@dataclass(frozen=True)
class Option:
    """One option, in plain words."""

    key: OptionKey
    name: str
    short_name: str
    status: str


@dataclass(frozen=True)
class Outcome:
    """One outcome, phrased to follow "Out of 100 people like you, N ..."."""

    key: str
    is_benefit: bool
    phrase: str
    complement_phrase: str
    horizon: str
    target_months: float | None
    window_months: tuple[float, float] | None


@dataclass(frozen=True)
class CellSpec:
    """Which rows feed one option's outcome: outcome codes, studies left out (with the reason
    shown on the page), and a note if needed."""

    codes: frozenset[str]
    not_applicable: bool = False
    note: str = ""
    left_out: tuple[tuple[str, str], ...] = ()


OPTIONS: tuple[Option, ...] = (
    Option(
        OptionKey.STANDARD,
        "Stronger standard treatment, including biologic medicines",
        "Standard treatment",
        "Usual care, available everywhere.",
    ),
    Option(
        OptionKey.HSCT,
        "Autologous stem cell transplant (HSCT) using your own blood stem cells",
        "Stem cell transplant",
        'A recognised option in specialist centres (EBMT: "clinical option").',
    ),
    Option(
        OptionKey.MSC,
        "Mesenchymal stromal cells (MSC) from a donor",
        "MSC",
        "Experimental: mostly given within research studies.",
    ),
    Option(
        OptionKey.CAR_T,
        "CAR-T cell therapy, within a clinical trial",
        "CAR-T (trial)",
        "Experimental: only within clinical trials.",
    ),
)

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "remission_6m",
        True,
        "had lupus in remission, or a major response, about 6 months after treatment",
        "did not",
        "about 6 months (studies at 3 to 12 months)",
        6.0,
        (3.0, 12.0),
    ),
    Outcome(
        "remission_5y",
        True,
        "were still in remission about 5 years after treatment",
        "were not",
        "about 5 years (studies at 4 to 6 years)",
        60.0,
        (48.0, 72.0),
    ),
    Outcome(
        "treatment_death",
        False,
        "died because of the treatment",
        "did not",
        "during the studies (most such deaths happen in the first months)",
        None,
        None,
    ),
    Outcome(
        "death_1y",
        False,
        "died from any cause within about 1 year",
        "were alive",
        "about 1 year (studies at 6 to 12 months)",
        12.0,
        (6.0, 12.0),
    ),
    Outcome(
        "death_5y",
        False,
        "died from any cause within about 5 years",
        "were alive",
        "about 5 years (studies at 3 to 7 years)",
        60.0,
        (36.0, 84.0),
    ),
    Outcome(
        "infection",
        False,
        "had an infection linked to the treatment period",
        "did not",
        "during the studies",
        None,
        None,
    ),
    Outcome(
        "relapse",
        False,
        "of those whose lupus improved, had it come back (a relapse or flare)",
        "did not",
        "during the studies (closest to 1 year when several are given)",
        12.0,
        None,
    ),
    Outcome(
        "crs",
        False,
        "had cytokine release syndrome (fever, sometimes low blood pressure)",
        "did not",
        "in the first 2 weeks",
        None,
        None,
    ),
    Outcome(
        "new_autoimmune_disease",
        False,
        "developed a new autoimmune disease (for example of the thyroid) later",
        "did not",
        "during the studies (about 6 years on average)",
        None,
        None,
    ),
)

_REMISSION_CODES = frozenset(
    {"remission", "doris_remission", "lldas_and_doris", "major_clinical_response"}
    | {"sri4_with_taper", "renal_remission"}
)
_LONG_REMISSION_CODES = frozenset({"remission", "disease_free_survival"})
SURVIVAL_CODES = frozenset({"overall_survival"})  # counted as deaths: total - survivors
_DEATH_CODES = frozenset({"death"}) | SURVIVAL_CODES
_NEPHRITIS = re.compile(r"\bLN\b|nephritis", re.IGNORECASE)
_NO_CRS = CellSpec(frozenset(), not_applicable=True, note="Only CAR-T causes this reaction.")

CELL_SPECS: dict[tuple[OptionKey, str], CellSpec] = {
    (OptionKey.STANDARD, "remission_6m"): CellSpec(_REMISSION_CODES),
    (OptionKey.HSCT, "remission_6m"): CellSpec(_REMISSION_CODES),
    (OptionKey.MSC, "remission_6m"): CellSpec(_REMISSION_CODES),
    (OptionKey.CAR_T, "remission_6m"): CellSpec(_REMISSION_CODES),
    (OptionKey.STANDARD, "remission_5y"): CellSpec(_LONG_REMISSION_CODES),
    (OptionKey.HSCT, "remission_5y"): CellSpec(_LONG_REMISSION_CODES),
    (OptionKey.MSC, "remission_5y"): CellSpec(
        _LONG_REMISSION_CODES, note="Counted among the people still alive at 5 years."
    ),
    (OptionKey.CAR_T, "remission_5y"): CellSpec(
        _LONG_REMISSION_CODES, note="No CAR-T study has followed people for 5 years yet."
    ),
    (OptionKey.STANDARD, "treatment_death"): CellSpec(frozenset({"treatment_related_mortality"})),
    (OptionKey.HSCT, "treatment_death"): CellSpec(
        frozenset({"treatment_related_mortality", "treatment_related_mortality_100d"})
    ),
    (OptionKey.MSC, "treatment_death"): CellSpec(
        frozenset({"transplant_related_AE"}),
        note="Counted as any side effect the study linked to the cells, which includes death.",
    ),
    (OptionKey.CAR_T, "treatment_death"): CellSpec(frozenset({"treatment_related_mortality"})),
    (OptionKey.STANDARD, "death_1y"): CellSpec(_DEATH_CODES),
    (OptionKey.HSCT, "death_1y"): CellSpec(_DEATH_CODES),
    (OptionKey.MSC, "death_1y"): CellSpec(_DEATH_CODES),
    (OptionKey.CAR_T, "death_1y"): CellSpec(_DEATH_CODES),
    (OptionKey.STANDARD, "death_5y"): CellSpec(SURVIVAL_CODES),
    (OptionKey.HSCT, "death_5y"): CellSpec(SURVIVAL_CODES),
    (OptionKey.MSC, "death_5y"): CellSpec(SURVIVAL_CODES),
    (OptionKey.CAR_T, "death_5y"): CellSpec(SURVIVAL_CODES),
    (OptionKey.STANDARD, "infection"): CellSpec(frozenset({"infection"})),
    (OptionKey.HSCT, "infection"): CellSpec(frozenset({"infection"})),
    (OptionKey.MSC, "infection"): CellSpec(frozenset({"herpes_infection"})),
    (OptionKey.CAR_T, "infection"): CellSpec(frozenset({"pneumonia_hospitalisation_all_AID"})),
    (OptionKey.STANDARD, "relapse"): CellSpec(frozenset({"relapse"})),
    (OptionKey.HSCT, "relapse"): CellSpec(frozenset({"relapse_after_remission"})),
    (OptionKey.MSC, "relapse"): CellSpec(
        frozenset({"relapse", "renal_flare"}),
        left_out=(
            (
                "WANG2013_CT",
                "counts relapse among everyone treated, not among those whose lupus improved",
            ),
        ),
    ),
    (OptionKey.CAR_T, "relapse"): CellSpec(frozenset({"relapse"})),
    (OptionKey.STANDARD, "crs"): _NO_CRS,
    (OptionKey.HSCT, "crs"): _NO_CRS,
    (OptionKey.MSC, "crs"): _NO_CRS,
    (OptionKey.CAR_T, "crs"): CellSpec(frozenset({"crs_any"})),
    (OptionKey.STANDARD, "new_autoimmune_disease"): CellSpec(frozenset()),
    (OptionKey.HSCT, "new_autoimmune_disease"): CellSpec(
        frozenset({"secondary_autoimmune_disease"})
    ),
    (OptionKey.MSC, "new_autoimmune_disease"): CellSpec(frozenset()),
    (OptionKey.CAR_T, "new_autoimmune_disease"): CellSpec(frozenset()),
}


def is_comparator_arm(row: EvidenceRow) -> bool:
    """Whether the row is the control arm of a trial (standard therapy with placebo)."""
    return row.arm is not None and row.arm.casefold() in COMPARATOR_ARMS


def belongs_to_option(row: EvidenceRow, option: OptionKey) -> bool:
    """Whether an evidence row reports on ``option`` (by its therapy text and trial arm).

    The control arm of a randomised trial received standard therapy, whatever the trial tested.
    """
    if is_comparator_arm(row):
        return option is OptionKey.STANDARD
    therapy = row.therapy.casefold()
    matches = {
        OptionKey.STANDARD: False,
        OptionKey.HSCT: "hsct" in therapy and "allogeneic" not in therapy,
        OptionKey.MSC: therapy.startswith("msc"),
        OptionKey.CAR_T: "car-t" in therapy,
    }
    return matches[option]


def is_mixed_population(row: EvidenceRow) -> bool:
    """Whether the result counts people with other autoimmune diseases too (docs/spec/evidence.md
    §0, "Mixed populations": ``_all_AID`` outcomes, "mixed" or "not SLE" therapies)."""
    therapy = row.therapy.casefold()
    return row.outcome.endswith("_all_AID") or "mixed" in therapy or "not sle" in therapy


def is_nephritis_study(row: EvidenceRow) -> bool:
    """Whether the study enrolled only people with lupus nephritis (from its design text)."""
    return _NEPHRITIS.search(row.design) is not None
