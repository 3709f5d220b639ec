"""Ports: what the use cases need from storage and from the outside world.

The store implements them for SQLite and PostgreSQL (``lupus_sct.store.sql``) and in memory
(``lupus_sct.store.memory``); one contract suite runs against all three.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

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
from lupus_sct.services.audit.chain import AuditDraft, AuditEntry

T = TypeVar("T")


class Repository(Protocol[T]):
    """Versioned storage of one kind of record.

    ``add`` stores a new record at version 1; ``update`` stores a record whose ``version`` is the
    version it was read at, and refuses it with :class:`StaleWriteError` when the stored version
    has moved on. Both return the record as stored. ``add_many`` stores new records at version 1
    in one statement and ``get_many`` reads the stored ones among ``ids`` in one query (ordered
    by id; ids not stored are left out). ``find`` gives the records whose fields equal the
    values given and ``find_in`` those whose ``field`` equals any of ``values``, with one query
    (both ordered by id; an enum matches its value).
    """

    def add(self, item: T) -> T: ...

    def add_many(self, items: Sequence[T]) -> list[T]: ...

    def get_many(self, ids: Iterable[str]) -> list[T]: ...

    def get(self, item_id: str) -> T: ...

    def update(self, item: T) -> T: ...

    def find(self, **equals: Any) -> list[T]: ...

    def find_in(self, field: str, values: Iterable[Any]) -> list[T]: ...


class AuditLog(Protocol):
    """Append-only, hash-chained log of every write.

    ``head`` gives the sequence number and hash of the last entry (``(0, GENESIS_HASH)`` for an
    empty log); on a database it takes the audit lock first, so no other writer can append
    before this transaction ends and entries sealed after that head stay valid until then.
    """

    def head(self) -> tuple[int, str]: ...

    def append(self, draft: AuditDraft) -> AuditEntry: ...

    def append_many(self, drafts: Sequence[AuditDraft]) -> list[AuditEntry]: ...

    def append_sealed(self, entries: Sequence[AuditEntry]) -> None:
        """Store entries sealed after :meth:`head` (``services.audit.check_links`` refusals)."""
        ...

    def entries(self) -> Generator[AuditEntry, None, None]: ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

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

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class Clock(Protocol):
    """Current time, injected so that rules stay testable."""

    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    """One-way password hashing (argon2 in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...
