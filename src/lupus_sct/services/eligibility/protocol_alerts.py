"""Protocols applied to the running pathway: per-protocol settings for the worklist, and the
"eligibility data going stale" alert (issue #4, item 6).

A course still before its treatment (referral to collection or manufacturing) rests on work-up
data that protocols allow to be only so old (``max_age_days`` per criterion, 90 days by default:
Greco 2024, cardiopulmonary work-up < 3 months old at treatment). An alert is raised when a
criterion that passes today would lack its data within ``STALE_WARNING_DAYS``, and when it
already lacks it because the data is too old.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from lupus_sct.domain.eligibility.evaluation import evaluate_protocol
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.domain.pathway.engine import DEFAULT_MAX_PHASE_DAYS, PathwaySettings
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.domain.records.people import Patient
from lupus_sct.services.eligibility.evaluation import patient_record
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.views.worklist import Alert, AlertKind, AlertSource, Severity

STALE_WARNING_DAYS = 14  # (general practice) two weeks to repeat a test before it lapses
BEFORE_TREATMENT = frozenset(
    {
        CoursePhase.REFERRAL,
        CoursePhase.EVALUATION,
        CoursePhase.ELIGIBLE,
        CoursePhase.CONSENTED,
        CoursePhase.MOBILISATION,
        CoursePhase.COLLECTION,
        CoursePhase.APHERESIS,
        CoursePhase.MANUFACTURING,
    }
)


def pathway_settings(protocol: Protocol) -> PathwaySettings:
    """The pathway settings a protocol defines (schedule, phase lengths, CD34+ dose, TRM window)."""
    return PathwaySettings(
        schedule=protocol.schedule,
        max_phase_days={**DEFAULT_MAX_PHASE_DAYS, **dict(protocol.max_phase_days)},
        cd34_min_x10e6_per_kg=protocol.cd34_min_x10e6_per_kg,
        trm_window_days=protocol.trm_window_days,
    )


def settings_lookup(protocols: Mapping[str, Protocol]) -> Callable[[str], PathwaySettings]:
    """``settings_for`` for the worklist: a course's protocol settings, defaults if unknown."""
    settings = {pid: pathway_settings(p) for pid, p in protocols.items()}
    return lambda protocol_id: settings.get(protocol_id, PathwaySettings())


def stale_eligibility_source(protocols: Mapping[str, Protocol]) -> AlertSource:
    """An alert source for work-up data that has lapsed or will lapse before treatment."""

    def source(uow: UnitOfWork, centre_id: str, as_of: date) -> list[Alert]:
        alerts: list[Alert] = []
        for patient in uow.patients.find(centre_id=centre_id):
            for course in uow.courses.find(patient_id=patient.id):
                protocol = protocols.get(course.protocol_id)
                if protocol is None or course.phase not in BEFORE_TREATMENT:
                    continue
                alerts += _course_alerts(uow, patient, course.id, protocol, as_of)
        return alerts

    return source


def _course_alerts(
    uow: UnitOfWork, patient: Patient, course_id: str, protocol: Protocol, as_of: date
) -> list[Alert]:
    horizon = as_of + timedelta(days=STALE_WARNING_DAYS)
    now = evaluate_protocol(protocol, patient_record(uow, patient, as_of=as_of))
    later = evaluate_protocol(protocol, patient_record(uow, patient, as_of=horizon))
    alerts = []
    kind = AlertKind.ELIGIBILITY_DATA_STALE
    for current, future in zip(now.results, later.results, strict=True):
        where = f"{protocol.id} {current.criterion.id}"
        if current.is_stale:
            message = f"{where}: {current.reason}"
            alerts.append(Alert(kind, Severity.MEDIUM, patient.pseudonym, course_id, message))
        elif current.passes and future.is_stale:
            message = f"{where}: will lapse by {horizon.isoformat()} ({future.reason})"
            alerts.append(
                Alert(kind, Severity.LOW, patient.pseudonym, course_id, message, due=horizon)
            )
    return alerts


def course_settings(
    uow: UnitOfWork, course_id: str, protocols: Mapping[str, Protocol]
) -> PathwaySettings:
    """The pathway settings of the protocol a course follows (defaults if it is not loaded)."""
    with uow:
        protocol_id = uow.courses.get(course_id).protocol_id
    return settings_lookup(protocols)(protocol_id)
