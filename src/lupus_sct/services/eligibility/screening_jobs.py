"""Screening as a background job: patients are evaluated in slices and progress is readable.

The job reads the centre's records in one transaction (as :func:`screen_centre` does), then
evaluates them outside it, so the database is not held while the rules run.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date

from lupus_sct.domain.access.permissions import Principal
from lupus_sct.domain.eligibility.evaluation import evaluate_protocol
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.domain.records.patient_record import PatientRecord, build_patient_record
from lupus_sct.services.clinic.access import check_centre
from lupus_sct.services.eligibility.evaluation import _by_patient
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

SLICE_SIZE = 25  # patients per progress step
_TABLES = ("diagnoses", "assessments", "labs", "medications", "workup_findings")


@dataclasses.dataclass(frozen=True, slots=True)
class ScreeningLine:
    """One patient against one protocol."""

    patient_id: str
    pseudonym: str
    protocol_id: str
    overall: str
    failing: tuple[str, ...]
    undetermined: tuple[str, ...]


@dataclasses.dataclass
class ScreeningJob:
    """A running or finished screening; ``done`` of ``total`` patients evaluated."""

    id: str
    owner_user_id: str
    state: str = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    lines: list[ScreeningLine] = dataclasses.field(default_factory=list)


def _records(
    uow: UnitOfWork, principal: Principal, centre_id: str | None, as_of: date
) -> list[PatientRecord]:
    with uow:
        if centre_id is not None:
            check_centre(uow, principal, centre_id)
        patients = [
            p
            for p in uow.patients.find()
            if principal.sees_centre(p.centre_id) and centre_id in (None, p.centre_id)
        ]
        tables = {name: _by_patient(getattr(uow, name).find()) for name in _TABLES}
    return [
        build_patient_record(
            p,
            as_of=as_of,
            diagnoses=tables["diagnoses"].get(p.id, ()),
            assessments=tables["assessments"].get(p.id, ()),
            labs=tables["labs"].get(p.id, ()),
            medications=tables["medications"].get(p.id, ()),
            findings=tables["workup_findings"].get(p.id, ()),
        )
        for p in sorted(patients, key=lambda p: p.pseudonym)
    ]


class ScreeningJobs:
    """The screening jobs of one running application (kept in memory, one thread each)."""

    def __init__(self) -> None:
        self._jobs: dict[str, ScreeningJob] = {}
        self._lock = threading.Lock()

    def start(
        self,
        uow: UnitOfWork,
        principal: Principal,
        protocols: Sequence[Protocol],
        *,
        centre_id: str | None,
        as_of: date,
    ) -> ScreeningJob:
        """Queue a screening of the user's visible patients; returns at once."""
        records = _records(uow, principal, centre_id, as_of)
        job = ScreeningJob(str(uuid.uuid4()), principal.user_id, "running", 0, len(records))
        with self._lock:
            self._jobs[job.id] = job
        work: Callable[[], None] = lambda: self._run(job, records, protocols)  # noqa: E731
        threading.Thread(target=work, name=f"screening-{job.id[:8]}", daemon=True).start()
        return job

    def _run(
        self, job: ScreeningJob, records: list[PatientRecord], protocols: Sequence[Protocol]
    ) -> None:
        try:
            for start in range(0, len(records), SLICE_SIZE):
                lines = [
                    _line(record, protocol)
                    for record in records[start : start + SLICE_SIZE]
                    for protocol in protocols
                ]
                with self._lock:
                    job.lines.extend(lines)
                    job.done = min(start + SLICE_SIZE, len(records))
            job.state = "done"
        except Exception as exc:  # a failed job reports, it does not kill the server
            job.state, job.error = "failed", type(exc).__name__

    def get(self, principal: Principal, job_id: str) -> ScreeningJob:
        """A job of this user (another user's job is "not found")."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.owner_user_id != principal.user_id:
                raise NotFoundError("screening", job_id)
            return dataclasses.replace(job, lines=list(job.lines))


def _line(record: PatientRecord, protocol: Protocol) -> ScreeningLine:
    report = evaluate_protocol(protocol, record)
    return ScreeningLine(
        record.patient.id,
        record.patient.pseudonym,
        protocol.id,
        report.overall.value,
        tuple(r.criterion.id for r in report.failing),
        tuple(r.criterion.id for r in report.undetermined),
    )
