"""Use cases for clinical trials: import records, attach computable rules to their criteria, match
a patient to trials and list a centre's candidates for a trial."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from lupus_sct.domain.eligibility.protocol import Rule
from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.domain.records.patient_record import PatientRecord
from lupus_sct.domain.records.people import Patient
from lupus_sct.domain.trials.clinical_trials import (
    EligibilityItem,
    GeoPoint,
    RecruitmentStatus,
    Trial,
    carry_rules,
)
from lupus_sct.domain.trials.matching import (
    ComputableTrial,
    TrialMatch,
    computable_trial,
    match_trial,
    rank_trials,
)
from lupus_sct.services.audit.chain import audited_add, audited_update
from lupus_sct.services.eligibility.evaluation import find_patient, patient_record

# parse_rule reports errors at a position; _At is the position type it takes.
from lupus_sct.services.eligibility.protocol_parsing import _At, parse_rule
from lupus_sct.services.errors import NotFoundError
from lupus_sct.services.ports import UnitOfWork

ENTITY = "clinical_trial"


@dataclasses.dataclass(frozen=True, slots=True)
class DroppedRule:
    """A rule not carried into a re-imported record because its criterion's wording changed."""

    nct_id: str
    label: str
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did, trial by trial."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    dropped_rules: tuple[DroppedRule, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class TrialFile:
    """One file read for import: its trials, and the records it refused with the reason each."""

    name: str
    trials: tuple[Trial, ...]
    refusals: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class FileImportReport:
    """What an import of files did: each file with its own summary, and the totals."""

    files: tuple[tuple[TrialFile, ImportSummary], ...]
    summary: ImportSummary

    @property
    def refused(self) -> tuple[str, ...]:
        """Every refusal, naming its file, in file order."""
        return tuple(reason for file, _ in self.files for reason in file.refusals)

    @property
    def trial_count(self) -> int:
        """How many trials were usable (created, updated or unchanged)."""
        return sum(len(file.trials) for file, _ in self.files)


def import_trial_files(
    uow: UnitOfWork, files: Sequence[TrialFile], *, by: str, now: datetime
) -> FileImportReport:
    """Import the usable trials of every file, in order, in the caller's transaction; a file's
    refused records never stop the other files, and each file gets its own summary (a trial
    repeated in a later file is updated or unchanged there, never stored twice)."""
    per_file = [(file, import_trials(uow, file.trials, by=by, now=now)) for file in files]
    summaries = [summary for _, summary in per_file]
    total = ImportSummary(
        created=tuple(i for s in summaries for i in s.created),
        updated=tuple(i for s in summaries for i in s.updated),
        unchanged=tuple(i for s in summaries for i in s.unchanged),
        dropped_rules=tuple(d for s in summaries for d in s.dropped_rules),
    )
    return FileImportReport(tuple(per_file), total)


def _merge(old: Trial, new: Trial) -> tuple[Trial, tuple[EligibilityItem, ...]]:
    items, dropped = carry_rules(old.items, new.items)
    return dataclasses.replace(new, items=items, version=old.version), dropped


def import_trials(
    uow: UnitOfWork, trials: Iterable[Trial], *, by: str, now: datetime
) -> ImportSummary:
    """Store new trials and update known ones, audited, in the caller's transaction.

    A re-imported trial keeps the rules of criteria whose wording is unchanged; the others are
    reported in ``dropped_rules``.
    """
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    dropped: list[DroppedRule] = []
    for trial in trials:
        known = uow.trials.find(id=trial.id)
        if not known:
            audited_add(uow.trials, uow.audit, trial, entity=ENTITY, by=by, now=now)
            created.append(trial.id)
            continue
        merged, lost = _merge(known[0], trial)
        dropped += [DroppedRule(trial.id, i.label, i.text) for i in lost]
        if merged == known[0]:
            unchanged.append(trial.id)
            continue
        audited_update(
            uow.trials, uow.audit, merged, entity=ENTITY, by=by, now=now, reason="re-imported"
        )
        updated.append(trial.id)
    return ImportSummary(tuple(created), tuple(updated), tuple(unchanged), tuple(dropped))


def list_trials(uow: UnitOfWork, *, status: RecruitmentStatus | None = None) -> list[Trial]:
    """Stored trials (with ``status`` only, if given), open ones first."""
    with uow:
        trials = uow.trials.find(overall_status=status) if status else uow.trials.find()
    return sorted(trials, key=lambda t: (t.overall_status.rank, t.id))


def get_trial(uow: UnitOfWork, nct_id: str) -> Trial:
    """One stored trial by NCT id."""
    with uow:
        return _trial(uow, nct_id)


def _trial(uow: UnitOfWork, nct_id: str) -> Trial:
    found = uow.trials.find(id=nct_id.strip().upper())
    if not found:
        raise NotFoundError("clinical trial", nct_id)
    return found[0]


def parse_item_rule(trial: Trial, item: EligibilityItem, spec: Any) -> Rule:
    """Parse an item's rule; errors name the trial, the item and the path in the rule."""
    return parse_rule(spec, _At(f"{trial.id} item {item.label}"))


def attach_rule(
    uow: UnitOfWork,
    *,
    nct_id: str,
    item: str,
    rule: Mapping[str, Any],
    max_age_days: int | None = None,
    by: str,
    now: datetime,
) -> EligibilityItem:
    """Attach a computable rule to one criterion of a stored trial, audited, in the caller's
    transaction; the criterion's source text stays next to it.

    Raises
    ------
    ProtocolError
        When the rule is not valid in the protocol rule language (naming the path).
    InvalidValueError
        When the item does not exist or ``max_age_days`` is below 1.
    """
    trial = _trial(uow, nct_id)
    target = trial.item(item)
    parse_item_rule(trial, target, rule)
    if max_age_days is not None and max_age_days < 1:
        raise InvalidValueError("max_age_days", max_age_days, "a whole number >= 1")
    changed = dataclasses.replace(
        target,
        rule_source=dict(rule),
        attached_by=by,
        max_age_days=target.max_age_days if max_age_days is None else max_age_days,
    )
    items = tuple(changed if i.number == target.number else i for i in trial.items)
    audited_update(
        uow.trials,
        uow.audit,
        dataclasses.replace(trial, items=items),
        entity=ENTITY,
        by=by,
        now=now,
        reason=f"rule attached to {target.label}",
    )
    return changed


def make_computable(trial: Trial) -> ComputableTrial:
    """The trial with each attached rule parsed (once; equal rules are shared objects)."""
    rules = [
        None if i.rule_source is None else parse_item_rule(trial, i, i.rule_source)
        for i in trial.items
    ]
    return computable_trial(trial, rules)


def match_records(
    records: Iterable[PatientRecord],
    trials: Sequence[ComputableTrial],
    near: GeoPoint | None = None,
) -> list[list[TrialMatch]]:
    """Rank ``trials`` for every record (the batch operation behind screening and the benchmark).

    The cyclic garbage collector is paused meanwhile, as in
    :func:`lupus_sct.services.eligibility.evaluation.screen_records`: matches create no reference
    cycles, and
    keeping many of them with the collector running costs time for nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [rank_trials(trials, record, near) for record in records]
    finally:
        if was_enabled:
            gc.enable()


def match_patient(
    uow: UnitOfWork,
    patient_reference: str,
    *,
    as_of: date,
    near: GeoPoint | None = None,
    statuses: Sequence[RecruitmentStatus] = (),
) -> list[TrialMatch]:
    """Every stored trial (with one of ``statuses``, if given) ranked for one patient."""
    with uow:
        patient = find_patient(uow, patient_reference)
        record = patient_record(uow, patient, as_of=as_of)
        trials = uow.trials.find()
    chosen = [make_computable(t) for t in trials if not statuses or t.overall_status in statuses]
    return rank_trials(chosen, record, near)


def trial_candidates(
    uow: UnitOfWork, nct_id: str, *, centre_code: str, as_of: date
) -> list[tuple[Patient, TrialMatch]]:
    """The patients of a centre against one trial, most promising first."""
    with uow:
        trial = make_computable(_trial(uow, nct_id))
        centres = uow.centres.find(code=centre_code)
        if not centres:
            raise NotFoundError("centre", centre_code)
        records = [
            patient_record(uow, patient, as_of=as_of)
            for patient in uow.patients.find(centre_id=centres[0].id)
        ]
    rows = [(record.patient, match_trial(trial, record)) for record in records]
    return sorted(
        rows, key=lambda row: (row[1].overall.rank, -row[1].items_passing, row[0].pseudonym)
    )
