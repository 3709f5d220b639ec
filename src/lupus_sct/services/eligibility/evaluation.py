"""Use cases: evaluate a patient against a protocol, and screen many patients at once."""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from lupus_sct.domain.eligibility.evaluation import EligibilityReport, Overall, evaluate_protocol
from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.domain.records.patient_record import PatientRecord, build_patient_record
from lupus_sct.domain.records.people import Patient
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork


def find_patient(uow: UnitOfWork, reference: str) -> Patient:
    """A patient by id or by pseudonym."""
    by_pseudonym = uow.patients.find(pseudonym=reference)
    if by_pseudonym:
        return by_pseudonym[0]
    try:
        return uow.patients.get(reference)
    except NotFoundError:
        raise NotFoundError("patient", reference) from None


def patient_record(uow: UnitOfWork, patient: Patient, *, as_of: date) -> PatientRecord:
    """Everything eligibility reads about one patient, as known on ``as_of``."""
    return build_patient_record(
        patient,
        as_of=as_of,
        diagnoses=uow.diagnoses.find(patient_id=patient.id),
        assessments=uow.assessments.find(patient_id=patient.id),
        labs=uow.labs.find(patient_id=patient.id),
        medications=uow.medications.find(patient_id=patient.id),
        findings=uow.workup_findings.find(patient_id=patient.id),
    )


def assess_eligibility(
    uow: UnitOfWork, patient_reference: str, protocol: Protocol, *, as_of: date
) -> EligibilityReport:
    """Evaluate one patient against one protocol on ``as_of``."""
    with uow:
        patient = find_patient(uow, patient_reference)
        return evaluate_protocol(protocol, patient_record(uow, patient, as_of=as_of))


@dataclasses.dataclass(frozen=True, slots=True)
class ScreeningRow:
    """One patient's verdicts against the protocols screened."""

    patient: Patient
    reports: tuple[EligibilityReport, ...]


def screen_records(
    records: Iterable[PatientRecord], protocols: Sequence[Protocol]
) -> list[tuple[PatientRecord, tuple[EligibilityReport, ...]]]:
    """Evaluate every record against every protocol (the batch operation).

    The cyclic garbage collector is paused meanwhile: the reports create no reference cycles,
    and with it running, keeping many patients' reports took twice as long (measured with
    bench/bench_screening.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [
            (record, tuple(evaluate_protocol(p, record) for p in protocols)) for record in records
        ]
    finally:
        if was_enabled:
            gc.enable()


@dataclasses.dataclass(frozen=True, slots=True)
class Verdicts:
    """A compact screening result: the overall verdict and which criteria fail or lack data."""

    patient_id: str
    protocol_id: str
    overall: Overall
    failing: tuple[str, ...]
    undetermined: tuple[str, ...]


def _verdicts(report: EligibilityReport) -> Verdicts:
    return Verdicts(
        report.patient_id,
        report.protocol_id,
        report.overall,
        tuple(r.criterion.id for r in report.failing),
        tuple(r.criterion.id for r in report.undetermined),
    )


_SHARED: tuple[Sequence[PatientRecord], Sequence[Protocol]] = ((), ())


def _screen_slice(bounds: tuple[int, int]) -> list[Verdicts]:
    gc.disable()  # in a worker: its results are small and short-lived
    records, protocols = _SHARED
    return [
        _verdicts(evaluate_protocol(protocol, record))
        for record in records[bounds[0] : bounds[1]]
        for protocol in protocols
    ]


def screen_verdicts(
    records: Sequence[PatientRecord], protocols: Sequence[Protocol], *, workers: int = 1
) -> list[Verdicts]:
    """Screen many records against many protocols, keeping only the verdicts.

    With ``workers`` > 1 the records are split between forked processes (Linux), which read
    them from the parent's memory; only the compact verdicts travel back. Reports with reasons
    for a chosen patient come from :func:`screen_records` or :func:`assess_eligibility`.
    """
    global _SHARED
    _SHARED = (records, protocols)
    try:
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return _screen_slice((0, len(records)))
        size = -(-len(records) // (workers * 4))
        slices = [(start, start + size) for start in range(0, len(records), size)]
        gc.freeze()  # keep the collector from touching (and so copying) the shared pages
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [v for part in pool.map(_screen_slice, slices) for v in part]
    finally:
        _SHARED = ((), ())
        gc.unfreeze()


def _by_patient(items: Iterable[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        grouped[item.patient_id].append(item)
    return grouped


def screen_centre(
    uow: UnitOfWork, protocols: Sequence[Protocol], *, centre_id: str | None, as_of: date
) -> list[ScreeningRow]:
    """Screen the patients of a centre (or all centres) against ``protocols``.

    Each table is read once and grouped by patient, so the cost does not grow with the number of
    queries per patient.
    """
    with uow:
        patients = uow.patients.find(centre_id=centre_id) if centre_id else uow.patients.find()
        tables = {
            name: _by_patient(getattr(uow, name).find())
            for name in ("diagnoses", "assessments", "labs", "medications", "workup_findings")
        }
    records = (
        build_patient_record(
            patient,
            as_of=as_of,
            diagnoses=tables["diagnoses"].get(patient.id, ()),
            assessments=tables["assessments"].get(patient.id, ()),
            labs=tables["labs"].get(patient.id, ()),
            medications=tables["medications"].get(patient.id, ()),
            findings=tables["workup_findings"].get(patient.id, ()),
        )
        for patient in patients
    )
    return [
        ScreeningRow(record.patient, reports)
        for record, reports in screen_records(records, protocols)
    ]
