"""A treated course's toxicities, infections, GVHD and long-term outcomes, as table rows.

Notes
-----
CTCAE v5.0 terms: "Febrile neutropenia", "Mucositis oral", "Cytokine release syndrome", "Lung
infection", "Skin infection" (a zoster reactivation), "Sepsis" (grade 5 for a treatment-related
death). ICANS is recorded
as "Immune effector cell-associated neurotoxicity syndrome", graded by ASTCT 2019 (Lee 2019),
the term CTCAE v5.0 lacks. GVHD: MAGIC grade (acute) or NIH global severity (chronic).
"""

from __future__ import annotations

from typing import Any, Protocol

from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.synthetic.therapy_plan import ALLO, AUTO, CAR_T, MSC, NEVER


class _Rows(Protocol):
    @property
    def rows(self) -> dict[str, list[tuple[Any, ...]]]: ...


class _Course(Protocol):
    """What outcomes need of a course being built (``pathway_rows._Course``, which calls us)."""

    @property
    def c(self) -> dict[str, Any]: ...
    @property
    def limit(self) -> int: ...
    @property
    def day0(self) -> int | None: ...
    @property
    def out(self) -> _Rows: ...
    def enter(self, day: int, phase: CoursePhase, reason: str) -> None: ...


_BACTERIA = ("Staphylococcus epidermidis", "Escherichia coli", "Klebsiella pneumoniae", "unknown")
_TRM_CAUSES = ("sepsis", "invasive fungal infection", "cerebral haemorrhage")  # ASH2007_CN notes
_SECONDARY_AD = (
    "autoimmune thyroiditis",
    "immune thrombocytopenia",
    "autoimmune haemolytic anaemia",
)


def _adverse(
    b: _Course,
    term: str,
    grade: int,
    onset: int,
    resolved: int | None,
    *,
    serious: bool,
    attribution: str,
) -> None:
    if onset > b.limit:
        return
    resolution = resolved if resolved is not None and resolved <= b.limit else None
    b.out.rows["adverse_events"].append(
        (b.c["patient"], b.c["id"], term, grade, onset, serious, attribution, resolution)
    )


def _infection(b: _Course, kind: str, organism: str, site: str, onset: int, resolved: int) -> None:
    if onset <= b.limit:
        resolution = resolved if resolved <= b.limit else None
        b.out.rows["infections"].append(
            (b.c["patient"], b.c["id"], kind, organism, site, onset, resolution)
        )


def _hsct_toxicity(b: _Course) -> None:
    c = b.c
    day0, anc = c["day0"], c["day0"] + c["anc_day"]
    if c["mucositis_grade"]:
        grade = c["mucositis_grade"]
        _adverse(
            b,
            "Mucositis oral",
            grade,
            day0 + 3,
            anc + 1,
            serious=grade >= 3,
            attribution="definite",
        )
    if c["infection"]:
        onset = day0 + min(4 + int(4 * c["u4"]), c["anc_day"] - 1)
        _adverse(
            b, "Febrile neutropenia", 3, onset, onset + 4, serious=True, attribution="probable"
        )
        organism = _BACTERIA[int(c["u1"] * len(_BACTERIA))]
        _infection(
            b,
            "bacterial" if organism != "unknown" else "unknown",
            organism,
            "blood",
            onset,
            onset + 10,
        )
    if c["kind"] == ALLO and c["acute_gvhd_grade"] >= 0:
        onset = c["acute_gvhd_onset"]
        resolved = onset + 21 + int(40 * c["u2"])
        if onset <= b.limit:
            b.out.rows["gvhd_episodes"].append(
                (
                    c["patient"],
                    c["id"],
                    "acute",
                    onset,
                    c["acute_gvhd_grade"],
                    resolved if resolved <= b.limit else None,
                )
            )
    if c["kind"] == ALLO and c["chronic_gvhd_grade"] and c["chronic_gvhd_onset"] <= b.limit:
        b.out.rows["gvhd_episodes"].append(
            (
                c["patient"],
                c["id"],
                "chronic",
                c["chronic_gvhd_onset"],
                c["chronic_gvhd_grade"],
                None,
            )
        )


def _car_t_toxicity(b: _Course) -> None:
    c = b.c
    onset = c["crs_onset"]
    if c["crs_grade"]:
        _adverse(
            b,
            "Cytokine release syndrome",
            c["crs_grade"],
            onset,
            onset + 1 + int(3 * c["u2"]),
            serious=c["crs_grade"] >= 2,
            attribution="definite",
        )
    if c["icans"]:
        _adverse(
            b,
            "Immune effector cell-associated neurotoxicity syndrome",
            1,
            onset + 1,
            onset + 2 + int(2 * c["u3"]),
            serious=False,
            attribution="definite",
        )
    if c["infection"]:
        start = c["day0"] + 14 + int(100 * c["u4"])
        _adverse(b, "Lung infection", 3, start, start + 10, serious=True, attribution="possible")
        _infection(b, "bacterial", "Streptococcus pneumoniae", "lung", start, start + 10)


def _msc_toxicity(b: _Course) -> None:
    c = b.c
    if c["infection"]:
        start = c["day0"] + 30 + int(300 * c["u4"])
        _adverse(b, "Skin infection", 2, start, start + 14, serious=False, attribution="unlikely")
        _infection(b, "viral", "Varicella zoster virus", "skin", start, start + 14)


def _outcome(b: _Course, kind: str, day: int, detail: str) -> None:
    if day <= b.limit:
        b.out.rows["outcomes"].append((b.c["patient"], b.c["id"], kind, day, detail))


def _death_cause(b: _Course) -> str:
    c = b.c
    if c["mobilisation_death"]:
        return "disseminated mucormycosis after mobilisation"  # BURT2006 notes
    if c["trm"]:
        return _TRM_CAUSES[int(c["u4"] * len(_TRM_CAUSES))]
    if c["relapse"] < c["death"]:
        return "active lupus" if not c["is_ra"] else "active rheumatoid arthritis"
    if c["malignancy"] < c["death"]:
        return "malignancy"
    return ("infection", "cardiovascular disease", "unknown")[int(c["u3"] * 3)]


def add_outcomes(b: _Course, as_of: int) -> None:
    """Toxicities while treated, then relapse, secondary disease, malignancy and death."""
    c = b.c
    if b.day0 is not None:
        {AUTO: _hsct_toxicity, ALLO: _hsct_toxicity, CAR_T: _car_t_toxicity, MSC: _msc_toxicity}[
            c["kind"]
        ](b)
        if c["relapse"] != NEVER:
            _outcome(b, "relapse_or_flare", c["relapse"], "flare after remission (SLEDAI-2K rise)")
        if c["kind"] in (AUTO, ALLO):
            _outcome(
                b,
                "secondary_autoimmune_disease",
                c["secondary_autoimmune"],
                _SECONDARY_AD[int(c["u2"] * len(_SECONDARY_AD))],
            )
        ptld = c["kind"] == AUTO and c["cd34_selected"] and c["malignancy"] < c["day0"] + 366
        detail = (
            "EBV-associated post-transplant lymphoproliferative disorder"
            if ptld
            else "solid tumour"
        )
        _outcome(b, "new_malignancy", c["malignancy"], detail)
    if c["death"] <= as_of:
        cause = _death_cause(b)
        if c["trm"]:
            _adverse(
                b,
                "Sepsis" if cause == "sepsis" else "Death NOS",
                5,
                c["death"],
                None,
                serious=True,
                attribution="probable",
            )
        _outcome(b, "death", c["death"], cause)
        b.enter(c["death"], CoursePhase.DIED, f"died: {cause}")
