"""Each course's pathway events, phase changes, toxicities and outcomes, as table rows.

Notes
-----
Phase changes are checked with :func:`lupus_sct.domain.pathway.engine.check_transition` as they
are made, so a generated course can only take a path the engine allows. Nothing is dated after
``as_of`` or after the patient's death: a course drawn to end later is still in progress.
Regimens: mobilisation Cy 2 g/m2 + G-CSF (TRAYNOR2000 n_treated); conditioning Cy 200 mg/kg +
equine ATG 90 mg/kg + methylprednisolone (Northwestern, CD34-selected; TRAYNOR2000) or Cy
200 mg/kg + rabbit ATG 5.5 mg/kg + rituximab 1000 mg (BURT2018 n_treated_CyATGRTX, unselected);
CAR-T lymphodepletion Flu 25 + Cy 250 mg/m2/day (SHU2025_RELMA regimen) and 1x10^6 cells/kg
(MACKENSEN2022 n_treated); MSC 1x10^6 cells/kg (WANG2013_CT n_treated).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from lupus_sct.domain.errors import PathwayOrderError
from lupus_sct.domain.pathway.course import CourseKind, EventKind
from lupus_sct.domain.pathway.engine import EARLY_ENDS, check_transition
from lupus_sct.domain.pathway.phases import CoursePhase, PhaseChange
from lupus_sct.synthetic.course_outcomes import add_outcomes
from lupus_sct.synthetic.population import KINDS, PROTOCOL_IDS
from lupus_sct.synthetic.therapy_plan import AUTO, CAR_T, MSC, CoursePlan
from lupus_sct.synthetic.workup_findings import INELIGIBLE_REASONS

P = CoursePhase
E = EventKind
NOT_EVALUATED = {"missing": "not_evaluated"}
_BEFORE_TREATMENT = frozenset({P.REFERRAL, P.EVALUATION, P.ELIGIBLE, P.CONSENTED})


@functools.cache
def check_path(kind: CourseKind, path: tuple[CoursePhase, ...]) -> None:
    """Refuse a sequence of phases the pathway engine does not allow (checked once per path).

    The dates are checked as the phases are entered (never earlier than the previous phase) and
    the day-0 rules hold by construction; the tests replay every course through
    :func:`~lupus_sct.domain.pathway.engine.check_transition` with its real dates.
    """
    on = date(2000, 1, 1)
    history: list[PhaseChange] = []
    current = P.REFERRAL
    for phase in path:
        check_transition(kind, current, history, phase, on)
        history.append(PhaseChange("", "", phase, on))
        current = phase


def _agent(name: str, dose: float, unit: str, days: list[int], rxnorm: str = "") -> dict[str, Any]:
    return {"agent": name, "dose": dose, "dose_unit": unit, "days": days, "rxnorm_code": rxnorm}


MOBILISATION_AGENTS = [
    _agent("cyclophosphamide", 2.0, "g/m2", [0], "3002"),
    _agent("filgrastim", 10.0, "ug/kg", list(range(4, 12)), "68442"),
]
CONDITIONING_SELECTED = [
    _agent("cyclophosphamide", 50.0, "mg/kg", [-5, -4, -3, -2], "3002"),
    _agent("equine anti-thymocyte globulin", 30.0, "mg/kg", [-5, -4, -3]),
    _agent("methylprednisolone", 1000.0, "mg", [-5], "6902"),
]
CONDITIONING_UNSELECTED = [
    _agent("rituximab", 500.0, "mg", [-6, -1], "121191"),
    _agent("cyclophosphamide", 50.0, "mg/kg", [-5, -4, -3, -2], "3002"),
    _agent("rabbit anti-thymocyte globulin", 1.375, "mg/kg", [-5, -4, -3, -2]),
]
CONDITIONING_ALLO = [  # ASSUMPTION (general practice): non-myeloablative Flu/Cy/ATG
    _agent("fludarabine", 30.0, "mg/m2", [-6, -5, -4, -3, -2], "24698"),
    _agent("cyclophosphamide", 14.5, "mg/kg", [-6, -5], "3002"),
    _agent("rabbit anti-thymocyte globulin", 1.5, "mg/kg", [-3, -2, -1]),
]
LYMPHODEPLETION = [
    _agent("fludarabine", 25.0, "mg/m2", [-5, -4, -3], "24698"),
    _agent("cyclophosphamide", 250.0, "mg/m2", [-5, -4, -3], "3002"),
]
_DETAILS_JSON: dict[str, str] = {
    "referral": json.dumps({"referred_by": "rheumatology", "reason": "refractory disease"}),
    "consent": json.dumps({"registry_data_transfer": True}),
    "discharge": json.dumps({"destination": "home"}),
    "neutrophil": json.dumps({"lineage": "neutrophil_0_5", "derived": False}),
    "platelet": json.dumps({"lineage": "platelet_20", "derived": False}),
}


def _infusion(**given: Any) -> str:
    details: dict[str, Any] = {
        "cd34_x10e6_per_kg": NOT_EVALUATED,
        "tnc_x10e8_per_kg": NOT_EVALUATED,
        "viability_pct": NOT_EVALUATED,
        "cells_x10e6_per_kg": NOT_EVALUATED,
        "msc_source": None,
        "msc_passage": NOT_EVALUATED,
        "product": "",
    }
    details.update(given)
    return json.dumps(details)


class CourseRows:
    """Rows of the tables a course writes, as tuples in the order of ``COLUMNS``."""

    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "courses": (
            "id",
            "patient_id",
            "kind",
            "protocol_id",
            "status",
            "start_date",
            "day0",
            "end_reason",
            "phase",
        ),
        "course_events": ("course_id", "kind", "event_date", "details"),
        "phase_changes": ("course_id", "phase", "entered_on", "reason"),
        "adverse_events": (
            "patient_id",
            "course_id",
            "ctcae_term",
            "grade",
            "onset_date",
            "serious",
            "attribution",
            "resolution_date",
        ),
        "infections": (
            "patient_id",
            "course_id",
            "kind",
            "organism",
            "site",
            "onset_date",
            "resolution_date",
        ),
        "gvhd_episodes": (
            "patient_id",
            "course_id",
            "kind",
            "onset_date",
            "max_grade",
            "resolution_date",
        ),
        "outcomes": ("patient_id", "course_id", "kind", "event_date", "detail"),
    }

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {key: [] for key in self.COLUMNS}


class _Course:
    """Builds one course, keeping only what happened by ``limit`` (as_of or death)."""

    def __init__(self, c: dict[str, Any], limit: int, out: CourseRows) -> None:
        self.c = c
        self.limit = limit
        self.out = out
        self.kind: CourseKind = KINDS[c["kind"]]
        self.phase = P.REFERRAL
        self.path: list[CoursePhase] = []
        self.history_days: list[int] = []
        self.day0: int | None = None
        self.end_reason = ""
        self.treated = False

    def event(self, day: int, kind: EventKind, details: str) -> None:
        if day <= self.limit:
            self.out.rows["course_events"].append((self.c["id"], kind.value, day, details))
            if kind is E.INFUSION and self.day0 is None:
                self.day0 = day
            if kind.stage > E.CONSENT.stage:
                self.treated = True

    def enter(self, day: int, phase: CoursePhase, reason: str) -> None:
        if day > self.limit or self.phase in EARLY_ENDS:
            return
        if self.history_days and day < self.history_days[-1]:
            raise PathwayOrderError(f"{phase.value} on day {day} is before the previous phase")
        self.path.append(phase)
        self.history_days.append(day)
        self.out.rows["phase_changes"].append((self.c["id"], phase.value, day, reason))
        self.phase = phase
        if phase in EARLY_ENDS:
            self.end_reason = reason
        elif phase is P.INFUSION and self.day0 is None:
            self.day0 = day
        if phase not in _BEFORE_TREATMENT:
            self.treated = True

    def finish(self) -> None:
        c = self.c
        check_path(self.kind, tuple(self.path))
        status = (
            "ended_early" if self.phase in EARLY_ENDS else "active" if self.treated else "planned"
        )
        protocol = PROTOCOL_IDS[(self.kind, int(c["is_ra"]))]
        self.out.rows["courses"].append(
            (
                c["id"],
                c["patient"],
                self.kind.value,
                protocol,
                status,
                c["referral"],
                self.day0,
                self.end_reason,
                self.phase.value,
            )
        )


def _pre_treatment(b: _Course) -> bool:
    c = b.c
    protocol = PROTOCOL_IDS[(b.kind, int(c["is_ra"]))]
    b.event(c["referral"], E.REFERRAL, _DETAILS_JSON["referral"])
    b.enter(c["evaluation"], P.EVALUATION, "candidate work-up started")
    if not c["eligible"]:
        reason = INELIGIBLE_REASONS[c["ineligible_reason"]]
        decision = {"eligible": False, "protocol_id": protocol, "reason": reason}
        b.event(c["decision"], E.ELIGIBILITY_DECISION, json.dumps(decision))
        b.enter(c["decision"], P.NOT_ELIGIBLE, f"MDT: not eligible ({reason})")
        return False
    decision = {"eligible": True, "protocol_id": protocol, "reason": "meets the protocol"}
    b.event(c["decision"], E.ELIGIBILITY_DECISION, json.dumps(decision))
    b.enter(c["decision"], P.ELIGIBLE, "MDT: eligible")
    b.event(c["consent"], E.CONSENT, _DETAILS_JSON["consent"])
    b.enter(c["consent"], P.CONSENTED, "informed consent signed")
    if c["withdrawn"]:
        b.enter(c["withdraw_day"], P.WITHDRAWN, "patient chose to continue conventional therapy")
        return False
    return True


def _collect_autologous(b: _Course) -> None:
    c = b.c
    mobilisation = {"agents": MOBILISATION_AGENTS, "peak_cd34_per_ul": round(20 + 60 * c["u0"], 1)}
    b.event(c["mobilisation"], E.MOBILISATION, json.dumps(mobilisation))
    b.enter(c["mobilisation"], P.MOBILISATION, "Cy 2 g/m2 given; G-CSF from day 4")
    b.enter(c["apheresis"], P.COLLECTION, "circulating CD34+ above 20/uL")
    days = c["apheresis_days"]
    for j in range(days):
        share = c["cd34_collected"] / days
        details = {"cd34_x10e6_per_kg": round(share, 2), "volume_processed_l": 15.0 + 5 * c["u1"]}
        b.event(c["apheresis"] + j, E.APHERESIS, json.dumps(details))
    product = "autologous PBSC, CD34+ selected" if c["cd34_selected"] else "autologous PBSC"
    graft = {"cd34_selected": c["cd34_selected"], "cryopreserved": True, "product": product}
    b.event(c["apheresis"] + days - 1, E.GRAFT_PROCESSING, json.dumps(graft))


def _tnc(cd34_selected: bool, u: float) -> float:
    """Nucleated cells x10^8/kg: few after CD34+ selection, several in an unselected graft."""
    return round(0.05 + 0.1 * u, 2) if cd34_selected else round(4 + 6 * u, 1)


def _conditioning_and_infusion(b: _Course) -> None:
    c = b.c
    if b.kind is CourseKind.AUTOLOGOUS_HSCT:
        agents = CONDITIONING_SELECTED if c["cd34_selected"] else CONDITIONING_UNSELECTED
        infusion = _infusion(
            cd34_x10e6_per_kg=c["cd34_infused"],
            tnc_x10e8_per_kg=_tnc(c["cd34_selected"], c["u2"]),
            viability_pct=round(88 + 10 * c["u3"], 1),
            product="autologous PBSC",
        )
    else:
        graft = {"cd34_selected": False, "cryopreserved": False, "product": "sibling PBSC"}
        b.event(c["conditioning"], E.GRAFT_PROCESSING, json.dumps(graft))
        agents = CONDITIONING_ALLO
        infusion = _infusion(
            cd34_x10e6_per_kg=round(4 + 4 * c["u2"], 2),
            tnc_x10e8_per_kg=round(6 + 6 * c["u3"], 1),
            product="HLA-identical sibling PBSC",
        )
    start = c["day0"] + min(d for a in agents for d in a["days"])
    b.event(start, E.CONDITIONING, json.dumps({"agents": agents}))
    b.enter(start, P.CONDITIONING, "conditioning started")
    b.event(c["day0"], E.INFUSION, infusion)
    b.enter(c["day0"], P.INFUSION, "stem cells infused (day 0)")


def _hsct_recovery(b: _Course) -> None:
    c = b.c
    b.enter(c["day0"], P.APLASIA, "aplasia after conditioning")
    anc, plt = c["day0"] + c["anc_day"], c["day0"] + c["platelet_day"]
    if anc + 2 <= b.limit:
        b.event(anc, E.ENGRAFTMENT, _DETAILS_JSON["neutrophil"])
        b.enter(anc, P.ENGRAFTED, "ANC >= 0.5 x10^9/L on 3 consecutive days")
    if plt + 2 <= b.limit:
        b.event(plt, E.ENGRAFTMENT, _DETAILS_JSON["platelet"])
    if anc + 2 <= b.limit and plt + 2 <= b.limit:
        b.event(c["discharge"], E.DISCHARGE, _DETAILS_JSON["discharge"])
        b.enter(c["discharge"], P.DISCHARGED, "discharged home after engraftment")
        b.enter(c["follow_up"], P.FOLLOW_UP, "long-term follow-up")


def _msc(b: _Course) -> None:
    c = b.c
    source = "umbilical_cord" if c["u2"] < 0.7 else "bone_marrow"
    infusion = _infusion(
        cells_x10e6_per_kg=1.0,
        viability_pct=round(90 + 9 * c["u3"], 1),
        msc_source=source,
        msc_passage=3 + int(3 * c["u1"]),
        product=f"allogeneic {source.replace('_', ' ')} MSC",
    )
    b.event(c["day0"], E.INFUSION, infusion)
    b.enter(c["day0"], P.INFUSION, "first MSC infusion (day 0)")
    b.enter(c["day0"] + 1, P.FOLLOW_UP, "observation after infusion")
    if c["second_infusion"]:
        b.event(c["day0"] + 7, E.INFUSION, infusion)
        b.enter(c["day0"] + 7, P.INFUSION, "second MSC infusion (day 7)")
        b.enter(c["day0"] + 8, P.FOLLOW_UP, "observation after infusion")
    b.event(c["discharge"], E.DISCHARGE, _DETAILS_JSON["discharge"])


def _car_t(b: _Course) -> None:
    c = b.c
    collection = {"cd34_x10e6_per_kg": NOT_EVALUATED, "volume_processed_l": 10.0 + 5 * c["u1"]}
    b.event(c["apheresis"], E.APHERESIS, json.dumps(collection))
    b.enter(c["apheresis"], P.APHERESIS, "leukapheresis for T cells")
    b.enter(c["apheresis"] + 1, P.MANUFACTURING, "product in manufacture")
    product = {"cd34_selected": False, "cryopreserved": True, "product": "autologous CD19 CAR-T"}
    b.event(c["product_release"], E.GRAFT_PROCESSING, json.dumps(product))
    b.event(c["conditioning"], E.CONDITIONING, json.dumps({"agents": LYMPHODEPLETION}))
    b.enter(c["conditioning"], P.LYMPHODEPLETION, "Flu/Cy lymphodepletion day -5")
    infusion = _infusion(
        cells_x10e6_per_kg=1.0,
        viability_pct=round(85 + 14 * c["u3"], 1),
        product="autologous CD19 CAR-T",
    )
    b.event(c["day0"], E.INFUSION, infusion)
    b.enter(c["day0"], P.INFUSION, "CAR-T cells infused (day 0)")
    b.enter(c["day0"], P.CRS_ICANS_MONITORING, "CRS/ICANS monitoring")
    b.event(c["discharge"], E.DISCHARGE, _DETAILS_JSON["discharge"])
    b.enter(c["discharge"], P.DISCHARGED, "discharged, near the centre")
    b.enter(c["follow_up"], P.FOLLOW_UP, "long-term follow-up")


_TREATMENT: dict[int, Callable[[_Course], None]] = {
    MSC: _msc,
    CAR_T: _car_t,
}


def _treat(b: _Course) -> None:
    kind = b.c["kind"]
    if kind in _TREATMENT:
        _TREATMENT[kind](b)
        return
    if kind == AUTO:
        _collect_autologous(b)
        if b.c["mobilisation_death"]:
            return
    _conditioning_and_infusion(b)
    _hsct_recovery(b)


def course_rows(plan: CoursePlan, context: dict[str, Any], as_of: int, out: CourseRows) -> None:
    """Add the rows of every course of ``plan``; ``context`` holds per-course extra columns."""
    names = [f for f in plan.__dataclass_fields__ if f != "pos"]
    columns = {name: getattr(plan, name).tolist() for name in names}
    columns.update({k: v.tolist() for k, v in context.items()})
    keys = list(columns)
    for values in zip(*columns.values(), strict=True):
        c = dict(zip(keys, values, strict=True))
        limit = min(as_of, c["death"])
        builder = _Course(c, limit, out)
        if _pre_treatment(builder):
            _treat(builder)
            add_outcomes(builder, as_of)
        builder.finish()


__all__ = ["CourseRows", "check_path", "course_rows"]
