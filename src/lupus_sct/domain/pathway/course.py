"""Therapy courses and their pathway events, with day numbering relative to day 0.

References
----------
docs/spec/pathway.md §4, §5, §8 and §9 (autologous HSCT, allogeneic, MSC, CAR-T) and
docs/spec/pathway.md §4.4 (day numbering: day 0 is the infusion date, earlier days are negative,
no "-0").
CIBMTR form 2006 (product analysis at infusion: TNC, CD34+, viability).

Notes
-----
Events are ordered by pathway stage. An event may not be dated before an event of an earlier
stage nor after one of a later stage (an infusion dated before its conditioning is refused). The
full phase machine with allowed transitions, schedules and alerts is issue #4.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import date

from lupus_sct.domain.errors import InvalidValueError, PathwayOrderError
from lupus_sct.domain.missing import Missing, check_observed_range
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.domain.records.medications import DOSE_UNITS

NOT_EVALUATED = Missing.NOT_EVALUATED


class CourseKind(enum.Enum):
    """The four cell therapies a programme gives."""

    AUTOLOGOUS_HSCT = "autologous_hsct"
    ALLOGENEIC_HSCT = "allogeneic_hsct"
    MSC = "msc"
    CAR_T = "car_t"


class CourseStatus(enum.Enum):
    """Where a course stands overall."""

    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class EventKind(enum.Enum):
    """Pathway events; the declaration order is the pathway order."""

    REFERRAL = "referral"
    ELIGIBILITY_DECISION = "eligibility_decision"
    CONSENT = "consent"
    MOBILISATION = "mobilisation"
    APHERESIS = "apheresis"
    GRAFT_PROCESSING = "graft_processing"
    CONDITIONING = "conditioning"
    INFUSION = "infusion"
    ENGRAFTMENT = "engraftment"
    DISCHARGE = "discharge"

    @property
    def stage(self) -> int:
        """Position in the pathway (0 = referral)."""
        return _STAGE[self]


_STAGE = {kind: index for index, kind in enumerate(EventKind)}
_COMMON = frozenset(
    {EventKind.REFERRAL, EventKind.ELIGIBILITY_DECISION, EventKind.CONSENT, EventKind.DISCHARGE}
)
ALLOWED_EVENTS: dict[CourseKind, frozenset[EventKind]] = {
    CourseKind.AUTOLOGOUS_HSCT: frozenset(EventKind),
    CourseKind.ALLOGENEIC_HSCT: _COMMON
    | {
        EventKind.GRAFT_PROCESSING,
        EventKind.CONDITIONING,
        EventKind.INFUSION,
        EventKind.ENGRAFTMENT,
    },
    CourseKind.MSC: _COMMON | {EventKind.INFUSION},
    CourseKind.CAR_T: _COMMON
    | {EventKind.APHERESIS, EventKind.GRAFT_PROCESSING, EventKind.CONDITIONING, EventKind.INFUSION},
}  # docs/spec/pathway.md §1, §5, §8 (MSC: no conditioning) and §9 (CAR-T: lymphodepletion)
REPEATABLE_EVENTS: dict[CourseKind, frozenset[EventKind]] = {
    kind: frozenset({EventKind.APHERESIS, EventKind.ENGRAFTMENT})
    | ({EventKind.INFUSION} if kind is CourseKind.MSC else set())
    for kind in CourseKind
}  # docs/spec/pathway.md §4.1: daily apheresis until the target; §8: MSC may be given again


class MscSource(enum.Enum):
    """Tissue of origin of mesenchymal stromal cells (docs/spec/pathway.md §8)."""

    BONE_MARROW = "bone_marrow"
    ADIPOSE = "adipose"
    UMBILICAL_CORD = "umbilical_cord"


class EngraftmentLineage(enum.Enum):
    """Recovery milestones reported to CIBMTR (docs/spec/pathway.md §4.6)."""

    NEUTROPHIL_0_5 = "neutrophil_0_5"
    PLATELET_20 = "platelet_20"
    PLATELET_50 = "platelet_50"


@dataclasses.dataclass(frozen=True, slots=True)
class AgentDose:
    """One agent of a mobilisation or conditioning regimen.

    ``days`` are relative to day 0 for conditioning (all negative) and to the regimen start for
    mobilisation (0 or later).
    """

    agent: str
    dose: float
    dose_unit: str
    days: tuple[int, ...]
    rxnorm_code: str = ""

    def __post_init__(self) -> None:
        if not self.agent.strip():
            raise InvalidValueError("agent.agent", self.agent, "the agent's name")
        if isinstance(self.dose, bool) or not self.dose > 0:
            raise InvalidValueError(f"agent[{self.agent}].dose", self.dose, "a number above 0")
        if self.dose_unit not in DOSE_UNITS:
            raise InvalidValueError(
                f"agent[{self.agent}].dose_unit", self.dose_unit, f"one of {', '.join(DOSE_UNITS)}"
            )
        if not self.days:
            raise InvalidValueError(f"agent[{self.agent}].days", self.days, "at least one day")


@dataclasses.dataclass(frozen=True, slots=True)
class Referral:
    """Referral to the programme."""

    referred_by: str
    reason: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class EligibilityDecision:
    """The MDT's decision, with the protocol applied."""

    eligible: bool
    protocol_id: str
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class Consent:
    """Informed consent, including consent to registry data transfer (EBMT, CIBMTR)."""

    registry_data_transfer: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Mobilisation:
    """Mobilisation regimen, e.g. Cy 2 g/m2 + G-CSF 10 ug/kg/day, docs/spec/pathway.md §4.1."""

    agents: tuple[AgentDose, ...]
    peak_cd34_per_ul: float | Missing = NOT_EVALUATED

    def __post_init__(self) -> None:
        _require_agents("mobilisation", self.agents)
        if any(day < 0 for agent in self.agents for day in agent.days):
            raise InvalidValueError(
                "mobilisation.agents.days",
                min(d for a in self.agents for d in a.days),
                "days counted from the start of mobilisation (0 or later)",
            )
        check_observed_range("mobilisation.peak_cd34_per_ul", self.peak_cd34_per_ul, 0.0, 10000.0)


@dataclasses.dataclass(frozen=True, slots=True)
class Apheresis:
    """One leukapheresis day (CD34+ yield for HSCT; T-cell collection for CAR-T)."""

    cd34_x10e6_per_kg: float | Missing = NOT_EVALUATED
    volume_processed_l: float | Missing = NOT_EVALUATED

    def __post_init__(self) -> None:
        check_observed_range("apheresis.cd34_x10e6_per_kg", self.cd34_x10e6_per_kg, 0.0, 100.0)
        check_observed_range("apheresis.volume_processed_l", self.volume_processed_l, 0.0, 60.0)


@dataclasses.dataclass(frozen=True, slots=True)
class GraftProcessing:
    """Graft manipulation (HSCT) or product manufacture (CAR-T)."""

    cd34_selected: bool
    cryopreserved: bool
    product: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Conditioning:
    """Conditioning (HSCT) or lymphodepletion (CAR-T); days are relative to day 0."""

    agents: tuple[AgentDose, ...]

    def __post_init__(self) -> None:
        _require_agents("conditioning", self.agents)
        late = [d for agent in self.agents for d in agent.days if d >= 0]
        if late:
            raise InvalidValueError(
                "conditioning.agents.days", late[0], "days before day 0 (-1 or earlier)"
            )


@dataclasses.dataclass(frozen=True, slots=True)
class Infusion:
    """The cells given on day 0 (CIBMTR form 2006 "at infusion" analysis)."""

    cd34_x10e6_per_kg: float | Missing = NOT_EVALUATED
    tnc_x10e8_per_kg: float | Missing = NOT_EVALUATED
    viability_pct: float | Missing = NOT_EVALUATED
    cells_x10e6_per_kg: float | Missing = NOT_EVALUATED
    msc_source: MscSource | None = None
    msc_passage: int | Missing = NOT_EVALUATED
    product: str = ""

    def __post_init__(self) -> None:
        check_observed_range("infusion.cd34_x10e6_per_kg", self.cd34_x10e6_per_kg, 0.0, 100.0)
        check_observed_range("infusion.tnc_x10e8_per_kg", self.tnc_x10e8_per_kg, 0.0, 100.0)
        check_observed_range("infusion.viability_pct", self.viability_pct, 0.0, 100.0)
        check_observed_range("infusion.cells_x10e6_per_kg", self.cells_x10e6_per_kg, 0.0, 1000.0)
        check_observed_range("infusion.msc_passage", self.msc_passage, 0, 20)


@dataclasses.dataclass(frozen=True, slots=True)
class Engraftment:
    """A recovery milestone; ``derived`` is true when computed from the lab series."""

    lineage: EngraftmentLineage
    derived: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Discharge:
    """Discharge from the treating unit."""

    destination: str = "home"


EventDetails = (
    Referral
    | EligibilityDecision
    | Consent
    | Mobilisation
    | Apheresis
    | GraftProcessing
    | Conditioning
    | Infusion
    | Engraftment
    | Discharge
)
DETAILS_TYPE: dict[EventKind, type[EventDetails]] = {
    EventKind.REFERRAL: Referral,
    EventKind.ELIGIBILITY_DECISION: EligibilityDecision,
    EventKind.CONSENT: Consent,
    EventKind.MOBILISATION: Mobilisation,
    EventKind.APHERESIS: Apheresis,
    EventKind.GRAFT_PROCESSING: GraftProcessing,
    EventKind.CONDITIONING: Conditioning,
    EventKind.INFUSION: Infusion,
    EventKind.ENGRAFTMENT: Engraftment,
    EventKind.DISCHARGE: Discharge,
}


@dataclasses.dataclass(frozen=True, slots=True)
class TherapyCourse:
    """An episode of cell therapy, anchored at day 0 once the cells are infused."""

    id: str
    patient_id: str
    kind: CourseKind
    protocol_id: str
    status: CourseStatus
    start_date: date
    day0: date | None = None
    end_reason: str = ""
    phase: CoursePhase = CoursePhase.REFERRAL
    version: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class CourseEvent:
    """One dated event of a course."""

    id: str
    course_id: str
    kind: EventKind
    event_date: date
    details: EventDetails
    version: int = 0

    def __post_init__(self) -> None:
        expected = DETAILS_TYPE[self.kind]
        if not isinstance(self.details, expected):
            raise InvalidValueError(
                f"event[{self.kind.value}].details", type(self.details).__name__, expected.__name__
            )


def day_number(day0: date, on: date) -> int:
    """Day relative to day 0: negative before, 0 on the infusion day, positive after.

    A whole number of calendar days (docs/spec/pathway.md §4.4); there is no day "-0".
    """
    return (on - day0).days


def check_event_fits_course(
    course: TherapyCourse, existing: Iterable[CourseEvent], new: CourseEvent
) -> None:
    """Refuse an event that the course kind does not have or that breaks the pathway order.

    Raises
    ------
    PathwayOrderError
        With a sentence naming both events and their dates.
    """
    label = new.kind.value.replace("_", " ")
    if new.kind not in ALLOWED_EVENTS[course.kind]:
        raise PathwayOrderError(f"a {label} is not part of a {course.kind.value} course")
    if new.event_date < course.start_date:
        raise PathwayOrderError(
            f"{label} on {new.event_date.isoformat()} is before the course started "
            f"({course.start_date.isoformat()})"
        )
    for event in existing:
        if event.id == new.id:
            continue
        other = event.kind.value.replace("_", " ")
        if event.kind is new.kind and new.kind not in REPEATABLE_EVENTS[course.kind]:
            raise PathwayOrderError(
                f"this course already has a {label} ({event.event_date.isoformat()})"
            )
        if event.kind.stage < new.kind.stage and event.event_date > new.event_date:
            raise PathwayOrderError(
                f"{label} on {new.event_date.isoformat()} cannot be dated before the "
                f"{other} on {event.event_date.isoformat()}"
            )
        if event.kind.stage > new.kind.stage and event.event_date < new.event_date:
            raise PathwayOrderError(
                f"{label} on {new.event_date.isoformat()} cannot be dated after the "
                f"{other} on {event.event_date.isoformat()}"
            )


def course_after_event(course: TherapyCourse, event: CourseEvent) -> TherapyCourse:
    """The course as it stands once ``event`` is recorded: the first infusion sets day 0."""
    if event.kind is EventKind.INFUSION and (course.day0 is None or event.event_date < course.day0):
        return dataclasses.replace(course, day0=event.event_date, status=CourseStatus.ACTIVE)
    if course.status is CourseStatus.PLANNED and event.kind.stage > EventKind.CONSENT.stage:
        return dataclasses.replace(course, status=CourseStatus.ACTIVE)
    return course


def _require_agents(field: str, agents: tuple[AgentDose, ...]) -> None:
    if not agents:
        raise InvalidValueError(f"{field}.agents", "none", "at least one agent with its dose")
