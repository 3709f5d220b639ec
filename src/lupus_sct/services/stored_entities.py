"""The stored entities, declared once: repository name, record type, table and key.

Notes
-----
:class:`StoredRepositories` is the one declaration: a line per entity, typed for mypy. The
unit-of-work port (:class:`~lupus_sct.services.ports.UnitOfWork`) extends it, every unit of work
(in memory, SQL, staged) inherits it, and :data:`STORED_ENTITIES`, from which the store derives
its tables (``lupus_sct.store.schema.ENTITIES``) and its repositories, is read from it. The lines
are in foreign-key order (an entity comes after those it refers to), the order in which a staged
unit of work writes its new records (tests/integration/store/test_stored_entities.py).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

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


class _Table:
    """Where the records of one repository are stored (the value of a declaration line).

    On a unit of work that has not set the repository (outside its ``with`` block), reading the
    attribute raises :class:`AttributeError` rather than giving this declaration.
    """

    def __init__(self, table: str, key: str) -> None:
        self.table = table
        self.key = key
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        raise AttributeError(
            f"{type(instance).__name__} has no repository {self.name!r} yet: a unit of work's "
            "repositories are there inside its 'with' block"
        )


def _stored(table: str, key: str = "id") -> Any:
    """A declaration line's table and key (typed ``Any`` so the line keeps its declared type)."""
    return _Table(table, key)


class StoredRepositories(Protocol):
    """Every stored entity: ``name: Repository[Record] = _stored(table, key)``, in FK order.

    Units of work set these attributes to their repositories; the class values are only the
    declaration that :data:`STORED_ENTITIES` reads.
    """

    centres: Repository[Centre] = _stored("centre")
    users: Repository[User] = _stored("app_user")
    patients: Repository[Patient] = _stored("patient")
    identities: Repository[PatientIdentity] = _stored("patient_identity", key="patient_id")
    diagnoses: Repository[Diagnosis] = _stored("diagnosis")
    courses: Repository[TherapyCourse] = _stored("course")
    course_events: Repository[CourseEvent] = _stored("course_event")
    assessments: Repository[Assessment] = _stored("assessment")
    labs: Repository[LabResult] = _stored("lab_result")
    medications: Repository[MedicationExposure] = _stored("medication_exposure")
    adverse_events: Repository[AdverseEvent] = _stored("adverse_event")
    infections: Repository[Infection] = _stored("infection")
    gvhd_episodes: Repository[GvhdEpisode] = _stored("gvhd_episode")
    outcomes: Repository[OutcomeEvent] = _stored("outcome_event")
    follow_ups: Repository[FollowUpTimepoint] = _stored("follow_up_timepoint")
    workup_findings: Repository[WorkupFinding] = _stored("workup_finding")
    transfusions: Repository[Transfusion] = _stored("transfusion")
    phase_changes: Repository[PhaseChange] = _stored("phase_change")
    trials: Repository[Trial] = _stored("clinical_trial")
    sessions: Repository[Session] = _stored("user_session")
    api_tokens: Repository[ApiToken] = _stored("api_token")
    login_attempts: Repository[LoginAttempt] = _stored("login_attempt")
    second_factors: Repository[SecondFactor] = _stored("second_factor")
    idempotency_keys: Repository[IdempotencyRecord] = _stored("idempotency_key")
    evidence_rows: Repository[EvidenceRecord] = _stored("evidence_row")


@dataclasses.dataclass(frozen=True, slots=True)
class StoredEntity:
    """One line of :class:`StoredRepositories`: a repository and how its records are stored."""

    name: str  # the unit of work's attribute ("labs")
    record: type  # the domain dataclass (LabResult)
    table: str  # the table that stores it ("lab_result")
    key: str  # the field that identifies a record

    @property
    def label(self) -> str:
        """The entity's name in messages ("lab result")."""
        return self.table.removeprefix("app_").replace("_", " ")


def _declared() -> tuple[StoredEntity, ...]:
    hints = typing.get_type_hints(StoredRepositories)
    entities = []
    for name in StoredRepositories.__annotations__:
        where = vars(StoredRepositories)[name]
        (record,) = typing.get_args(hints[name])
        entities.append(StoredEntity(name, record, where.table, where.key))
    return tuple(entities)


STORED_ENTITIES: tuple[StoredEntity, ...] = _declared()
"""Every stored entity, in the order of :class:`StoredRepositories` (foreign-key order)."""
