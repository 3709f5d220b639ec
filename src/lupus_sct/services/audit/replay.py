"""Do the stored rows equal what the audit trail says they are? (a direct SQL edit is found)

Notes
-----
Replaying the trail gives each audited record's last ``after`` (None once deleted). Every row of
every replayed table must equal it, field by field, and every record the trail says exists must
be stored. Problems name the entity and the record id, never a value (values may be identifiers).
Secret fields are left out of the comparison: the trail records a marker, not the value
(:mod:`lupus_sct.services.audit.secrets`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lupus_sct.domain.sensitivity import Sensitivity
from lupus_sct.services.audit.chain import AuditEntry
from lupus_sct.services.audit.entities import AUDITED_REPOSITORIES, names_marked
from lupus_sct.services.ports import UnitOfWork
from lupus_sct.services.record_codec import to_record

MAX_REPORTED_ROWS = 20  # enough to locate the damage; the count says how many more


class TrailReplay:
    """The last recorded state of every audited record, built while the entries stream by."""

    def __init__(self) -> None:
        self.latest: dict[str, dict[str, dict[str, Any] | None]] = {}

    def watch(self, entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        """Pass ``entries`` through, remembering each record's last ``after``."""
        for entry in entries:
            self.latest.setdefault(entry.entity, {})[entry.entity_id] = entry.after
            yield entry


def rows_differing_from_trail(uow: UnitOfWork, replay: TrailReplay) -> list[str]:
    """One line per stored row that the trail does not account for (call inside ``uow``)."""
    problems: list[str] = []
    for entity, repository in AUDITED_REPOSITORIES.items():
        stored = {item.id: item for item in getattr(uow, repository).find()}
        problems.extend(_differences(entity, stored, replay.latest.get(entity, {})))
    if len(problems) > MAX_REPORTED_ROWS:
        more = len(problems) - MAX_REPORTED_ROWS
        problems = [*problems[:MAX_REPORTED_ROWS], f"... and {more} more rows"]
    return problems


def _differences(
    entity: str, stored: dict[str, Any], recorded: dict[str, dict[str, Any] | None]
) -> Iterator[str]:
    for record_id, item in stored.items():
        if record_id not in recorded:
            yield f"{entity} {record_id}: stored, but the audit trail never recorded it"
        elif recorded[record_id] is None:
            yield f"{entity} {record_id}: stored, but the audit trail recorded its deletion"
        elif _comparable(to_record(item)) != _comparable(recorded[record_id]):
            yield f"{entity} {record_id}: the stored row differs from its last audit entry"
    for record_id, after in recorded.items():
        if after is not None and record_id not in stored:
            yield f"{entity} {record_id}: in the audit trail, but missing from the database"


def _comparable(record: dict[str, Any] | None) -> dict[str, Any]:
    secrets = names_marked(Sensitivity.SECRET)
    return {k: v for k, v in (record or {}).items() if k not in secrets}
