"""The repositories every unit of work exposes (typed, so both adapters satisfy the port)."""

from __future__ import annotations

from lupus_sct.domain.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.assessment import Assessment
from lupus_sct.domain.clinical_trials import Trial
from lupus_sct.domain.course import CourseEvent, TherapyCourse
from lupus_sct.domain.course_phases import PhaseChange
from lupus_sct.domain.diagnosis import Diagnosis
from lupus_sct.domain.evidence_records import EvidenceRecord
from lupus_sct.domain.labs import LabResult
from lupus_sct.domain.medications import MedicationExposure
from lupus_sct.domain.outcomes import FollowUpTimepoint, OutcomeEvent
from lupus_sct.domain.people import Centre, Patient, PatientIdentity, User
from lupus_sct.domain.sign_in import (
    ApiToken,
    IdempotencyRecord,
    LoginAttempt,
    SecondFactor,
    Session,
)
from lupus_sct.domain.transfusions import Transfusion
from lupus_sct.domain.workup import WorkupFinding
from lupus_sct.services.ports import AuditLog, Repository


class RepositorySet:
    """Attribute declarations shared by the SQL and in-memory units of work."""

    centres: Repository[Centre]
    users: Repository[User]
    patients: Repository[Patient]
    identities: Repository[PatientIdentity]
    diagnoses: Repository[Diagnosis]
    assessments: Repository[Assessment]
    labs: Repository[LabResult]
    medications: Repository[MedicationExposure]
    courses: Repository[TherapyCourse]
    course_events: Repository[CourseEvent]
    adverse_events: Repository[AdverseEvent]
    infections: Repository[Infection]
    gvhd_episodes: Repository[GvhdEpisode]
    outcomes: Repository[OutcomeEvent]
    follow_ups: Repository[FollowUpTimepoint]
    workup_findings: Repository[WorkupFinding]
    transfusions: Repository[Transfusion]
    phase_changes: Repository[PhaseChange]
    trials: Repository[Trial]
    sessions: Repository[Session]
    api_tokens: Repository[ApiToken]
    login_attempts: Repository[LoginAttempt]
    second_factors: Repository[SecondFactor]
    idempotency_keys: Repository[IdempotencyRecord]
    evidence_rows: Repository[EvidenceRecord]
    audit: AuditLog


REPOSITORY_NAMES: tuple[str, ...] = tuple(
    name for name in RepositorySet.__annotations__ if name != "audit"
)
