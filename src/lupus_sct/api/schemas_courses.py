"""Request and response bodies for courses, pathway events, phases, schedules and eligibility."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lupus_sct.domain.pathway.course import CourseKind, CourseStatus, EventKind
from lupus_sct.domain.pathway.phases import CoursePhase


class CourseIn(BaseModel):
    """A course to open for a patient."""

    model_config = ConfigDict(extra="forbid")
    kind: CourseKind
    protocol_id: str = Field(min_length=1, max_length=64, examples=["auto-hsct-sle"])
    start_date: date


class EventIn(BaseModel):
    """A pathway event; ``details`` holds the fields of its kind (empty for an infusion is fine)."""

    model_config = ConfigDict(extra="forbid")
    kind: EventKind
    event_date: date
    details: dict[str, Any] = Field(default_factory=dict)


class EventOut(BaseModel):
    """A pathway event with its day number (null until the course has a day 0)."""

    id: str
    course_id: str
    kind: EventKind
    event_date: date
    day: int | None
    details: dict[str, Any]
    version: int


class CourseOut(BaseModel):
    """A course, its day 0 and its events."""

    id: str
    patient_id: str
    kind: CourseKind
    protocol_id: str
    status: CourseStatus
    phase: CoursePhase
    start_date: date
    day0: date | None
    end_reason: str
    version: int
    events: list[EventOut]


class PhaseChangeIn(BaseModel):
    """Move the course into a phase on a date, with the reason."""

    model_config = ConfigDict(extra="forbid")
    phase: CoursePhase
    entered_on: date
    reason: str = Field(min_length=1, max_length=500)


class PhaseChangeOut(BaseModel):
    """A recorded phase change."""

    id: str
    course_id: str
    phase: CoursePhase
    entered_on: date
    reason: str
    version: int


class VisitOut(BaseModel):
    """A scheduled follow-up visit and where it stands."""

    label: str
    target_day: int
    target_date: date
    opens_on: date
    closes_on: date
    status: str
    done_on: date | None
    missing: list[str]


class ScheduleOut(BaseModel):
    """A course's follow-up schedule as of today."""

    course_id: str
    day0: date | None
    as_of: date
    visits: list[VisitOut]


class CriterionOut(BaseModel):
    """One criterion's verdict and the reason for it."""

    id: str
    kind: str
    text: str
    verdict: str
    passes: bool | None
    reason: str
    citation: str


class EligibilityOut(BaseModel):
    """A patient against a protocol: the overall verdict and a reason per criterion."""

    protocol_id: str
    protocol_version: str
    patient_id: str
    as_of: date
    overall: str
    criteria: list[CriterionOut]


class ScreeningIn(BaseModel):
    """Screen the patients of a centre (or of all the user's centres) against protocols."""

    model_config = ConfigDict(extra="forbid")
    protocol_ids: list[str] = Field(min_length=1, max_length=20)
    centre_id: str | None = Field(default=None, max_length=64)


class ScreeningRowOut(BaseModel):
    """One patient's verdict against one protocol."""

    patient_id: str
    pseudonym: str
    protocol_id: str
    overall: str
    failing: list[str]
    undetermined: list[str]


class ScreeningOut(BaseModel):
    """A screening job: progress while it runs, rows once done."""

    id: str
    state: str
    done: int
    total: int
    error: str | None
    rows: list[ScreeningRowOut]


class AlertOut(BaseModel):
    """One worklist line."""

    kind: str
    severity: str
    patient_pseudonym: str
    course_id: str | None
    message: str
    since: date | None
    due: date | None


class VisitStateOut(BaseModel):
    """Derived disease states at one visit."""

    visit_date: date
    day: int | None
    sledai_2k: int | None
    clinical_sledai: int | None
    pga: float | None
    prednisone_mg_per_day: float | None
    sdi: int
    lldas: bool | None
    doris_remission: bool | None
    flare: str | None


class DiseaseCourseOut(BaseModel):
    """A patient's disease course aligned at day 0."""

    as_of: date
    day0: date | None
    visits: list[VisitStateOut]
    share_in_lldas: float | None
    share_in_remission: float | None
    days_to_first_flare: int | None
    steroid_free_from_day: int | None
