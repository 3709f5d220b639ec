"""Use cases that record a patient's clinical data: visits, labs, drugs, events and outcomes.

Each takes a domain record already validated by its constructor, checks what only the stored
record can tell (:mod:`lupus_sct.services.clinic.write_checks`: the patient exists, the date is
not in the future nor before birth, the course belongs to the patient) and stores it with its
audit entry.
"""

from __future__ import annotations

from datetime import datetime

from lupus_sct.domain.records.adverse_events import AdverseEvent, GvhdEpisode, Infection
from lupus_sct.domain.records.assessment import Assessment
from lupus_sct.domain.records.labs import LabResult
from lupus_sct.domain.records.medications import MedicationExposure
from lupus_sct.domain.records.outcomes import OutcomeEvent
from lupus_sct.domain.records.transfusions import Transfusion
from lupus_sct.domain.records.workup import WorkupFinding
from lupus_sct.services.audit.chain import audited_add
from lupus_sct.services.clinic import write_checks as checks
from lupus_sct.services.ports import UnitOfWork


def record_assessment(
    uow: UnitOfWork, assessment: Assessment, *, by: str, now: datetime
) -> Assessment:
    """Store a visit's disease assessment."""
    checks.check_assessment(uow, assessment, now=now)
    return audited_add(uow.assessments, uow.audit, assessment, entity="assessment", by=by, now=now)


def record_lab(uow: UnitOfWork, lab: LabResult, *, by: str, now: datetime) -> LabResult:
    """Store a laboratory result."""
    checks.check_lab(uow, lab, now=now)
    return audited_add(uow.labs, uow.audit, lab, entity="lab_result", by=by, now=now)


def record_medication(
    uow: UnitOfWork, exposure: MedicationExposure, *, by: str, now: datetime
) -> MedicationExposure:
    """Store a medication exposure (a period on one drug at one dose)."""
    checks.check_medication(uow, exposure, now=now)
    return audited_add(uow.medications, uow.audit, exposure, entity="medication", by=by, now=now)


def record_adverse_event(
    uow: UnitOfWork, event: AdverseEvent, *, by: str, now: datetime
) -> AdverseEvent:
    """Store a CTCAE-graded adverse event (its term coded, never free text)."""
    checks.check_adverse_event(uow, event, now=now)
    return audited_add(uow.adverse_events, uow.audit, event, entity="adverse_event", by=by, now=now)


def record_infection(uow: UnitOfWork, infection: Infection, *, by: str, now: datetime) -> Infection:
    """Store a documented infection."""
    checks.check_infection(uow, infection, now=now)
    return audited_add(uow.infections, uow.audit, infection, entity="infection", by=by, now=now)


def record_gvhd(uow: UnitOfWork, episode: GvhdEpisode, *, by: str, now: datetime) -> GvhdEpisode:
    """Store a GVHD episode; only an allogeneic course can have one."""
    checks.check_gvhd(uow, episode, now=now)
    return audited_add(uow.gvhd_episodes, uow.audit, episode, entity="gvhd_episode", by=by, now=now)


def record_outcome(
    uow: UnitOfWork, outcome: OutcomeEvent, *, by: str, now: datetime
) -> OutcomeEvent:
    """Store an outcome event; a patient dies at most once."""
    checks.check_outcome(uow, outcome, now=now)
    return audited_add(uow.outcomes, uow.audit, outcome, entity="outcome", by=by, now=now)


def record_workup_finding(
    uow: UnitOfWork, finding: WorkupFinding, *, by: str, now: datetime
) -> WorkupFinding:
    """Store a dated work-up finding (organ function, scale, serology, attestation)."""
    checks.check_workup_finding(uow, finding, now=now)
    return audited_add(
        uow.workup_findings, uow.audit, finding, entity="workup_finding", by=by, now=now
    )


def record_transfusion(
    uow: UnitOfWork, transfusion: Transfusion, *, by: str, now: datetime
) -> Transfusion:
    """Store a transfusion (platelet transfusions hold back platelet recovery, CIBMTR)."""
    checks.check_transfusion(uow, transfusion, now=now)
    return audited_add(
        uow.transfusions, uow.audit, transfusion, entity="transfusion", by=by, now=now
    )
