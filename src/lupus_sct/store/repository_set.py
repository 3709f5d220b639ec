"""The repositories every unit of work exposes (typed, so both adapters satisfy the port)."""

from __future__ import annotations

from lupus_sct.domain.access.sign_in import (
    ApiToken,
    IdempotencyRecord,
    LoginAttempt,
    SecondFactor,
    Session,
)
from lupus_sct.domain.evidence.records import EvidenceRecord
from lupus_sct.domain.pathway.course import CourseEvent, TherapyCourse
from lupus_sct.domain.pathway.phases import PhaseChange
from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.diagnosis import Diagnosis
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import FollowUpTimepoint, OutcomeEvent
from lupus_sct.domain.records.people import Centre, Patient, PatientIdentity, User
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding
from lupus_sct.domain.trials.clinical_trials import Trial
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
