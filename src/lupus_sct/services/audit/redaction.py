"""Audit entries as a reader may see them: secrets always hidden, identifiers by permission.

Notes
-----
Entries already written keep the values (and hashes) they were sealed with, including secrets
written before secrets were replaced by markers (:mod:`lupus_sct.services.audit.secrets`), so
redaction happens on read, here, for every path that shows entries. Chain verification reads the
stored entries, never these. An identifier is shown only to a reader holding the identity scope
for the record's centre (the centre of the record's patient), as ``/patients/{id}/identity`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from lupus_sct.domain.access.permissions import Principal, Scope
from lupus_sct.domain.sensitivity import Sensitivity
from lupus_sct.services.audit.chain import AuditEntry
from lupus_sct.services.audit.entities import names_marked
from lupus_sct.services.audit.secrets import SECRET_MARKERS
from lupus_sct.services.ports import UnitOfWork

SECRET_HIDDEN = "[secret: hidden]"  # noqa: S105 (a marker) a secret written in the clear by an older version
IDENTIFIER_HIDDEN = "[identifier: hidden]"  # the reader may not see this centre's identities


def redact_entries(
    uow: UnitOfWork, principal: Principal, entries: Sequence[AuditEntry]
) -> tuple[AuditEntry, ...]:
    """``entries`` as ``principal`` may see them (call inside ``uow``'s block)."""
    identifiers = names_marked(Sensitivity.IDENTIFIER)
    centres = _patient_centres(uow, _patients_named(entries, identifiers))
    return tuple(_redacted(entry, principal, centres) for entry in entries)


def _patients_named(entries: Iterable[AuditEntry], identifiers: frozenset[str]) -> set[str]:
    """Patients whose records in ``entries`` hold identifiers."""
    ids = set()
    for entry in entries:
        for record in (entry.before, entry.after):
            if record and identifiers.intersection(record) and "patient_id" in record:
                ids.add(str(record["patient_id"]))
    return ids


def _patient_centres(uow: UnitOfWork, patient_ids: set[str]) -> dict[str, str]:
    return {p.id: p.centre_id for p in uow.patients.get_many(patient_ids)} if patient_ids else {}


def _redacted(entry: AuditEntry, principal: Principal, centres: dict[str, str]) -> AuditEntry:
    before = _visible(entry.before, principal, centres)
    after = _visible(entry.after, principal, centres)
    if before is entry.before and after is entry.after:
        return entry
    return dataclasses.replace(entry, before=before, after=after, before_json=None, after_json=None)


def _visible(
    record: dict[str, Any] | None, principal: Principal, centres: dict[str, str]
) -> dict[str, Any] | None:
    """``record`` with hidden values replaced (the same object when nothing is hidden)."""
    if not record:
        return record
    secrets = names_marked(Sensitivity.SECRET)
    hidden = {
        k: SECRET_HIDDEN for k in secrets.intersection(record) if record[k] not in SECRET_MARKERS
    }
    named = names_marked(Sensitivity.IDENTIFIER).intersection(record)
    if named and not _may_see_identity(principal, _centre_of(record, centres)):
        hidden.update(dict.fromkeys(named, IDENTIFIER_HIDDEN))
    return {**record, **hidden} if hidden else record


def _centre_of(record: dict[str, Any], centres: dict[str, str]) -> str | None:
    if "centre_id" in record:
        return str(record["centre_id"])
    return centres.get(str(record.get("patient_id")))


def _may_see_identity(principal: Principal, centre_id: str | None) -> bool:
    """Identity scope for the centre; a record whose centre is unknown needs every centre."""
    if not principal.may(Scope.IDENTITY):
        return False
    return principal.sees_every_centre if centre_id is None else principal.sees_centre(centre_id)
